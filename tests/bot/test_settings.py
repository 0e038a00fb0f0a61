"""Settings fail fast with messages that say what to set and where to get it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from engine.errors import ConfigurationError


def make(**values: str) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_placeholder_token_is_rejected_naming_the_variable() -> None:
    with pytest.raises(ValidationError, match="slack_bot_token"):
        make(slack_bot_token="xoxb-your-token-here")


def test_user_token_where_bot_token_belongs_is_rejected() -> None:
    with pytest.raises(ValidationError, match="xoxb-"):
        make(slack_bot_token="xoxp-1234")


def test_missing_slack_settings_name_each_variable_and_where_to_get_it() -> None:
    with pytest.raises(ConfigurationError) as raised:
        make().require_slack(socket_mode=True)

    message = str(raised.value)
    assert "SLACK_BOT_TOKEN" in message and "OAuth & Permissions" in message
    assert "SLACK_SIGNING_SECRET" in message and "SLACK_APP_TOKEN" in message


def test_secrets_do_not_leak_into_repr() -> None:
    settings = make(slack_bot_token="xoxb-123-real", slack_signing_secret="abc123def")

    assert "xoxb-123-real" not in repr(settings)
    assert settings.slack_configured


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, faultmaven_data_dir=tmp_path)  # type: ignore[call-arg]

    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'faultmaven.db'}"


def test_plain_postgres_url_gets_the_psycopg_driver() -> None:
    assert make(database_url="postgres://u@db/fm").resolved_database_url == "postgresql+psycopg://u@db/fm"


def test_runbook_reviewers_parse_users_and_groups_and_reject_anything_else() -> None:
    assert make().runbook_reviewers == ()
    assert make(faultmaven_runbook_reviewers=" U01ALICE, S02SRE ,W03BOB").runbook_reviewers == (
        "U01ALICE",
        "S02SRE",
        "W03BOB",
    )
    with pytest.raises(ValidationError, match="@alice"):
        make(faultmaven_runbook_reviewers="U01ALICE, @alice")


def test_many_workspaces_need_client_id_and_secret_instead_of_a_bot_token() -> None:
    settings = make(
        slack_client_id="111.222", slack_client_secret="0123abcd4567", slack_signing_secret="abc123def"
    )

    assert settings.oauth_enabled and settings.slack_configured
    assert "0123abcd4567" not in repr(settings)
    with pytest.raises(ConfigurationError) as half:
        make(slack_client_id="111.222", slack_signing_secret="abc123def").require_slack()
    assert "SLACK_CLIENT_SECRET" in str(half.value) and "SLACK_BOT_TOKEN" not in str(half.value)
    with pytest.raises(ConfigurationError, match="without --socket-mode"):
        make(
            slack_client_id="111.222",
            slack_client_secret="0123abcd4567",
            slack_signing_secret="abc123def",
            slack_app_token="xapp-1-abc",
        ).require_slack(socket_mode=True)


def test_blank_oauth_settings_mean_one_workspace() -> None:
    settings = make(
        slack_client_id=" ", slack_client_secret="", slack_bot_token="xoxb-1-real", slack_signing_secret="s3"
    )

    assert not settings.oauth_enabled and settings.slack_configured
