"""Settings: PULSE_ environment variables, clear errors, production safety."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings


def test_environment_variables_with_prefix(monkeypatch):
    monkeypatch.setenv("PULSE_IMAP_PORT", "1993")
    monkeypatch.setenv("PULSE_DATABASE_URL", "postgresql://kcc@db.internal:5432/pulse")
    s = load_settings()
    assert s.imap_port == 1993
    # plain libpq URLs are accepted and given the psycopg 3 driver
    assert s.database_url == "postgresql+psycopg://kcc@db.internal:5432/pulse"
    assert s.psycopg_url == "postgresql://kcc@db.internal:5432/pulse"


def test_invalid_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("PULSE_SMTP_PORT", "not-a-port")
    monkeypatch.setenv("PULSE_DATABASE_URL", "mysql://x@y/z")
    with pytest.raises(SettingsError) as err:
        load_settings()
    text = str(err.value)
    assert "PULSE_SMTP_PORT" in text and "PULSE_DATABASE_URL" in text


def test_production_refuses_dev_conveniences():
    with pytest.raises(SettingsError) as err:
        load_settings(environment="production", demo_skip_totp=True, dev_tools=True)
    text = str(err.value)
    assert "demo_skip_totp" in text and "dev_tools" in text and "secret_key" in text
    ok = load_settings(
        environment="production",
        secret_key="x" * 40,
        public_url="https://pulse.cibg.example",
        codec_keys={"k2026": "a2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMtZm9yLWFlcyE="},
        codec_current_key="k2026",
    )
    assert ok.session_cookie_secure


def test_env_file_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("PULSE_REOPEN_DAYS=3\n")
    assert load_settings().reopen_days == 3
