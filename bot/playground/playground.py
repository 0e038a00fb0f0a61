"""What a person does on the playground page, turned into the signed requests Slack would send."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import re
from typing import Any

import httpx

from bot.playground import payloads
from bot.playground.incidents import follow_up_event, sample_pagerduty_incident
from bot.playground.views_api import store_view
from bot.playground.workspace import BOT_USER_ID, USERS, Workspace

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
PAGERDUTY_PATH = "/webhooks/pagerduty"
_MENTION = re.compile(r"@(\w+)")


def find_element(blocks: list[dict[str, Any]], block_id: str, action_id: str) -> dict[str, Any] | None:
    """The interactive element `action_id` inside block `block_id`, wherever Block Kit nests it."""
    for block in blocks:
        if block.get("block_id") != block_id:
            continue
        candidates = [*block.get("elements", []), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element
    return None


def _option(element: dict[str, Any], value: Any) -> dict[str, Any] | None:
    options = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        options.extend(group.get("options", []))
    return next((o for o in options if o.get("value") == value), None)


def _mentions(text: str) -> str:
    """Typed `@FaultMaven` / `@alice` become the `<@U…>` tokens Slack delivers."""
    names = {u.name: u.id for u in USERS} | {"faultmaven": BOT_USER_ID}

    def swap(match: re.Match[str]) -> str:
        user_id = names.get(match.group(1).lower())
        return f"<@{user_id}>" if user_id else match.group(0)

    return _MENTION.sub(swap, text)


class Playground:
    """Holds the workspace and signs and delivers each pretend interaction to the bot's web process."""

    def __init__(
        self,
        workspace: Workspace,
        signing_secret: str,
        web_url: str,
        api_origin: str,
        command: str = "/faultmaven",
        transport: httpx.AsyncBaseTransport | None = None,
        pagerduty_secret: str | None = None,
    ) -> None:
        self.workspace = workspace
        self.signing_secret = signing_secret
        self.web_url = web_url
        self.api_origin = api_origin
        self.command_name = command
        self.transport = transport
        self.pagerduty_secret = pagerduty_secret
        self.incidents_enabled = False
        # Incidents the page opened, by PagerDuty id: acknowledge and resolve replay them.
        self.opened_incidents: dict[str, dict[str, Any]] = {}
        self.allowed_hosts = {"127.0.0.1", "localhost", "::1"}

    async def _post(self, path: str, body: str, headers: dict[str, str]) -> httpx.Response:
        async with httpx.AsyncClient(base_url=self.web_url, transport=self.transport, timeout=15) as client:
            return await client.post(path, content=body.encode(), headers=headers)

    async def _deliver(self, body: str, content_type: str) -> httpx.Response:
        return await self._post("/slack/events", body, payloads.sign(self.signing_secret, body, content_type))

    def _response_url(self, user_id: str, channel: str, message_ts: str = "") -> str:
        return (
            f"{self.api_origin}/response/{self.workspace.new_response_target(user_id, channel, message_ts)}"
        )

    async def command(self, user_id: str, channel: str, text: str) -> dict[str, Any]:
        """`/faultmaven …`: the slash command; its HTTP answer shows as Slack shows it."""
        trigger = self.workspace.new_trigger(user_id)
        body = payloads.slash_command(
            self.command_name, text, user_id, channel, trigger, self._response_url(user_id, channel)
        )
        response = await self._deliver(body, FORM)
        if response.status_code != 200:
            failed = f'{self.command_name} failed with the error "dispatch_failed"'
            self.workspace.add_ephemeral(channel, user_id, failed, [])
            return {"ok": False, "status": response.status_code}
        if response.content:
            try:
                answer = response.json()
            except ValueError:
                answer = {"text": response.text}
            text_, blocks = str(answer.get("text", "")), list(answer.get("blocks") or [])
            if answer.get("response_type") == "in_channel":
                self.workspace.add_message(channel, BOT_USER_ID, text_, blocks=blocks, bot_id="B0FMBOT")
            elif text_ or blocks:
                self.workspace.add_ephemeral(channel, user_id, text_, blocks)
        return {"ok": True, "status": response.status_code}

    async def message(self, user_id: str, channel: str, text: str, thread_ts: str | None) -> dict[str, Any]:
        """A plain message (in a thread or not): stored, then the Events API callbacks Slack sends."""
        ws = self.workspace
        if thread_ts and thread_ts not in ws.messages:
            return {"ok": False, "error": "thread_not_found"}
        message = ws.add_message(channel, user_id, _mentions(text), thread_ts)
        statuses = []
        for event in payloads.message_events(message):
            response = await self._deliver(payloads.event_callback(event, ws.new_id("Ev")), JSON)
            statuses.append(response.status_code)
        return {"ok": all(s == 200 for s in statuses), "ts": message["ts"], "statuses": statuses}

    async def block_action(self, user_id: str, req: dict[str, Any]) -> dict[str, Any]:
        """A click or selection in a message or a view: Slack's block_actions payload."""
        ws = self.workspace
        ts = str(req.get("message_ts"))
        with ws.cond:
            ephemeral = ts not in ws.messages and ws.ephemeral(ts, user_id) is not None
            message = copy.deepcopy(ws.messages.get(ts) or ws.ephemeral(ts, user_id))
            view = copy.deepcopy(ws.views.get(str(req.get("view_id"))))
        if message is None and view is None:
            return {"ok": False, "error": "not_found"}
        blocks = (message or view or {}).get("blocks", [])
        element = find_element(blocks, str(req.get("block_id")), str(req.get("action_id")))
        if element is None:
            return {"ok": False, "error": "unknown_action"}
        action = {"type": element["type"], "action_id": element["action_id"], "block_id": req["block_id"]}
        if element["type"] == "button":
            action |= {k: element[k] for k in ("text", "value", "style", "url") if k in element}
        elif element["type"] == "plain_text_input":
            action["value"] = str(req.get("value") or "")  # an input with dispatch_action
        else:
            option = _option(element, req.get("value"))
            if option is None:
                return {"ok": False, "error": "unknown_option"}
            action["selected_option"] = option
        if view is not None:
            view["state"] = {"values": self._state_values(view, req.get("values") or {})}
        response_url = self._response_url(
            user_id, (message or {}).get("channel", ""), (message or {}).get("ts", "")
        )
        body = payloads.block_actions(
            user_id, action, ws.new_trigger(user_id), response_url, message, view, ephemeral=ephemeral
        )
        response = await self._deliver(body, FORM)
        return {"ok": response.status_code == 200, "status": response.status_code}

    def _state_values(self, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Typed state.values for a view's input blocks from the page's plain `{block: {action: value}}`."""
        state: dict[str, dict[str, Any]] = {}
        for block in view.get("blocks", []):
            element = block.get("element") if block.get("type") == "input" else None
            if not isinstance(element, dict) or "action_id" not in element:
                continue
            raw = (values.get(block["block_id"]) or {}).get(element["action_id"])
            kind = element["type"]
            if kind in ("static_select", "radio_buttons"):
                entry: dict[str, Any] = {"type": kind, "selected_option": _option(element, raw)}
            else:
                entry = {"type": kind, "value": raw if isinstance(raw, str) and raw else None}
            state[block["block_id"]] = {element["action_id"]: entry}
        return state

    async def submit_view(self, user_id: str, view_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Submit a modal: Slack's view_submission, then honour the bot's response_action."""
        ws = self.workspace
        with ws.cond:
            view = copy.deepcopy(ws.views.get(view_id))
        if view is None or view.get("user") not in (user_id, ""):
            return {"ok": False, "error": "not_found"}
        view["state"] = {"values": self._state_values(view, values)}
        response = await self._deliver(payloads.view_submission(user_id, view, ws.new_trigger(user_id)), FORM)
        if response.status_code != 200:
            return {"ok": False, "error": "We had some trouble connecting. Try again?"}
        answer: dict[str, Any] = response.json() if response.content else {}
        action = answer.get("response_action")
        if action == "errors":
            return {"ok": True, "errors": answer.get("errors", {})}
        with ws.cond:
            if action in ("update", "push"):
                stored = store_view(
                    ws, {"view": answer.get("view")}, view_id if action == "update" else None, user_id
                )
                if action == "push":
                    ws.modal_stacks.setdefault(user_id, []).append(stored["id"])
                ws.changed()
            else:
                ws.close_modal(user_id, view_id, clear=action == "clear")
        return {"ok": True}

    async def close_view(self, user_id: str, view_id: str) -> dict[str, Any]:
        """Cancel a modal; Slack tells the bot only when the view asked for notify_on_close."""
        view = self.workspace.views.get(view_id)
        self.workspace.close_modal(user_id, view_id)
        if view is not None and view.get("notify_on_close"):
            await self._deliver(payloads.view_closed(user_id, view), FORM)
        return {"ok": True}

    async def inject_incident(self, index: int) -> dict[str, Any]:
        """POST a sample PagerDuty v3 webhook to the bot's own incident route."""
        if not self.incidents_enabled:
            return {"ok": False, "error": "no incident webhook route in this build"}
        incident = sample_pagerduty_incident(index)
        incident_id = str(incident["event"]["data"]["id"])
        self.opened_incidents[incident_id] = incident
        result = await self._send_pagerduty(incident)
        return {**result, "incident_id": incident_id}

    async def incident_event(self, user_id: str, incident_id: str, status: str) -> dict[str, Any]:
        """Acknowledge or resolve, in PagerDuty, an incident the page opened, as `user_id`."""
        if not self.incidents_enabled:
            return {"ok": False, "error": "no incident webhook route in this build"}
        triggered = self.opened_incidents.get(incident_id)
        if triggered is None or status not in ("acknowledged", "resolved"):
            return {"ok": False, "error": "not_found"}
        person = next((u.real_name for u in USERS if u.id == user_id), user_id)
        return await self._send_pagerduty(follow_up_event(triggered, status, person))

    async def _send_pagerduty(self, event: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(event)
        headers = {"Content-Type": JSON}
        if self.pagerduty_secret:
            digest = hmac.new(self.pagerduty_secret.encode(), body.encode(), hashlib.sha256).hexdigest()
            headers["X-PagerDuty-Signature"] = f"v1={digest}"
        response = await self._post(PAGERDUTY_PATH, body, headers)
        return {"ok": response.is_success, "status": response.status_code}
