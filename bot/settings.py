"""The one Settings object, read from the environment and `.env` at the composition roots."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.errors import ConfigurationError

_PLACEHOLDERS = ("changeme", "change-me", "your-", "your_", "<", "xxx", "todo", "placeholder")

HOW_TO_GET = {
    "SLACK_BOT_TOKEN": "Slack app → OAuth & Permissions → Bot User OAuth Token (starts with xoxb-)",
    "SLACK_SIGNING_SECRET": "Slack app → Basic Information → App Credentials → Signing Secret",
    "SLACK_APP_TOKEN": "Slack app → Basic Information → App-Level Tokens, scope connections:write (xapp-)",
}


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(p in lowered for p in _PLACEHOLDERS)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_command: str = "/faultmaven"
    redis_url: str | None = None
    database_url: str | None = None
    faultmaven_data_dir: Path = Path("./var")
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    log_level: str = "INFO"

    @field_validator("slack_bot_token", "slack_signing_secret", "slack_app_token", "anthropic_api_key")
    @classmethod
    def _reject_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            return None
        if value is not None and _is_placeholder(value.get_secret_value()):
            raise ValueError("looks like a placeholder, not a real secret; set the real value or unset it")
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError(
                "must be a bot token starting with xoxb- (" + HOW_TO_GET["SLACK_BOT_TOKEN"] + ")"
            )
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError(
                "must be an app-level token starting with xapp- (" + HOW_TO_GET["SLACK_APP_TOKEN"] + ")"
            )
        return value

    @property
    def slack_configured(self) -> bool:
        """Whether the bot can talk to Slack at all."""
        return self.slack_bot_token is not None and self.slack_signing_secret is not None

    def missing_slack_settings(self, socket_mode: bool = False) -> list[str]:
        """Names of the Slack variables still unset."""
        needed = {"SLACK_BOT_TOKEN": self.slack_bot_token, "SLACK_SIGNING_SECRET": self.slack_signing_secret}
        if socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        return [name for name, value in needed.items() if value is None]

    def require_slack(self, socket_mode: bool = False) -> None:
        """Fail fast, naming each missing variable and where to find it."""
        missing = self.missing_slack_settings(socket_mode)
        if missing:
            lines = [f"  {name}: {HOW_TO_GET[name]}" for name in missing]
            raise ConfigurationError("Slack is not configured. Set:\n" + "\n".join(lines))

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, or a SQLite file in the data directory."""
        if self.database_url:
            url = self.database_url
            # Heroku-style URLs name the driver-less scheme; we ship psycopg 3.
            if url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgres://")
            elif url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        self.faultmaven_data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.faultmaven_data_dir / 'faultmaven.db').resolve()}"

    @property
    def resolved_redis_url(self) -> str:
        """REDIS_URL, or the conventional local server."""
        return self.redis_url or "redis://127.0.0.1:6379/0"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
