"""`faultmaven serve | worker | up | migrate`: the process entry points (composition roots)."""

from __future__ import annotations

import argparse
import sys

from bot.cli_audit import add_audit_commands
from bot.cli_eval import add_eval_parser
from bot.cli_jobs import add_jobs_commands
from bot.cli_runbooks import add_runbook_commands
from bot.logs import configure_logging
from bot.settings import Settings, get_settings
from engine.errors import ConfigurationError
from jobs.queue import QUEUE_NAMES, parse_queue_names


def cmd_migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from storage.migrate import upgrade

    upgrade(settings.resolved_database_url)
    print("database schema is up to date")
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from bot.app import create_app
    from bot.metrics import instrument_web_app
    from bot.services import build_services
    from bot.web import SETUP_HINT, create_web_app
    from storage.migrate import upgrade

    upgrade(settings.resolved_database_url)
    services = build_services(settings)
    playground = None
    if args.playground:
        from bot.playground.launch import require_loopback, start_playground

        require_loopback(args.host)
        # Before Bolt: creating the app checks the bot token against SLACK_API_URL.
        playground = start_playground(settings, args.port)
    if args.setup_mode and not settings.slack_configured:
        print(SETUP_HINT, file=sys.stderr)
        bolt = None
    else:
        settings.require_slack(socket_mode=args.socket_mode)
        bolt = create_app(settings, services)
    if args.socket_mode and bolt is not None:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        assert settings.slack_app_token is not None
        SocketModeHandler(bolt, settings.slack_app_token.get_secret_value()).connect()  # type: ignore[no-untyped-call]
        print("connected to Slack over Socket Mode", file=sys.stderr)
    web = create_web_app(services, None if args.socket_mode else bolt)
    instrument_web_app(web, services)
    if playground is not None:
        from bot.playground.launch import install_playground

        install_playground(web, playground)
    uvicorn.run(web, host=args.host, port=args.port, log_level="warning", access_log=False, lifespan="off")
    return 0


def cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    from bot.actions import build_action_runtime
    from bot.cli_runbooks import load_runbook_library
    from bot.engines import (
        build_diagnosis_engine,
        build_reply_triage,
        build_runbook_reviser,
        build_runbook_writer,
    )
    from bot.incidents import build_incident_runtime
    from bot.learning import build_learning_runtime
    from bot.oauth import build_workspace_clients
    from bot.services import build_services
    from bot.worker_metrics import serve_worker_metrics
    from jobs.pacing import ChannelPacer
    from jobs.runtime import JobContext
    from jobs.slack import make_web_client
    from jobs.worker import run_worker
    from storage.audit import AuditLog
    from storage.db import make_session_factory
    from storage.llm_usage import LlmUsageRepository
    from storage.migrate import upgrade

    upgrade(settings.resolved_database_url)
    services = build_services(settings)
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    if token is None and not settings.oauth_enabled:
        print("warning: SLACK_BOT_TOKEN is not set; jobs that post to Slack will fail", file=sys.stderr)
    runbooks = load_runbook_library(settings, services.db)
    pacer = ChannelPacer(
        services.redis, settings.faultmaven_channel_message_interval, burst=settings.faultmaven_channel_burst
    )
    context = JobContext(
        cases=services.cases,
        # Many workspaces: each job's team token comes from the installation store instead.
        slack=make_web_client(None if settings.oauth_enabled else token, settings.slack_api_url, pacer),
        workspaces=build_workspace_clients(settings, services.db, pacer),
        incidents=build_incident_runtime(settings, services.db, services.queue),
        engine=build_diagnosis_engine(settings),
        llm_usage=LlmUsageRepository(make_session_factory(services.db)),
        runbooks=runbooks,
        audit=AuditLog(make_session_factory(services.db)),
        actions=build_action_runtime(settings, services.db, services.queue),
        learning=build_learning_runtime(services.db, runbooks.embedder, settings),
        runbook_min_similarity=settings.runbook_suggest_min_similarity,
        runbook_reviewers=settings.runbook_reviewers,
        runbook_writer=build_runbook_writer(settings),
        runbook_reviser=build_runbook_reviser(settings),
        reply_triage=build_reply_triage(settings),
    )
    if args.metrics_port:
        serve_worker_metrics(args.metrics_port, context.engine, host=args.metrics_host)
    run_worker(context, services.queue, burst=args.burst, queues=args.queues)
    return 0


def cmd_up(settings: Settings, args: argparse.Namespace) -> int:
    from bot.up import run_everything

    if args.workers < 2:
        print("--workers must be at least 2 (one dedicated to the high queue)", file=sys.stderr)
        return 2
    return run_everything(
        settings, host=args.host, port=args.port, playground=args.playground, workers=args.workers
    )


def build_parser() -> argparse.ArgumentParser:
    """The CLI's arguments."""
    parser = argparse.ArgumentParser(prog="faultmaven", description="FaultMaven: troubleshooting in Slack")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the web process (Slack request URL, health, webhooks)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument(
        "--socket-mode", action="store_true", help="connect over Socket Mode (needs SLACK_APP_TOKEN)"
    )
    serve.add_argument("--setup-mode", action="store_true", help="start even without Slack settings")
    serve.add_argument(
        "--playground", action="store_true", help="serve the local playground (loopback only; see README)"
    )
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="an RQ worker with scheduler (queues high, default, low)")
    worker.add_argument("--burst", action="store_true", help="exit when the queues are empty")
    worker.add_argument(
        "--queues",
        type=parse_queue_names,
        default=QUEUE_NAMES,
        help="comma-separated, served in priority order: e.g. `high` or `default,low` (default: all)",
    )
    worker.add_argument(
        "--metrics-port", type=int, default=0, help="serve Prometheus metrics on this port (0: off)"
    )
    worker.add_argument("--metrics-host", default="127.0.0.1", help="address of the metrics port")
    worker.set_defaults(func=cmd_worker)
    up = sub.add_parser("up", help="Redis (if REDIS_URL is unset), migrations, web and worker in one command")
    up.add_argument("--host", default="127.0.0.1")
    up.add_argument("--port", type=int, default=3000)
    up.add_argument(
        "--workers",
        type=int,
        default=2,
        help="worker processes (at least 2: one serves only `high`, the others `default,low`)",
    )
    up.add_argument(
        "--playground", action="store_true", help="the local playground even when Slack tokens are set"
    )
    up.set_defaults(func=cmd_up)
    migrate = sub.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(func=cmd_migrate)
    add_runbook_commands(sub)
    add_eval_parser(sub)
    add_audit_commands(sub)
    add_jobs_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `faultmaven` command."""
    args = build_parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValueError as error:
        print(f"configuration error:\n{error}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        return int(args.func(settings, args))
    except ConfigurationError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
