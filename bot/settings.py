"""The one Settings object, read from the environment and `.env` at the composition roots."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from engine.errors import ConfigurationError
from engine.runbooks.reviewers import parse_reviewers
from jobs.incidents.pagerduty import DEFAULT_PAGERDUTY_API_URL
from jobs.incidents.routing import RouteRule, parse_routes

_PLACEHOLDERS = ("changeme", "change-me", "your-", "your_", "<", "xxx", "todo", "placeholder")

HOW_TO_GET = {
    "SLACK_BOT_TOKEN": "Slack app → OAuth & Permissions → Bot User OAuth Token (starts with xoxb-)",
    "SLACK_SIGNING_SECRET": "Slack app → Basic Information → App Credentials → Signing Secret",
    "SLACK_APP_TOKEN": "Slack app → Basic Information → App-Level Tokens, scope connections:write (xapp-)",
    "SLACK_CLIENT_ID": "Slack app → Basic Information → App Credentials → Client ID (many workspaces)",
    "SLACK_CLIENT_SECRET": "Slack app → Basic Information → App Credentials → Client Secret",
}


def _is_placeholder(value: str) -> bool:
    lowered = value.lower()
    return any(p in lowered for p in _PLACEHOLDERS)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    # Many workspaces: with both set, workspaces install through /slack/install (OAuth v2) and every
    # request and job uses its own workspace's bot token from the installation store; SLACK_BOT_TOKEN
    # is then not used. SLACK_REDIRECT_URI only when the app lists several redirect URLs.
    slack_client_id: str | None = None
    slack_client_secret: SecretStr | None = None
    slack_redirect_uri: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_command: str = "/faultmaven"
    # Inbound bodies larger than this are refused with 413 before they are read in full (Slack's and
    # the webhooks' payloads are far smaller); a short Web API timeout for the ack path (no retries).
    faultmaven_max_request_bytes: int = Field(default=1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    slack_ack_path_timeout_seconds: float = Field(default=2.0, gt=0, le=2.5)
    redis_url: str | None = None
    database_url: str | None = None
    faultmaven_data_dir: Path = Path("./var")
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    # Fast model: short follow-ups and triage; strong model: the full diagnosis of a new case.
    anthropic_fast_model: str = "claude-haiku-4-5"
    anthropic_strong_model: str = "claude-sonnet-4-6"
    anthropic_timeout_seconds: float = Field(default=30.0, gt=0)
    # SDK-level retries for 429/5xx/529 (honouring retry-after) before our fallback chain takes over.
    anthropic_max_retries: int = Field(default=2, ge=0, le=10)
    # Consecutive API failures that open the circuit breaker, and how long it stays open.
    anthropic_breaker_failures: int = Field(default=3, ge=1)
    anthropic_breaker_reset_seconds: float = Field(default=60.0, gt=0)
    # Runbooks: the embedding model ("minilm-int8", or "none" for keyword-only search), an optional
    # path to its file (checked against the pinned sha256), a Chroma server (else embedded under the
    # data dir), the shipped library folder, and how similar a runbook must be to be suggested.
    faultmaven_embedding: str = "minilm-int8"
    faultmaven_embedding_model_path: Path | None = None
    chroma_url: str | None = None
    faultmaven_runbooks_dir: Path | None = None
    runbook_suggest_min_similarity: float = Field(default=0.5, ge=0.0, le=1.0)
    # Who may approve drafted runbooks: Slack user ids and/or user group ids (S…), comma-separated.
    # Empty: anyone but the draft's author (and its last editor).
    faultmaven_runbook_reviewers: str = ""
    # Known fixes: a fix that resolved one problem this many times at this success rate is proposed.
    faultmaven_promotion_min_cases: int = Field(default=5, ge=1)
    faultmaven_promotion_min_success: float = Field(default=0.9, gt=0.0, le=1.0)
    # Stale runbooks, flagged in the review queue: idle this many days, or working less often than this.
    faultmaven_stale_runbook_days: int = Field(default=90, ge=1)
    faultmaven_stale_runbook_min_success: float = Field(default=0.5, ge=0.0, le=1.0)
    log_level: str = "INFO"
    # text: human-readable key=value lines; json: one object per line for log shippers.
    log_format: Literal["text", "json"] = "text"
    # Incidents (PagerDuty V3 and Alertmanager webhooks open cases; see README "Incidents").
    pagerduty_webhook_secret: SecretStr | None = None  # comma-separated: old,new during rotation
    alertmanager_token: SecretStr | None = None
    pagerduty_api_token: SecretStr | None = None
    pagerduty_api_url: str = DEFAULT_PAGERDUTY_API_URL
    pagerduty_from_email: str | None = None
    faultmaven_incident_channel: str | None = None
    faultmaven_incident_routes: str = ""  # "service=Checkout:C0CHECKOUT, namespace=shop:C0SHOP"
    faultmaven_incident_debounce_seconds: float = Field(default=2.0, ge=0)
    faultmaven_channel_message_interval: float = Field(default=1.0, ge=0)
    # New messages a quiet channel may send at once (a case's root and "Investigating…"); never
    # right after a 429. 1 = strictly one per interval.
    faultmaven_channel_burst: int = Field(default=2, ge=1, le=5)
    # A running job's outbox lease: a job whose worker died is re-run about this long after.
    faultmaven_job_lease_seconds: float = Field(default=15.0, ge=1)
    # Actions: the approval policy (YAML; the shipped default when unset), dry-run until an operator
    # sets "live", and the automation endpoint the webhook executor signs its POSTs for.
    faultmaven_policy_file: Path | None = None
    faultmaven_execution_mode: Literal["dry-run", "live"] = "dry-run"
    faultmaven_action_webhook_url: str | None = None
    faultmaven_action_webhook_secret: SecretStr | None = None
    # Which environment each channel's cases are about ("C0DBPROD=production, C0STAGE=staging"); a
    # production case makes its actions' targets production for the policy.
    faultmaven_channel_environments: str = ""
    # Who approval cards @-mention when the policy lists nobody: one user group ("S0ONCALL") or per
    # channel ("C0DB=S0DBA, *=S0ONCALL").
    faultmaven_oncall_group: str = ""

    @field_validator(
        "pagerduty_webhook_secret",
        "alertmanager_token",
        "pagerduty_api_token",
        "faultmaven_action_webhook_secret",
    )
    @classmethod
    def _reject_incident_placeholders(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().strip():
            return None
        if value is not None and _is_placeholder(value.get_secret_value()):
            raise ValueError("looks like a placeholder, not a real secret; set the real value or unset it")
        return value

    @field_validator("faultmaven_incident_routes")
    @classmethod
    def _routes_parse(cls, value: str) -> str:
        parse_routes(value)
        return value

    @field_validator("faultmaven_channel_environments", "faultmaven_oncall_group")
    @classmethod
    def _channel_map_parses(cls, value: str) -> str:
        parse_channel_map(value)
        return value

    @property
    def channel_environments(self) -> dict[str, str]:
        """FAULTMAVEN_CHANNEL_ENVIRONMENTS, parsed (channel id → environment)."""
        return parse_channel_map(self.faultmaven_channel_environments)

    @property
    def oncall_groups(self) -> dict[str, str]:
        """FAULTMAVEN_ONCALL_GROUP, parsed (channel id or "*" → user group id)."""
        return parse_channel_map(self.faultmaven_oncall_group, bare_key="*")

    @property
    def pagerduty_webhook_secrets(self) -> tuple[str, ...]:
        """Every configured PagerDuty signing secret (several while rotating)."""
        raw = self.pagerduty_webhook_secret.get_secret_value() if self.pagerduty_webhook_secret else ""
        return tuple(part.strip() for part in raw.split(",") if part.strip())

    @field_validator("faultmaven_runbook_reviewers")
    @classmethod
    def _reviewers_parse(cls, value: str) -> str:
        parse_reviewers(value)
        return value

    @property
    def runbook_reviewers(self) -> tuple[str, ...]:
        """FAULTMAVEN_RUNBOOK_REVIEWERS, parsed."""
        return parse_reviewers(self.faultmaven_runbook_reviewers)

    @property
    def incident_routes(self) -> list[RouteRule]:
        """FAULTMAVEN_INCIDENT_ROUTES, parsed."""
        return parse_routes(self.faultmaven_incident_routes)

    @field_validator("slack_client_id")
    @classmethod
    def _blank_client_id_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "slack_client_secret",
        "anthropic_api_key",
    )
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
    def oauth_enabled(self) -> bool:
        """Many workspaces: OAuth installs and per-team tokens (SLACK_CLIENT_ID and SECRET set)."""
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def slack_configured(self) -> bool:
        """Whether the bot can talk to Slack at all (one workspace's token, or OAuth installs)."""
        return not self.missing_slack_settings()

    def missing_slack_settings(self, socket_mode: bool = False) -> list[str]:
        """Names of the Slack variables still unset."""
        needed: dict[str, object] = {}
        if self.slack_client_id is not None or self.slack_client_secret is not None:
            needed["SLACK_CLIENT_ID"] = self.slack_client_id
            needed["SLACK_CLIENT_SECRET"] = self.slack_client_secret
        else:
            needed["SLACK_BOT_TOKEN"] = self.slack_bot_token
        needed["SLACK_SIGNING_SECRET"] = self.slack_signing_secret
        if socket_mode:
            needed["SLACK_APP_TOKEN"] = self.slack_app_token
        return [name for name, value in needed.items() if value is None]

    def require_slack(self, socket_mode: bool = False) -> None:
        """Fail fast, naming each missing variable and where to find it."""
        missing = self.missing_slack_settings(socket_mode)
        if missing:
            lines = [f"  {name}: {HOW_TO_GET[name]}" for name in missing]
            raise ConfigurationError("Slack is not configured. Set:\n" + "\n".join(lines))
        if socket_mode and self.oauth_enabled:
            raise ConfigurationError(
                "many workspaces (SLACK_CLIENT_ID) install over HTTP at /slack/install; "
                "run `faultmaven serve` without --socket-mode"
            )

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


def parse_channel_map(value: str, bare_key: str | None = None) -> dict[str, str]:
    """`C1=a, C2=b` (and, where `bare_key` is given, a lone `a` meaning every channel)."""
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        key, sep, item = part.partition("=")
        if not sep and bare_key is not None:
            key, item = bare_key, part
        elif not sep or not key.strip() or not item.strip():
            raise ValueError(f"{part!r} is not channel=value (e.g. C0DBPROD=production)")
        mapping[key.strip()] = item.strip()
    return mapping


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings read once per process."""
    return Settings()
