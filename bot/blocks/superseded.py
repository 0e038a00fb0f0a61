"""A diagnosis message once a newer one is posted: the same content without its Run… and Details buttons."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject

from bot.ids import Ids

SUPERSEDED_NOTE = "_Superseded by a newer diagnosis below; its Run… and Details buttons are there._"
# A superseded message keeps its words only: Details shows the case's latest diagnosis, not this one.
_RETIRED = {Ids.ACTION_RUN_BUTTON.value, Ids.DIAGNOSIS_DETAILS_BUTTON.value}


def _is_retired_button(element: dict[str, Any] | None) -> bool:
    return element is not None and element.get("action_id") in _RETIRED


def build_superseded_blocks(posted: list[dict[str, Any]]) -> list[Block]:
    """`posted` (the message's blocks as Slack returns them) minus Run… and Details, plus a note saying why.

    Text is passed through as it was posted (our builders escaped it then); applying this twice
    gives the same blocks, so a re-run job may call it again.
    """
    blocks: list[Block] = []
    for raw in posted:
        if raw.get("block_id") == Ids.DIAGNOSIS_SUPERSEDED:
            continue
        if raw.get("type") == "actions":
            elements = [e for e in raw.get("elements", []) if not _is_retired_button(e)]
            if not elements:
                continue
            raw = {**raw, "elements": elements}
        if raw.get("type") == "section" and _is_retired_button(raw.get("accessory")):
            raw = {key: value for key, value in raw.items() if key != "accessory"}
        block = Block.parse(raw)
        if block is not None:
            blocks.append(block)
    blocks.append(
        ContextBlock(block_id=Ids.DIAGNOSIS_SUPERSEDED, elements=[MarkdownTextObject(text=SUPERSEDED_NOTE)])
    )
    return blocks
