"""Login flows: password, TOTP, demo skip, lock-out, timeouts, logout, CSRF, audit."""

from __future__ import annotations

import pytest_asyncio
from sqlalchemy import text
from sqlmodel import select

from api.deps import SESSION_COOKIE
from db.models.contacts import AuditEvent, WebSession
from services.security import hash_session_token, totp_now
from tests.api_support import (
    JSON,
    client_for,
    login,
    page_csrf,
    post_password,
    running_app,
    seeded,
    totp_secret,
)


@pytest_asyncio.fixture
async def app(db, settings):
    await seeded(db)
    async with running_app(settings, db, login_max_failures=3) as app:
        yield app


@pytest_asyncio.fixture
async def client(app):
    async with client_for(app) as client:
        yield client


async def audit_actions(sessionmaker) -> list[tuple[str, str]]:
    async with sessionmaker() as session:
        rows = await session.exec(select(AuditEvent).order_by(AuditEvent.id))
        return [(a.action, a.result) for a in rows.all()]


async def test_unauthenticated_json_gets_401_and_html_gets_redirect(client):
    assert (await client.get("/api/tasks")).status_code == 401
    response = await client.get("/", headers={"Accept": "text/html"})
    assert response.status_code == 303 and response.headers["location"] == "/login"


async def test_wrong_password_is_refused_and_audited(client, db):
    response = await post_password(client, "agent", "wrong-password")
    assert response.status_code == 401
    assert SESSION_COOKIE not in client.cookies
    assert ("login.password", "failed") in await audit_actions(db)


async def test_unknown_user_and_wrong_password_look_the_same(client):
    unknown = await post_password(client, "nobody-here", "whatever")
    wrong = await post_password(client, "agent", "whatever")
    assert unknown.status_code == wrong.status_code == 401
    message = "Inloggen mislukt"
    assert message in unknown.text and message in wrong.text


async def test_password_then_totp_is_required(client, db):
    response = await post_password(client, "agent", "pulse-demo-2026")
    assert response.headers["location"] == "/login/totp"
    # Half logged in: no access to work yet.
    assert (await client.get("/api/tasks", headers=JSON)).status_code == 401
    csrf = await page_csrf(client, "/login/totp")
    bad = await client.post("/login/totp", data={"code": "000000", "csrf_token": csrf})
    assert bad.status_code == 401
    secret = await totp_secret(db, "agent")
    good = await client.post("/login/totp", data={"code": totp_now(secret), "csrf_token": csrf})
    assert good.status_code == 303
    assert (await client.get("/api/tasks")).status_code == 200
    actions = await audit_actions(db)
    assert ("login.totp", "failed") in actions and ("login.totp", "ok") in actions


async def test_demo_users_may_skip_totp_when_configured(db, settings):
    async with running_app(settings, db, demo_skip_totp=True) as app, client_for(app) as client:
        await seeded(db)
        response = await post_password(client, "agent2", "pulse-demo-2026")
        assert response.headers["location"] == "/welcome"
        assert (await client.get("/api/tasks")).status_code == 200


async def test_lockout_after_failures_even_with_right_password(client, db):
    for _ in range(3):
        await post_password(client, "agent", "wrong-password")
    response = await post_password(client, "agent", "pulse-demo-2026")
    assert response.status_code == 401
    assert "Inloggen mislukt" in response.text
    assert ("login.lockout", "denied") in await audit_actions(db)


async def test_csrf_missing_on_login_is_403(client):
    await client.get("/login")
    response = await client.post("/login", data={"username": "agent", "password": "x"})
    assert response.status_code == 403


async def test_csrf_missing_on_state_change_is_403(client, db):
    csrf = await login(client, db, "agent")
    no_token = await client.post("/api/contacts/KCC-1999-000001/notes", json={"body": "x"})
    assert no_token.status_code == 403
    wrong = await client.post(
        "/api/contacts/KCC-1999-000001/notes",
        json={"body": "x"},
        headers={"X-CSRF-Token": csrf + "x"},
    )
    assert wrong.status_code == 403
    right = await client.post(
        "/api/contacts/KCC-1999-000001/notes", json={"body": "x"}, headers={"X-CSRF-Token": csrf}
    )
    assert right.status_code == 404  # CSRF passed; the contact does not exist


async def test_idle_timeout_ends_the_session(client, db):
    await login(client, db, "agent")
    async with db() as session:
        await session.execute(
            text("UPDATE web_sessions SET last_seen_at = now() - interval '31 minutes'")
        )
        await session.commit()
    assert (await client.get("/api/tasks")).status_code == 401


async def test_absolute_timeout_ends_the_session(client, db):
    await login(client, db, "agent")
    async with db() as session:
        await session.execute(
            text("UPDATE web_sessions SET created_at = now() - interval '13 hours'")
        )
        await session.commit()
    assert (await client.get("/api/tasks")).status_code == 401


async def test_logout_deletes_the_session(client, db):
    csrf = await login(client, db, "agent")
    token = client.cookies.get(SESSION_COOKIE)
    response = await client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    async with db() as session:
        assert await session.get(WebSession, hash_session_token(token)) is None
    client.cookies.set(SESSION_COOKIE, token)  # a stolen cookie is worthless now
    assert (await client.get("/api/tasks")).status_code == 401
    assert ("logout", "ok") in await audit_actions(db)


async def test_session_cookie_flags_and_security_headers(db, settings):
    async with running_app(settings, db, cookie_secure=True) as app, client_for(app) as client:
        client.base_url = "https://testserver"  # Secure cookies only travel over https
        await seeded(db)
        response = await post_password(client, "agent", "pulse-demo-2026")
        cookie = response.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie
        page = await client.get("/login")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert "referrer-policy" in page.headers


async def test_database_keeps_only_the_token_hash(client, db):
    await login(client, db, "agent")
    token = client.cookies.get(SESSION_COOKIE)
    async with db() as session:
        hashes = (await session.exec(select(WebSession.token_hash))).all()
    assert token not in hashes and hash_session_token(token) in hashes


async def test_language_switch_is_stored_on_the_user(client, db):
    csrf = await login(client, db, "agent")
    response = await client.post("/language", data={"language": "en", "csrf_token": csrf})
    assert response.status_code == 303
    page = await client.get("/", headers={"Accept": "text/html"})
    assert '<html lang="en">' in page.text and "Log out" in page.text
