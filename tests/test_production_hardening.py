"""Production hardening: https only (HSTS), API docs behind the login and from no CDN,
the wallboard's stream for those who may see the wallboard, dev tools for their users."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from devstack.temporal import dev_server_command
from tests.api_support import JSON, client_for, login, running_app, seeded

PRODUCTION = {
    "environment": "production",
    "secret_key": "x" * 40,
    "codec_keys": {"k2026": "a2V5LW9mLXRoaXJ0eS10d28tYnl0ZXMtZm9yLWFlcyE="},
    "codec_current_key": "k2026",
}


def test_production_refuses_to_start_without_https():
    for url in ("http://pulse.cibg.example", "pulse.cibg.example"):
        with pytest.raises(SettingsError) as err:
            load_settings(**PRODUCTION, public_url=url)
        assert "public_url must be an https URL" in str(err.value)
    with pytest.raises(SettingsError, match="cookie_secure"):
        load_settings(**PRODUCTION, public_url="https://pulse.cibg.example", cookie_secure=False)
    ok = load_settings(**PRODUCTION, public_url="https://pulse.cibg.example")
    assert ok.session_cookie_secure and ok.sends_hsts


async def test_hsts_over_https_only(db, settings):
    https = running_app(settings, db, public_url="https://pulse.cibg.example")
    async with https as app, client_for(app) as client:
        secure = await client.get("/healthz")
    assert secure.headers["strict-transport-security"].startswith("max-age=31536000")
    async with running_app(settings, db) as app, client_for(app) as client:
        plain = await client.get("/healthz")
    assert "strict-transport-security" not in plain.headers


async def test_api_docs_need_a_login_and_load_nothing_remote(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app, client_for(app) as client:
        for path in ("/docs", "/openapi.json", "/docs/init.js"):
            assert (await client.get(path, headers=JSON)).status_code == 401, path
        assert (await client.get("/redoc")).status_code == 404
        await login(client, db, "agent")
        page = await client.get("/docs")
        schema = await client.get("/openapi.json")
        bundle = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert page.status_code == 200 and "http" not in page.text.replace("http-equiv", "")
    assert "unsafe-inline' https:" not in page.headers["content-security-policy"]
    assert "script-src 'self';" in page.headers["content-security-policy"]
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "PULSE"
    assert bundle.status_code == 200 and len(bundle.content) > 100_000


async def test_wallboard_stream_follows_the_wallboard_rule(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app, client_for(app) as client:
        await login(client, db, "agent")
        refused = await client.get("/phone/events?view=wallboard", headers=JSON)
        assert refused.status_code == 403
        assert (await client.get("/api/phone/wallboard", headers=JSON)).status_code == 403
        unknown = await client.get("/phone/events?view=everything", headers=JSON)
        assert unknown.status_code == 422


async def test_dev_tools_only_for_roles_that_use_them(db, settings):
    await seeded(db)
    async with running_app(settings, db, dev_tools=True) as app:
        for actor, status in (("admin", 403), ("records", 403), ("ops", 403), ("agent", 200)):
            async with client_for(app) as client:
                await login(client, db, actor)
                for path in ("/dev/send", "/dev/outbox"):
                    answer = await client.get(path, headers={"Accept": "text/html"})
                    assert answer.status_code == status, (actor, path)


def test_the_dev_stacks_temporal_web_stays_on_loopback(tmp_path):
    command = dev_server_command(tmp_path, "10.1.2.3", 7233, 8233)
    assert command[command.index("--ui-ip") + 1] == "127.0.0.1"
