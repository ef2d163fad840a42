"""A user's own password: change it (current password checked, policy, other sessions
end, audited); after an admin gives a new password the user can do nothing but
choose their own (pages redirect, the API answers 403)."""

from __future__ import annotations

from sqlmodel import select

from db.models.contacts import AuditEvent, User
from devstack.demo.seed import DEMO_PASSWORD
from tests.api_support import (
    JSON,
    client_for,
    detail_text,
    login,
    page_csrf,
    running_app,
    seeded,
    user_id,
)
from tests.test_user_admin import login_with

HTML = {"Accept": "text/html"}
NEW = "paarden batterij nietje"


async def test_change_own_password_ends_other_sessions(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app:
        async with client_for(app) as other, client_for(app) as agent:
            await login(other, db, "agent")  # a second session, e.g. another desk
            agent.headers.update({**JSON, "X-CSRF-Token": await login(agent, db, "agent")})
            api = "/api/account/password"
            wrong = await agent.post(api, json={"current_password": "nope", "new_password": NEW})
            assert wrong.status_code == 422 and "current password" in detail_text(wrong)
            short = await agent.post(
                api, json={"current_password": DEMO_PASSWORD, "new_password": "kort"}
            )
            assert short.status_code == 422
            named = await agent.post(
                api, json={"current_password": DEMO_PASSWORD, "new_password": "agent-" + NEW}
            )
            assert named.status_code == 422 and "username" in detail_text(named)
            ok = await agent.post(
                api, json={"current_password": DEMO_PASSWORD, "new_password": NEW}
            )
            assert ok.status_code == 204
            assert (await agent.get("/api/auth/me")).status_code == 200  # this session lives
            assert (await other.get("/api/auth/me")).status_code == 401  # the other ended
        async with client_for(app) as fresh:
            assert await login_with(fresh, "agent", DEMO_PASSWORD, None) == 401
        async with client_for(app) as fresh:
            assert await login_with(fresh, "agent", NEW, await _secret(db, "agent")) == 200
    async with db() as s:
        rows = await s.exec(
            select(AuditEvent.result).where(AuditEvent.action == "account.password_change")
        )
        assert sorted(rows.all()) == ["denied", "denied", "denied", "ok"]
        assert (await s.get(User, await user_id(db, "agent"))).password_changed_at is not None


async def test_admin_reset_forces_a_change_first(db, settings):
    await seeded(db)
    agent_id = await user_id(db, "agent")
    async with running_app(settings, db) as app:
        async with client_for(app) as admin:
            admin.headers.update({**JSON, "X-CSRF-Token": await login(admin, db, "admin")})
            r = await admin.post(f"/api/admin/users/{agent_id}/password")
            assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
            given = r.json()["password"]
            assert len(given) >= 12
        async with client_for(app) as agent:
            assert await login_with(agent, "agent", DEMO_PASSWORD, None) == 401
            assert await login_with(agent, "agent", given, await _secret(db, "agent")) == 200
            home = await agent.get("/", headers=HTML)
            assert home.status_code == 303 and home.headers["location"] == "/account/password"
            page = await agent.get("/account/password", headers=HTML)
            assert page.status_code == 200 and "Kies eerst een eigen wachtwoord" in page.text
            assert (await agent.get("/api/tasks")).status_code == 403
            csrf = await page_csrf(agent, "/account/password")
            form = {"csrf_token": csrf, "current": given, "new": NEW, "repeated": NEW + "x"}
            differs = await agent.post("/account/password", data=form, headers=HTML)
            assert differs.status_code == 422 and "verschillen" in differs.text
            done = await agent.post(
                "/account/password", data={**form, "repeated": NEW}, headers=HTML
            )
            assert done.status_code == 303
            assert (await agent.get("/api/tasks")).status_code == 200
    async with db() as s:
        user = await s.get(User, agent_id)
        assert not user.must_change_password
        actions = (await s.exec(select(AuditEvent.action))).all()
        assert "user_admin.password_reset" in actions


async def _secret(db, username: str) -> str:
    async with db() as s:
        return (await s.exec(select(User.totp_secret).where(User.username == username))).one()
