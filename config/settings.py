"""The one place PULSE reads its configuration from.

Every value can be set by an environment variable with the ``PULSE_`` prefix
(``PULSE_DATABASE_URL``, ``PULSE_TEMPORAL_ADDRESS`` ...) or in a ``.env`` file.
The defaults point at the embedded stack that ``make run`` starts, so a fresh
checkout works without any configuration; production chooses external
PostgreSQL, Temporal, mail servers by settings alone.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """Raised at start-up when the configuration is not valid; the message names the fields."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PULSE_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    environment: Literal["dev", "test", "production"] = "dev"
    data_dir: Path = ROOT / ".pulse"

    # --- database -------------------------------------------------------------
    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:54329/pulse"
    db_pool_size: int = Field(10, ge=1, le=200)

    # --- Temporal ---------------------------------------------------------------
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    temporal_task_queue: str = "pulse"
    temporal_tls: bool = False
    temporal_web_url: str = "http://127.0.0.1:8233"

    # --- web --------------------------------------------------------------------
    api_host: str = "127.0.0.1"
    api_port: int = Field(8000, ge=1, le=65535)
    public_url: str = "http://127.0.0.1:8000"
    secret_key: SecretStr = SecretStr("dev-only-change-me-0123456789abcdef")
    session_idle_minutes: int = Field(30, ge=1)
    session_max_hours: int = Field(12, ge=1)
    cookie_secure: bool | None = None  # None: secure unless public_url is plain http
    login_max_failures: int = Field(5, ge=1)
    login_lockout_minutes: int = Field(15, ge=1)
    # Dev-only: demo users may log in without their TOTP code. Refused in production.
    demo_skip_totp: bool = False
    dev_tools: bool = False  # dev-only pages ("send an email as a customer", outbox)

    # --- mail ------------------------------------------------------------------
    imap_host: str = "127.0.0.1"
    imap_port: int = Field(1143, ge=1, le=65535)
    imap_ssl: bool = False
    imap_user: str = "pulse"
    imap_password: SecretStr = SecretStr("pulse")
    imap_processed_folder: str = "Processed"
    imap_idle_seconds: int = Field(300, ge=5)  # re-issue IDLE at least this often
    imap_poll_seconds: float = Field(5.0, gt=0)  # used when the server lacks IDLE
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(1025, ge=1, le=65535)
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    mail_domain: str = "pulse.test"  # right-hand side of the Message-IDs PULSE makes
    attachment_max_bytes: int = Field(25 * 1024 * 1024, ge=1024)
    reopen_days: int = Field(14, ge=0)  # a reply within N days of closing reopens the contact
    ack_rate_limit_per_hour: int = Field(3, ge=0)  # auto-acks to one sender per hour

    # --- contact defaults -------------------------------------------------------
    first_response_hours: int = Field(40, ge=1)  # default due time of a new email contact

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgres(cls, v: str) -> str:
        if not v.startswith(("postgresql://", "postgresql+psycopg://")):
            raise ValueError("must be a PostgreSQL URL, e.g. postgresql+psycopg://user@host/db")
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v.removeprefix("postgresql://")
        return v

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.environment == "production":
            problems = []
            if self.demo_skip_totp:
                problems.append("demo_skip_totp may not be on in production")
            if self.dev_tools:
                problems.append("dev_tools may not be on in production")
            if "dev-only" in self.secret_key.get_secret_value():
                problems.append("secret_key must be set (PULSE_SECRET_KEY)")
            if problems:
                raise ValueError("; ".join(problems))
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("secret_key must be at least 32 characters")
        return self

    @property
    def session_cookie_secure(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not self.public_url.startswith("http://")

    @property
    def psycopg_url(self) -> str:
        """The database URL as libpq/psycopg understands it (for LISTEN/NOTIFY)."""
        return "postgresql://" + self.database_url.removeprefix("postgresql+psycopg://")


def load_settings(**overrides) -> Settings:
    """Build Settings, turning validation errors into one readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = [
            f"  PULSE_{'_'.join(str(p) for p in err['loc']).upper() or '(settings)'}: {err['msg']}"
            for err in exc.errors()
        ]
        raise SettingsError("PULSE configuration is not valid:\n" + "\n".join(lines)) from None


@lru_cache
def get_settings() -> Settings:
    return load_settings()
