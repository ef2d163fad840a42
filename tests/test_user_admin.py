"""User and accreditation administration against the real PostgreSQL and the app:
create and log in (password + TOTP), validation, self-protection, deactivation
(sessions end, login fails, claimed contacts released through the real workflow),
unlock, TOTP reset, the accreditation grid, 403 for every other role, audit rows."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import select

from db.models.contacts import Accreditation, AuditEvent, Contact, User, WebSession, utcnow
from db.models.work import LineAccreditation
from devstack.demo.seed import seed_demo
from services.security import totp_now
from tests.api_support import (
    JSON,
    client_for,
    login,
    make_contact,
    page_csrf,
    post_password,
    running_app,
    user_id,
)
from tests.test_contact_workflow import customer_mail, eventually, smtp_sink  # noqa: F401
from tests.user_admin_routes import USER_ADMIN_ROUTES

HTML = {"Accept": "text/html"}
STRONG = "correct horse battery"


@pytest_asyncio.fixture
async def app_world(db, settings):
    await seed_demo(db)
    async with running_app(settings, db) as app:
        yield app, db


@asynccontextmanager
async def as_user(app, db, username: str):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers.update({**JSON, "X-CSRF-Token": csrf})
        yield client


async def login_with(client, username: str, password: str, secret: str | None) -> int:
    """Password then TOTP; the status of /api/auth/me at the end (401 when refused)."""
    first = await post_password(client, username, password)
    if first.status_code != 303:
        return first.status_code
    if first.headers["location"] == "/login/totp":
        csrf = await page_csrf(client, "/login/totp")
        code = totp_now(secret) if secret else "000000"
        done = await client.post("/login/totp", data={"code": code, "csrf_token": csrf})
        if done.status_code != 303:
            return done.status_code
    return (await client.get("/api/auth/me")).status_code


async def choose_own_password(client, current: str) -> None:
    """A new account's first step: an admin chose the password, so the user must
    replace it before anything else (api.deps.PASSWORD_CHANGE_PATHS)."""
    csrf = (await client.get("/api/auth/me")).json()["csrf_token"]
    changed = await client.post(
        "/api/account/password",
        headers={"X-CSRF-Token": csrf},
        json={"current_password": current, "new_password": current + " eigen"},
    )
    assert changed.status_code == 204, changed.text


async def audit_rows(db, action: str) -> list[AuditEvent]:
    async with db() as s:
        rows = await s.exec(select(AuditEvent).where(AuditEvent.action == action))
        return list(rows.all())


async def product_id(db, code: str) -> int:
    from db.models.contacts import Product

    async with db() as s:
        return (await s.exec(select(Product.id).where(Product.code == code))).one()


# --- create and log in ---------------------------------------------------------------------


async def test_create_by_api_then_log_in_with_totp(app_world):
    app, db = app_world
    async with as_user(app, db, "admin") as admin:
        made = await admin.post(
            "/api/admin/users",
            json={
                "username": "Nina.Nieuw",
                "full_name": " Nina  Nieuw ",
                "role": "agent",
                "email": "nina@example.test",
                "language": "en",
                "password": STRONG,
            },
        )
        assert made.status_code == 201, made.text
        assert made.headers["cache-control"] == "no-store"
        body = made.json()
        assert body["password"] is None  # the admin chose it: not echoed
        assert body["user"]["username"] == "nina.nieuw"
        assert body["user"]["full_name"] == "Nina Nieuw" and body["user"]["language"] == "en"
        assert body["totp_uri"].startswith("otpauth://totp/PULSE:nina.nieuw?secret=")
        secret = body["totp_secret"]
    async with client_for(app) as nina:
        assert await login_with(nina, "nina.nieuw", STRONG, secret) == 200
    async with client_for(app) as wrong:
        assert await login_with(wrong, "nina.nieuw", STRONG, None) == 401
    [row] = await audit_rows(db, "user_admin.create")
    assert row.actor == "admin" and row.result == "ok"
    assert row.detail == {"username": "nina.nieuw", "role": "agent", "generated_password": False}
    assert STRONG not in str(row.detail) and secret not in str(row.detail)


async def test_create_by_page_with_generated_password_shown_once(app_world):
    app, db = app_world
    async with as_user(app, db, "admin") as admin:
        form = await admin.get("/admin/users/new", headers=HTML)
        assert form.status_code == 200 and 'for="f-username"' in form.text
        csrf = admin.headers["X-CSRF-Token"]
        shown = await admin.post(
            "/admin/users/new",
            headers=HTML,
            data={
                "csrf_token": csrf,
                "username": "piet",
                "full_name": "Piet Pagina",
                "role": "trafficer",
                "language": "nl",
                "email": "",
            },
        )
        assert shown.status_code == 200, shown.text
        assert shown.headers["cache-control"] == "no-store"
        html = shown.text
        password = html.split('id="ua-password" class="ua-secret">')[1].split("<")[0]
        secret = html.split('id="ua-totp-secret" class="ua-secret">')[1].split("<")[0]
        assert len(password) >= 20 and "otpauth://totp/PULSE:piet" in html
    async with client_for(app) as piet:
        assert await login_with(piet, "piet", password, secret) == 200
        me = (await piet.get("/api/auth/me")).json()
        assert me["role"] == "trafficer" and me["product_ids"] == []
    [row] = await audit_rows(db, "user_admin.create")
    assert row.detail["generated_password"] is True and password not in str(row.detail)


# --- validation and self-protection ----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"username": "a"}, "username_invalid", "username"),
        ({"username": "Ünïcode"}, "username_invalid", "username"),
        ({"username": "agent"}, "username_taken", "username"),
        ({"full_name": "  "}, "name_required", "full_name"),
        ({"email": "not-an-address"}, "email_invalid", "email"),
        ({"role": "superuser"}, "role_invalid", "role"),
        ({"language": "de"}, "language_invalid", "language"),
        ({"password": "short"}, "password_short", "password"),
        ({"password": "xx-newbie-yyyy"}, "password_username", "password"),
    ],
)
async def test_create_refuses_bad_input(app_world, change, code, field):
    app, db = app_world
    body = {"username": "newbie", "full_name": "New Bie", "role": "agent", "password": STRONG}
    async with as_user(app, db, "admin") as admin:
        refused = await admin.post("/api/admin/users", json={**body, **change})
    assert refused.status_code == 422
    assert refused.json()["code"] == code and refused.json()["field"] == field
    [row] = await audit_rows(db, "user_admin.create")
    assert row.result == "denied" and row.detail == {"code": code}
    async with db() as s:
        assert (await s.exec(select(User).where(User.username == "newbie"))).first() is None


async def test_the_form_shows_the_error_at_its_field(app_world):
    app, db = app_world
    async with as_user(app, db, "admin") as admin:
        page = await admin.post(
            "/admin/users/new",
            headers=HTML,
            data={
                "csrf_token": admin.headers["X-CSRF-Token"],
                "username": "kees",
                "full_name": "Kees",
                "role": "agent",
                "language": "en",
                "password": "kort",
            },
        )
    assert page.status_code == 422
    assert 'role="alert"' in page.text and 'href="#f-password"' in page.text
    assert 'aria-invalid="true"' in page.text and 'aria-describedby="h-password e-password"' in (
        page.text
    )
    assert 'value="kees"' in page.text  # what was typed stays, except the password
    assert "Het wachtwoord moet minstens 12 tekens hebben." in page.text


async def test_an_admin_cannot_demote_or_deactivate_themselves(app_world):
    app, db = app_world
    me = await user_id(db, "admin")
    async with as_user(app, db, "admin") as admin:
        demote = await admin.patch(f"/api/admin/users/{me}", json={"role": "agent"})
        assert demote.status_code == 422 and demote.json()["code"] == "self_demote"
        gone = await admin.post(f"/api/admin/users/{me}/deactivate")
        assert gone.status_code == 422 and gone.json()["code"] == "self_deactivate"
        page = await admin.get(f"/admin/users/{me}", headers=HTML)
        assert "u kunt uw rol niet wijzigen" in page.text and "/deactivate" not in page.text
        # Own name and language may change; the role sent along unchanged is fine.
        ok = await admin.patch(f"/api/admin/users/{me}", json={"role": "admin", "language": "en"})
        assert ok.status_code == 200 and ok.json()["language"] == "en"
        assert (await admin.get("/api/auth/me")).status_code == 200
    async with db() as s:
        user = await s.get(User, me)
        assert user.role == "admin" and user.is_active
    updates = await audit_rows(db, "user_admin.update")
    assert [(r.result, r.detail.get("code")) for r in updates] == [
        ("denied", "self_demote"),
        ("ok", None),
    ]
    [refused] = await audit_rows(db, "user_admin.deactivate")
    assert refused.result == "denied" and refused.detail == {"code": "self_deactivate"}


async def test_edit_by_page_changes_name_email_role_and_language(app_world):
    app, db = app_world
    bram = await user_id(db, "agent2")
    async with as_user(app, db, "admin") as admin:
        saved = await admin.post(
            f"/admin/users/{bram}",
            headers=HTML,
            data={
                "csrf_token": admin.headers["X-CSRF-Token"],
                "full_name": "Bram Bakker",
                "email": "bram@example.test",
                "role": "trafficer",
                "language": "en",
            },
        )
        assert saved.status_code == 303 and saved.headers["location"].endswith("done=saved")
        page = await admin.get(saved.headers["location"], headers=HTML)
        assert "De gegevens zijn opgeslagen." in page.text
    async with db() as s:
        user = await s.get(User, bram)
    assert (user.full_name, user.email, user.role, user.language) == (
        "Bram Bakker",
        "bram@example.test",
        "trafficer",
        "en",
    )
    [row] = await audit_rows(db, "user_admin.update")
    assert row.detail == {"fields": ["email", "full_name", "language", "role"], "role": "trafficer"}


# --- deactivate, unlock, TOTP reset --------------------------------------------------------------


async def test_deactivation_ends_sessions_and_blocks_login(app_world):
    app, db = app_world
    bram = await user_id(db, "agent2")
    async with as_user(app, db, "agent2") as bram_client, as_user(app, db, "admin") as admin:
        assert (await bram_client.get("/api/tasks")).status_code == 200
        done = await admin.post(f"/api/admin/users/{bram}/deactivate")
        assert done.status_code == 200, done.text
        assert done.json()["user"]["is_active"] is False
        assert done.json()["released"] == [] and done.json()["failed"] == []
        assert (await bram_client.get("/api/tasks")).status_code == 401
        async with db() as s:
            assert (await s.exec(select(WebSession).where(WebSession.user_id == bram))).all() == []
            kept = await s.exec(select(Accreditation).where(Accreditation.user_id == bram))
            assert len(kept.all()) == 1  # accreditations stay
        async with client_for(app) as again:
            with pytest.raises(AssertionError):
                await login(again, db, "agent2")
        back = await admin.post(f"/api/admin/users/{bram}/reactivate")
        assert back.json()["is_active"] is True
    async with as_user(app, db, "agent2") as bram_again:
        assert (await bram_again.get("/api/auth/me")).json()["product_ids"] != []
    [off] = await audit_rows(db, "user_admin.deactivate")
    assert off.detail == {"sessions_ended": 1} and off.object_id == str(bram)
    assert len(await audit_rows(db, "user_admin.reactivate")) == 1


async def test_unlock_lets_a_locked_out_user_in_again(app_world):
    app, db = app_world
    anna = await user_id(db, "agent")
    async with db() as s:
        await s.execute(
            update(User)
            .where(User.id == anna)
            .values(locked_until=utcnow() + timedelta(minutes=15), failed_logins=2)
        )
        await s.commit()
    async with client_for(app) as blocked:
        with pytest.raises(AssertionError):
            await login(blocked, db, "agent")
    async with as_user(app, db, "admin") as admin:
        page = await admin.get(f"/admin/users/{anna}", headers=HTML)
        assert "Geblokkeerd na te veel mislukte pogingen" in page.text
        done = await admin.post(
            f"/admin/users/{anna}/unlock",
            headers=HTML,
            data={"csrf_token": admin.headers["X-CSRF-Token"]},
        )
        assert done.status_code == 303
    async with as_user(app, db, "agent") as anna_client:
        assert (await anna_client.get("/api/auth/me")).status_code == 200
    [row] = await audit_rows(db, "user_admin.unlock")
    assert row.detail == {"was_locked": True, "failed_logins": 2}


async def test_totp_reset_gives_a_new_second_factor(app_world):
    app, db = app_world
    anna = await user_id(db, "agent")
    async with db() as s:
        old = (await s.get(User, anna)).totp_secret
    async with as_user(app, db, "agent") as anna_client, as_user(app, db, "admin") as admin:
        reset = await admin.post(f"/api/admin/users/{anna}/totp")
        assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
        new = reset.json()["totp_secret"]
        assert new != old and reset.json()["totp_uri"].endswith("issuer=PULSE")
        assert (await anna_client.get("/api/auth/me")).status_code == 401  # session ended
        page = await admin.post(
            f"/admin/users/{anna}/totp",
            headers=HTML,
            data={"csrf_token": admin.headers["X-CSRF-Token"]},
        )
        assert page.status_code == 200 and "otpauth://totp/PULSE:agent" in page.text
        newest = page.text.split('id="ua-totp-secret" class="ua-secret">')[1].split("<")[0]
    from devstack.demo.seed import DEMO_PASSWORD

    async with client_for(app) as stale:
        assert await login_with(stale, "agent", DEMO_PASSWORD, new) == 401  # replaced again
    async with client_for(app) as fresh:
        assert await login_with(fresh, "agent", DEMO_PASSWORD, newest) == 200
    assert len(await audit_rows(db, "user_admin.totp_reset")) == 2


# --- accreditations ---------------------------------------------------------------------------


async def test_the_grid_gives_and_takes_access(app_world):
    app, db = app_world
    big = await make_contact(db, "BIG", 1)
    big_id, uzi_id = await product_id(db, "BIG"), await product_id(db, "UZI")
    async with as_user(app, db, "admin") as admin:
        made = await admin.post(
            "/api/admin/users",
            json={"username": "nieuw", "full_name": "Nieuwe Agent", "password": STRONG},
        )
        new_id, secret = made.json()["user"]["id"], made.json()["totp_secret"]
        async with client_for(app) as agent:
            assert await login_with(agent, "nieuw", STRONG, secret) == 200
            assert (await agent.get("/api/tasks")).status_code == 403  # own password first
            await choose_own_password(agent, STRONG)
            assert (await agent.get("/api/tasks")).json()["items"] == []
            # A 2nd line without the product is refused, and nothing changes.
            refused = await admin.put(
                f"/api/admin/users/{new_id}/accreditations",
                json={"grants": [{"product_id": big_id, "line": 2}]},
            )
            assert refused.status_code == 422 and refused.json()["code"] == "line_needs_product"
            granted = await admin.put(
                f"/api/admin/users/{new_id}/accreditations",
                json={
                    "grants": [{"product_id": big_id, "line": 1}, {"product_id": big_id, "line": 2}]
                },
            )
            assert granted.status_code == 200, granted.text
            row = next(p for p in granted.json()["products"] if p["code"] == "BIG")
            assert row["lines"] == {"1": True, "2": True, "3": False}
            tasks = (await agent.get("/api/tasks")).json()["items"]
            assert [t["reference"] for t in tasks] == [big.reference]
            # The page form: BIG off (and with it line 2), UZI on.
            page = await admin.get(f"/admin/users/{new_id}/accreditations", headers=HTML)
            assert f'value="{big_id}:2"' in page.text and "<caption>" in page.text
            saved = await admin.post(
                f"/admin/users/{new_id}/accreditations",
                headers=HTML,
                data={"csrf_token": admin.headers["X-CSRF-Token"], "grant": [f"{uzi_id}:1"]},
            )
            assert saved.status_code == 303
            assert (await agent.get("/api/tasks")).json()["items"] == []
            assert (await agent.get(f"/api/contacts/{big.reference}")).status_code == 404
    async with db() as s:
        lines = await s.exec(select(LineAccreditation).where(LineAccreditation.user_id == new_id))
        assert lines.all() == []
    rows = await audit_rows(db, "user_admin.accreditations")
    assert [r.result for r in rows] == ["denied", "ok", "ok"]
    assert rows[1].detail == {"added": ["BIG:1", "BIG:2"], "removed": []}
    assert rows[2].detail == {"added": ["UZI:1"], "removed": ["BIG:1", "BIG:2"]}


async def test_a_refused_grid_shows_what_was_ticked(app_world):
    app, db = app_world
    bram, uzi_id = await user_id(db, "agent2"), await product_id(db, "UZI")
    async with as_user(app, db, "admin") as admin:
        page = await admin.post(
            f"/admin/users/{bram}/accreditations",
            headers=HTML,
            data={"csrf_token": admin.headers["X-CSRF-Token"], "grant": [f"{uzi_id}:3"]},
        )
    assert page.status_code == 422 and 'role="alert"' in page.text
    assert f'id="g-{uzi_id}-3"' in page.text
    ticked = page.text.split(f'id="g-{uzi_id}-3"')[1].split(">")[0]
    assert "checked" in ticked


# --- who may ---------------------------------------------------------------------------------


async def test_every_other_role_gets_403(app_world):
    app, db = app_world
    target = await user_id(db, "agent2")
    for username in ("agent", "trafficer", "manager", "records", "ops"):
        async with as_user(app, db, username) as client:
            for method, path in USER_ADMIN_ROUTES:
                response = await client.request(method, path.format(user_id=target), json={})
                assert response.status_code == 403, (username, method, path)
    async with db() as s:
        assert (await s.get(User, target)).is_active


# --- releasing claimed work (the real ContactWorkflow) -----------------------------------


@pytest_asyncio.fixture
async def work_world(db, settings, temporal_env, smtp_sink):  # noqa: F811
    from channels.email.intake import MailIntake
    from runtime.worker import build_worker

    await seed_demo(db)
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port, "smtp_host": "127.0.0.1"})
    async with build_worker(temporal_env.client, cfg, db):
        intake = MailIntake(db, temporal_env.client, cfg)
        async with running_app(cfg, db, temporal_env.client) as app:
            yield app, db, intake


async def test_deactivation_releases_claimed_contacts(work_world):
    app, db, intake = work_world
    await intake.handle(customer_mail(subject="vraag").as_bytes(), "big", 9, 1)
    async with db() as s:
        ref = (await s.exec(select(Contact.reference).order_by(Contact.id.desc()))).first()

    async def started():
        async with db() as s:
            contact = (await s.exec(select(Contact).where(Contact.reference == ref))).one()
            return contact.due_at is not None

    await eventually(started)
    anna = await user_id(db, "agent")
    async with as_user(app, db, "agent") as anna_client, as_user(app, db, "admin") as admin:
        assert (await anna_client.post(f"/api/contacts/{ref}/claim")).status_code == 200
        confirm = await admin.get(f"/admin/users/{anna}/deactivate", headers=HTML)
        assert ref in confirm.text and "Ja, deactiveren" in confirm.text
        claimed = (await admin.get(f"/api/admin/users/{anna}/claimed")).json()
        assert [c["reference"] for c in claimed] == [ref]
        done = await admin.post(
            f"/admin/users/{anna}/deactivate",
            headers=HTML,
            data={"csrf_token": admin.headers["X-CSRF-Token"]},
        )
        assert done.status_code == 200 and "Vrijgegeven: 1" in done.text
        assert (await admin.get(f"/api/admin/users/{anna}/claimed")).json() == []
    async with db() as s:
        contact = (await s.exec(select(Contact).where(Contact.reference == ref))).one()
    assert contact.assignee_id is None and contact.status == "new"
    [row] = await audit_rows(db, "contact.release")
    assert row.actor == "admin" and row.object_id == ref and row.result == "ok"
    assert row.detail == {"holder_id": anna, "by": "user_admin"}


async def test_work_stays_listed_when_the_engine_is_down(db, settings):
    """No Temporal (a closed port): the deactivation still happens; the release is
    reported failed, audited, and offered again on the user's page."""
    await seed_demo(db)
    async with running_app(settings, db, temporal_address="127.0.0.1:9") as app:
        await _deactivate_without_engine(app, db)


async def _deactivate_without_engine(app, db):
    bram = await user_id(db, "agent2")
    sample = await make_contact(db, "BIG", 7)
    async with db() as s:
        await s.execute(
            update(Contact)
            .where(Contact.id == sample.contact_id)
            .values(assignee_id=bram, status="open")
        )
        await s.commit()
    async with as_user(app, db, "admin") as admin:
        done = await admin.post(f"/api/admin/users/{bram}/deactivate")
        assert done.status_code == 200
        assert done.json()["released"] == [] and done.json()["failed"] == [sample.reference]
        assert done.json()["user"]["is_active"] is False
        page = await admin.get(f"/admin/users/{bram}", headers=HTML)
        assert sample.reference in page.text and f"/admin/users/{bram}/release" in page.text
    [row] = await audit_rows(db, "contact.release")
    assert row.result == "failed" and row.object_id == sample.reference
