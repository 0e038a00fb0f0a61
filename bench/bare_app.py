"""The floor of this design: a bare Bolt app that acks a slash command and makes one RQ enqueue."""

from __future__ import annotations

import argparse
import os
from typing import Any

import uvicorn
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer
from slack_bolt import Ack, App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk import WebClient
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def build() -> Starlette:
    """Same server stack as FaultMaven (uvicorn + Starlette + Bolt), minimal handler."""
    app = App(
        client=WebClient(token=os.environ["SLACK_BOT_TOKEN"], base_url=os.environ["SLACK_API_URL"]),
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        process_before_response=True,
    )
    queue = Queue("high", connection=Redis.from_url(os.environ["REDIS_URL"]), serializer=JSONSerializer)

    @app.command("/faultmaven")
    def handle(ack: Ack, body: dict[str, Any]) -> None:
        queue.enqueue("bench.noop", body["trigger_id"])
        ack(text="ok")

    async def events(request: Request) -> Response:
        body = await request.body()
        return to_starlette_response(await run_in_threadpool(app.dispatch, to_bolt_request(request, body)))

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"]), Route("/healthz", events)])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    uvicorn.run(
        build(), host="127.0.0.1", port=parser.parse_args().port, log_level="warning", access_log=False
    )
