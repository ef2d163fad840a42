"""Where a login ends: the deep link it started from (same-origin only), the role's
start page otherwise; and the language chosen on the login page holds after it."""

from __future__ import annotations

from api.routes.auth.login import after_login, safe_next
from tests.api_support import DEMO_PASSWORD, client_for, login_csrf, running_app, seeded


async def _log_in(client, username: str, **extra: str):
    csrf = await login_csrf(client)
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf, **extra}
    return await client.post("/login", data=data)


def test_only_same_origin_paths_are_followed():
    assert safe_next("/contacts/KCC-2026-000001?tab=notes") == "/contacts/KCC-2026-000001?tab=notes"
    for bad in ("https://evil.test/", "//evil.test/", "/\\evil.test", "/ok\\..", "/a\nb", None):
        assert safe_next(bad) == "/"
    assert after_login("/login?next=/x") == "/welcome"
    assert after_login("/") == "/welcome"


async def test_a_deep_link_survives_login(db, settings):
    await seeded(db)
    async with running_app(settings, db, demo_skip_totp=True) as app, client_for(app) as client:
        first = await client.get("/work?mine=1", headers={"Accept": "text/html"})
        assert first.status_code == 303
        assert first.headers["location"] == "/login?next=%2Fwork%3Fmine%3D1"
        page = await client.get(first.headers["location"])
        assert 'name="next" value="/work?mine=1"' in page.text
        done = await _log_in(client, "agent", next="/work?mine=1")
        assert done.headers["location"] == "/work?mine=1"
        assert (await client.get("/work?mine=1")).status_code == 200


async def test_a_foreign_next_is_ignored(db, settings):
    await seeded(db)
    async with running_app(settings, db, demo_skip_totp=True) as app, client_for(app) as client:
        done = await _log_in(client, "agent", next="//evil.test/phish")
        assert done.headers["location"] == "/welcome"
        assert (await client.get("/welcome")).headers["location"] == "/"


async def test_the_manager_lands_on_management_information(db, settings):
    await seeded(db)
    async with running_app(settings, db, demo_skip_totp=True) as app, client_for(app) as client:
        await _log_in(client, "manager")
        landing = (await client.get("/welcome")).headers["location"]
        assert landing in ("/reports", "/phone/wallboard")
        assert (await client.get(landing)).status_code == 200
        assert (await client.get("/trafficer")).status_code == 200  # read-only view


async def test_the_language_chosen_before_login_holds(db, settings):
    await seeded(db)
    async with running_app(settings, db, demo_skip_totp=True) as app, client_for(app) as client:
        csrf = await login_csrf(client)
        await client.post(
            "/language", data={"language": "en", "csrf_token": csrf, "next": "/login"}
        )
        await _log_in(client, "agent")  # the demo agent's own language is Dutch
        page = await client.get("/")
        assert '<html lang="en">' in page.text
        assert "Log out" in page.text
