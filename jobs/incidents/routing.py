"""Which channel an incident's case goes to: `key=value:CHANNEL` rules, first match wins."""

from __future__ import annotations

from pydantic import BaseModel


class RouteRule(BaseModel):
    """Send incidents whose attribute `key` equals `value` (case-insensitive) to `channel`."""

    key: str
    value: str
    channel: str


def parse_routes(spec: str) -> list[RouteRule]:
    """Parse `service=Checkout:C0CHECKOUT, namespace=shop:C0SHOP`; raise ValueError with the bad rule."""
    rules = []
    for raw in spec.replace("\n", ",").split(","):
        item = raw.strip()
        if not item:
            continue
        condition, sep, channel = item.rpartition(":")
        key, eq, value = condition.partition("=")
        if not sep or not eq or not key.strip() or not value.strip() or not channel.strip():
            raise ValueError(f"route {item!r} is not of the form key=value:CHANNEL")
        rules.append(RouteRule(key=key.strip().lower(), value=value.strip(), channel=channel.strip()))
    return rules


def route_channel(rules: list[RouteRule], attributes: dict[str, str], default: str | None) -> str | None:
    """The first matching rule's channel, else the default."""
    lowered = {k.lower(): v.lower() for k, v in attributes.items()}
    for rule in rules:
        if lowered.get(rule.key) == rule.value.lower():
            return rule.channel
    return default
