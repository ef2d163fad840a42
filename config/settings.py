"""The one place PULSE reads its configuration from.

Every value can be set by an environment variable with the ``PULSE_`` prefix
(``PULSE_DATABASE_URL``, ``PULSE_TEMPORAL_ADDRESS`` ...) or in a ``.env`` file.
The defaults point at the embedded stack that ``make run`` starts, so a fresh
checkout works without any configuration; production chooses external
PostgreSQL, Temporal, mail servers by settings alone.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class SettingsError(RuntimeError):
    """Raised at start-up when the configuration is not valid; the message names the fields."""


def parse_key(value: str) -> bytes:
    """A key as configured: base64 (standard or URL-safe) of 16, 24 or 32 bytes."""
    raw = base64.urlsafe_b64decode(value.replace("+", "-").replace("/", "_") + "==")
    if len(raw) not in (16, 24, 32):
        raise ValueError("an AES key must be 16, 24 or 32 bytes (base64)")
    return raw


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
    # Workflows a worker keeps in memory (the SDK's default is 1000): an evicted open
    # contact is replayed from its history on its next event. More costs memory
    # (~0.2 MB each) and makes Python's garbage collector scan more.
    worker_workflow_cache: int = Field(1000, ge=10, le=100_000)

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
    login_max_failures: int = Field(10, ge=1)  # failures that lock the account
    login_lockout_minutes: int = Field(15, ge=1)
    # Per client address (locks the address, before the account lock) and for everyone;
    # behind a proxy, run uvicorn with --proxy-headers so the address is the client's.
    login_address_max_failures: int = Field(5, ge=1)
    login_address_attempts_per_minute: int = Field(20, ge=1)
    login_global_attempts_per_minute: int = Field(300, ge=1)
    login_concurrent_checks: int = Field(2, ge=1)  # argon2 checks at once (CPU cores)
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

    # --- phone channel: Asterisk AMI, agent endpoints, wallboard ---------
    ami_host: str = "127.0.0.1"
    ami_port: int = Field(5038, ge=1, le=65535)
    ami_user: str = "pulse"
    ami_secret: SecretStr = SecretStr("pulse-dev-secret")
    # The agent's softphone as a queue member; {username} is the PULSE user name.
    phone_agent_interface: str = "PJSIP/{username}"
    phone_callback_context: str = "pulse-callback"  # dialplan context that dials the customer
    phone_callback_timeout_s: int = Field(30, ge=5, le=120)
    phone_service_level_s: int = Field(30, ge=1)  # "answered within N s" on the wallboard
    ami_simulator: bool = True  # make run only: start devstack/pbx_simulator.py on ami_port

    # --- contact defaults -------------------------------------------------------
    first_response_hours: int = Field(40, ge=1)  # default due time of a new email contact

    # --- encrypted Temporal payloads, DMS, retention ----------
    # Keyring of the Temporal payload codec: key id -> base64 AES key (16/24/32 bytes).
    # Rotate: add a key, make it current; drop old keys only when no open workflow
    # uses them. JSON in the environment: PULSE_CODEC_KEYS='{"k2026": "base64..."}'.
    codec_keys: dict[str, SecretStr] = {
        "dev-only-1": SecretStr("ZGV2LW9ubHktcHVsc2UtY29kZWMta2V5LTMyYnl0ZXM=")
    }
    codec_current_key: str = "dev-only-1"
    dms_backend: Literal["local", "zgw"] = "local"
    dms_dir: Path | None = None  # local store; default data_dir / "dms"
    zgw_documenten_url: str = "http://127.0.0.1:8010/documenten/api/v1"
    zgw_client_id: str = "pulse"
    zgw_secret: SecretStr = SecretStr("dev-only-zgw-secret")
    zgw_bronorganisatie: str = "000000000"  # RSIN of the organisation (CIBG's in production)
    zgw_informatieobjecttype: str = (
        "http://127.0.0.1:8010/catalogi/api/v1/informatieobjecttypen/klantcontact"
    )
    zgw_chunk_bytes: int = Field(4 * 1024 * 1024, ge=1024)  # above this: bestandsdelen
    retention_schedule_hour_utc: int = Field(2, ge=0, le=23)  # daily destruction-list run
    # last week's report mailed to every manager on Monday at this office hour
    weekly_report_enabled: bool = True
    weekly_report_hour: int = Field(7, ge=0, le=23)
    weekly_report_from: str = ""  # empty: reports@<mail_domain>
    signal_scan_hour: int = Field(5, ge=0, le=23)  # office time: yesterday is complete
    # OIDC single sign-on next to local accounts. MFA is required: the
    # id_token's amr must name one of oidc_mfa_amr, or its acr be one of oidc_mfa_acr.
    oidc_enabled: bool = False
    oidc_issuer: str = ""  # discovery at <issuer>/.well-known/openid-configuration
    oidc_client_id: str = "pulse"
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scopes: str = "openid profile email"
    oidc_mfa_amr: list[str] = ["mfa", "otp", "hwk", "swk", "sms", "fpt"]
    oidc_mfa_acr: list[str] = []
    oidc_role_claim: str = "pulse_role"  # a role name, or a list: the first PULSE role wins
    oidc_products_claim: str = "pulse_products"  # product codes -> accreditations
    oidc_create_users: bool = True  # first login creates the user when the claims say how

    # --- TOPdesk incidents ------------------------------------------------------
    # Unset: no TOPdesk link (make run then starts devstack/topdesk_fake.py).
    topdesk_url: str | None = None  # e.g. https://cibg.topdesk.net (without /tas/api)
    topdesk_login: str = "pulse"  # the operator's login name
    topdesk_app_password: SecretStr = SecretStr("")  # an application password of that login
    topdesk_timeout_seconds: float = Field(10, gt=0, le=60)
    topdesk_poll_seconds: int = Field(300, ge=1)  # how often an open incident is read
    topdesk_retry_unauthorized_seconds: int = Field(900, ge=1)  # after a 401, try again
    # The TOPdesk automated action sends it as "Authorization: Bearer <token>"; empty: off.
    topdesk_webhook_token: SecretStr = SecretStr("")

    # --- identifiers, klantbeeld register adapters ---------------
    # Key of BSN encryption (AES-GCM) and identifier lookup hashes (HMAC); derived
    # from secret_key when unset. Changing it makes stored BSNs unreadable and
    # unfindable: set it once per installation (32+ characters).
    customer_data_key: SecretStr | None = None
    # Per product code, the URL of an optional "register data" HTTP adapter:
    # GET <url>?kind=<bsn|big|uzi|kvk>&identifier=<value> -> JSON object {label: value}.
    # JSON in the environment, e.g. PULSE_REGISTER_ADAPTERS='{"BIG": "http://..."}'.
    register_adapters: dict[str, str] = Field(default_factory=dict)
    register_adapter_timeout_seconds: float = Field(1.5, gt=0, le=10)

    # --- public web form ----------------------------------------------------------
    # Sites that may show the form in a frame (CSP frame-ancestors), e.g.
    # PULSE_WEBFORM_FRAME_ANCESTORS='["https://www.bigregister.nl"]'. Empty: none.
    webform_frame_ancestors: list[str] = Field(default_factory=list)
    # ALTCHA proof of work (PBKDF2/SHA-256): iterations per try (~256 tries on average)
    webform_altcha_cost: int = Field(5000, ge=1, le=1_000_000)
    webform_altcha_minutes: int = Field(60, ge=1)  # a challenge is good this long
    # submissions per IP address and per email address in one window
    webform_limit_per_ip: int = Field(10, ge=1)
    webform_limit_per_email: int = Field(5, ge=1)
    webform_limit_window_minutes: int = Field(60, ge=1)
    webform_max_body_bytes: int = Field(30 * 1024 * 1024, ge=1024)  # a whole post
    webform_message_max_chars: int = Field(10_000, ge=100)

    # --- satisfaction survey ------------------------------------------------------
    # Key of the HMAC that signs the survey links; derived from secret_key when unset.
    # Changing it makes every link sent so far read as tampered.
    survey_secret: SecretStr | None = None
    survey_link_days: int = Field(30, ge=1, le=365)  # a survey link works this long
    survey_comment_max_chars: int = Field(2000, ge=100, le=20_000)

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgres(cls, v: str) -> str:
        if not v.startswith(("postgresql://", "postgresql+psycopg://")):
            raise ValueError("must be a PostgreSQL URL, e.g. postgresql+psycopg://user@host/db")
        if v.startswith("postgresql://"):
            v = "postgresql+psycopg://" + v.removeprefix("postgresql://")
        return v

    @field_validator("webform_frame_ancestors")
    @classmethod
    def _frame_ancestors_are_origins(cls, v: list[str]) -> list[str]:
        for origin in v:
            if not origin.startswith(("https://", "http://")) or any(c in origin for c in " ;,'"):
                raise ValueError(f"{origin!r} is not an origin like https://www.example.nl")
        return v

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if self.environment == "production":
            problems = []
            if self.demo_skip_totp:
                problems.append("demo_skip_totp may not be on in production")
            if self.dev_tools:
                problems.append("dev_tools may not be on in production")
            if not self.public_url.startswith("https://"):
                problems.append("public_url must be an https URL in production (PULSE_PUBLIC_URL)")
            if self.cookie_secure is False:
                problems.append("cookie_secure may not be off in production")
            if "dev-only" in self.secret_key.get_secret_value():
                problems.append("secret_key must be set (PULSE_SECRET_KEY)")
            if self.oidc_enabled and not self.oidc_issuer.startswith("https://"):
                problems.append("oidc_issuer must be an https URL in production")
            if any(key_id.startswith("dev-only") for key_id in self.codec_keys):
                problems.append("codec_keys must be set, without the dev key (PULSE_CODEC_KEYS)")
            if problems:
                raise ValueError("; ".join(problems))
        if len(self.secret_key.get_secret_value()) < 32:
            raise ValueError("secret_key must be at least 32 characters")
        if self.codec_current_key not in self.codec_keys:
            raise ValueError("codec_current_key must name a key in codec_keys")
        for key_id, key in self.codec_keys.items():
            try:
                parse_key(key.get_secret_value())
            except ValueError as exc:
                raise ValueError(f"codec_keys[{key_id}]: {exc}") from None
        return self

    @property
    def session_cookie_secure(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return not self.public_url.startswith("http://")

    @property
    def sends_hsts(self) -> bool:
        """Strict-Transport-Security whenever PULSE is reached over https (always in
        production): browsers then never try plain http again."""
        return self.public_url.startswith("https://")

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
