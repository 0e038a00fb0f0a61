"""The Slack app manifest asks for what the code uses."""

from pathlib import Path

import yaml

from bot.oauth import BOT_SCOPES, REDIRECT_PATH

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[1] / "slack-app-manifest.yml").read_text())


def test_manifest_routes_everything_to_one_request_url() -> None:
    settings = MANIFEST["settings"]
    command_url = MANIFEST["features"]["slash_commands"][0]["url"]

    assert command_url.endswith("/slack/events")
    assert settings["event_subscriptions"]["request_url"] == command_url
    assert settings["interactivity"]["request_url"] == command_url


def test_manifest_subscribes_to_the_events_the_handlers_listen_for() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])

    assert {"app_mention", "message.channels"} <= events
    assert {"commands", "chat:write", "app_mentions:read", "channels:history"} <= scopes


def test_manifest_grants_the_scopes_the_web_api_calls_need() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # conversations.join (runbook share), files.* upload v2 (audit export), usergroups.users.list
    # (approvers), reactions.add (the 👀 on evidence that changed nothing)
    assert {
        "channels:join",
        "files:write",
        "usergroups:read",
        "chat:write.public",
        "reactions:write",
    } <= scopes


def test_oauth_installs_ask_for_the_manifest_scopes_and_return_to_the_redirect_route() -> None:
    assert sorted(BOT_SCOPES) == sorted(MANIFEST["oauth_config"]["scopes"]["bot"])
    [redirect] = MANIFEST["oauth_config"]["redirect_urls"]
    assert redirect.endswith(REDIRECT_PATH)
    assert {"app_uninstalled", "tokens_revoked"} <= set(
        MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    )
