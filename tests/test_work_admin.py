"""Work setup screens (api/routes/work_admin*.py) against the real PostgreSQL: every
screen's create / edit / delete through the JSON API and the forms, clear errors
(never a 500), 403 for everyone but admins, an audit event for every change, and
proof that a changed SLA policy and calendar are what the next contact runs on."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
import pytest_asyncio
from sqlmodel import select

from db.models.contacts import AuditEvent, Contact, Product
from db.models.work import ClosingDay, OfficeCalendar, QueueAutoAssign, ReplyTemplate, SlaPolicy
from services.work.calendar import cached_display_calendar
from tests.api_support import JSON, client_for, detail_text, login, running_app, seeded
from tests.test_api_work import new_contacts, work_world  # noqa: F401  (fixture)
from tests.test_contact_workflow import smtp_sink  # noqa: F401  (fixture)

HTML = {"Accept": "text/html"}


@pytest_asyncio.fixture
async def admin_app(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app:
        yield app, db


@asynccontextmanager
async def signed_in(app, db, username: str = "admin"):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers.update({**JSON, "X-CSRF-Token": csrf})
        yield client


async def product_id(db, code: str) -> int:
    async with db() as s:
        return (await s.exec(select(Product.id).where(Product.code == code))).one()


async def audit_actions(db) -> list[tuple[str, str | None]]:
    async with db() as s:
        rows = await s.exec(
            select(AuditEvent)
            .where(AuditEvent.action.startswith("work_admin."))
            .order_by(AuditEvent.id)
        )
        return [(r.action, r.object_id) for r in rows.all()]


def form(client, **data) -> dict:
    return {**data, "csrf_token": client.headers["X-CSRF-Token"]}


# --- SLA policies ---------------------------------------------------------------------


async def test_sla_policies_create_edit_delete_with_audit(admin_app):
    app, db = admin_app
    big = await product_id(db, "BIG")
    async with signed_in(app, db) as admin:
        body = {
            "product_id": big,
            "channel": "phone",
            "line": 1,
            "first_response_minutes": 30,
            "resolution_minutes": 480,
        }
        created = await admin.post("/api/admin/work/sla", json=body)
        assert created.status_code == 201, created.text
        policy = created.json()
        assert policy["product_code"] == "BIG" and policy["first_response_minutes"] == 30
        listed = (await admin.get("/api/admin/work/sla")).json()
        assert policy in listed

        edited = await admin.put(
            f"/api/admin/work/sla/{policy['id']}", json={**body, "first_response_minutes": 45}
        )
        assert edited.status_code == 200 and edited.json()["first_response_minutes"] == 45
        assert (await admin.delete(f"/api/admin/work/sla/{policy['id']}")).status_code == 204
        assert (await admin.delete(f"/api/admin/work/sla/{policy['id']}")).status_code == 404
    async with db() as s:
        assert await s.get(SlaPolicy, policy["id"]) is None
    pid = str(policy["id"])
    assert await audit_actions(db) == [
        ("work_admin.sla_policy.create", pid),
        ("work_admin.sla_policy.update", pid),
        ("work_admin.sla_policy.delete", pid),
    ]


@pytest.mark.parametrize(
    ("change", "status", "says"),
    [
        ({"channel": "fax"}, 422, "Unknown channel 'fax'"),
        ({"line": 4}, 422, "The line must be 1, 2 or 3."),
        ({"first_response_minutes": -5}, 422, "between 0 and"),
        ({"product_id": 999999}, 422, "Unknown product 999999."),
        ({}, 409, "BIG already has a policy for channel 'default' on line 1"),
    ],
)
async def test_sla_policy_errors_are_clear(admin_app, change, status, says):
    app, db = admin_app
    big = await product_id(db, "BIG")  # the demo data has BIG's default for line 1
    body = {"product_id": big, "channel": "", "line": 1, "first_response_minutes": 60}
    async with signed_in(app, db) as admin:
        answer = await admin.post("/api/admin/work/sla", json={**body, **change})
    assert answer.status_code == status and says in detail_text(answer)
    assert await audit_actions(db) == []  # nothing changed, nothing audited


async def test_sla_form_takes_working_hours_and_shows_errors_in_dutch(admin_app):
    app, db = admin_app
    uzi = await product_id(db, "UZI")
    async with signed_in(app, db) as admin:
        page = await admin.get("/admin/work/sla", headers=HTML)
        assert page.status_code == 200 and "SLA-beleid" in page.text
        assert "contacten die vanaf nu binnenkomen" in page.text
        data = form(
            admin, product_id=uzi, channel="webform", line=2, first_response="1:30", resolution="16"
        )
        added = await admin.post("/admin/work/sla", data=data, headers=HTML)
        assert added.status_code == 303 and added.headers["location"] == "/admin/work/sla?saved=1"
        async with db() as s:
            row = (await s.exec(select(SlaPolicy).where(SlaPolicy.channel == "webform"))).one()
        assert (row.line, row.first_response_minutes, row.resolution_minutes) == (2, 90, 960)
        again = await admin.post("/admin/work/sla", data=data, headers=HTML)
        assert again.status_code == 409
        assert "UZI heeft al een beleid voor kanaal &#39;webform&#39; op lijn 2" in again.text
        assert 'value="1:30"' in again.text  # the admin's input is kept
        bad = await admin.post(
            f"/admin/work/sla/{row.id}",
            headers=HTML,
            data=form(admin, channel="webform", line=2, first_response="1:75", resolution="0"),
        )
        assert bad.status_code == 422 and "werkuren:minuten" in bad.text
        gone = await admin.post(f"/admin/work/sla/{row.id}/delete", data=form(admin), headers=HTML)
        assert gone.status_code == 303
    assert [a for a, _ in await audit_actions(db)] == [
        "work_admin.sla_policy.create",
        "work_admin.sla_policy.delete",
    ]


# --- office calendar and closing days -------------------------------------------------


async def test_calendar_edit_validation_and_audit(admin_app):
    app, db = admin_app
    calendar = {
        "tz": "Europe/Amsterdam",
        "open_time": "08:00",
        "close_time": "18:00",
        "workdays": [0, 1, 2, 3, 4, 5],
        "public_holidays": False,
    }
    async with signed_in(app, db) as admin:
        shown = (await admin.get("/api/admin/work/calendar")).json()
        assert (shown["open_time"], shown["close_time"]) == ("08:30", "17:00")  # the defaults
        assert shown["coming_public_holidays"]  # from the holidays library
        saved = await admin.put("/api/admin/work/calendar", json=calendar)
        assert saved.status_code == 200 and saved.json()["workdays"] == [0, 1, 2, 3, 4, 5]
        for change, says in (
            ({"tz": "Mars/Olympus"}, "Unknown time zone 'Mars/Olympus'"),
            ({"open_time": "18:00", "close_time": "08:00"}, "open before it closes"),
            ({"open_time": "8 uur"}, "HH:MM"),
            ({"workdays": []}, "at least one workday"),
            ({"workdays": [7]}, "at least one workday"),
        ):
            refused = await admin.put("/api/admin/work/calendar", json={**calendar, **change})
            assert refused.status_code == 422 and says in detail_text(refused), change
    async with db() as s:
        row = await s.get(OfficeCalendar, 1)
    assert (row.open_minute, row.close_minute, row.workdays) == (480, 1080, "0,1,2,3,4,5")
    assert row.public_holidays is False
    assert await audit_actions(db) == [("work_admin.calendar.update", "1")]


async def test_closing_days_add_remove_and_holidays_on_the_page(admin_app):
    app, db = admin_app
    day = date.today() + timedelta(days=40)
    async with signed_in(app, db) as admin:
        added = await admin.post(
            "/api/admin/work/closing-days", json={"day": day.isoformat(), "label": "Brugdag"}
        )
        assert added.status_code == 201
        # pages that only read the cached calendar (the inbox's "time left") know it now
        assert day.isoformat() in cached_display_calendar().holidays
        twice = await admin.post("/api/admin/work/closing-days", json={"day": day.isoformat()})
        assert twice.status_code == 409 and "already a closing day" in detail_text(twice)
        page = await admin.get("/admin/work/calendar", headers=HTML)
        assert "Brugdag" in page.text and "Komende Nederlandse feestdagen" in page.text
        assert "Koningsdag" in page.text  # within the coming year, always
        by_form = await admin.post(
            "/admin/work/closing-days",
            headers=HTML,
            data=form(admin, day=(day + timedelta(days=1)).isoformat(), label="Tweede"),
        )
        assert by_form.status_code == 303
        assert (await admin.delete(f"/api/admin/work/closing-days/{day}")).status_code == 204
        assert day.isoformat() not in cached_display_calendar().holidays
        assert (await admin.delete(f"/api/admin/work/closing-days/{day}")).status_code == 404
        removed = await admin.post(
            f"/admin/work/closing-days/{day + timedelta(days=1)}/delete",
            data=form(admin),
            headers=HTML,
        )
        assert removed.status_code == 303
    async with db() as s:
        assert (await s.exec(select(ClosingDay))).all() == []
    assert [a for a, _ in await audit_actions(db)] == [
        "work_admin.closing_day.create",
        "work_admin.closing_day.create",
        "work_admin.closing_day.delete",
        "work_admin.closing_day.delete",
    ]


# --- product work settings and queue auto-assignment ----------------------------------


async def test_product_settings_and_auto_assignment(admin_app):
    app, db = admin_app
    big = await product_id(db, "BIG")
    settings = {
        "warn_share": 0.5,
        "raise_priority_on_breach": 2,
        "direct_reply_lines": [1, 2],
        "waiting_reminder_days": 3,
        "waiting_close_days": 7,
    }
    async with signed_in(app, db) as admin:
        saved = await admin.put(f"/api/admin/work/products/{big}", json=settings)
        assert saved.status_code == 200, saved.text
        assert saved.json()["direct_reply_lines"] == [1, 2]
        for change, says in (
            ({"warn_share": 1.2}, "between 1% and 99%"),
            ({"direct_reply_lines": [2]}, "the 1st always"),
            ({"waiting_close_days": 2}, "after the reminder"),
            ({"raise_priority_on_breach": 50}, "0 to 10"),
        ):
            refused = await admin.put(
                f"/api/admin/work/products/{big}", json={**settings, **change}
            )
            assert refused.status_code == 422 and says in detail_text(refused), change
        assert (
            await admin.put("/api/admin/work/products/999999", json=settings)
        ).status_code == 404

        url = f"/api/admin/work/products/{big}/auto-assign"
        on = await admin.put(f"{url}/2", json={"mode": "round_robin"})
        assert on.status_code == 200 and on.json()["auto_assign"] == {
            "1": "off",
            "2": "round_robin",
            "3": "off",
        }
        assert (await admin.put(f"{url}/2", json={"mode": "fastest"})).status_code == 422
        assert (await admin.put(f"{url}/4", json={"mode": "off"})).status_code == 422
        # the form: line 1 least loaded, line 2 back off
        by_form = await admin.post(
            f"/admin/work/queues/{big}",
            headers=HTML,
            data=form(admin, mode_1="least_loaded", mode_2="off", mode_3="off"),
        )
        assert by_form.status_code == 303
        by_form = await admin.post(
            f"/admin/work/products/{big}",
            headers=HTML,
            data=form(
                admin,
                warn_percent=90,
                raise_priority_on_breach=0,
                direct_reply_lines=3,
                waiting_reminder_days=0,
                waiting_close_days=0,
            ),
        )
        assert by_form.status_code == 303
        page = await admin.get("/admin/work/queues", headers=HTML)
        assert "Minst belast" in page.text
    async with db() as s:
        rows = (await s.exec(select(QueueAutoAssign))).all()
        conf = await admin_settings(s, big)
    assert [(r.line, r.mode) for r in rows] == [(1, "least_loaded")]
    assert (conf.warn_share, conf.raise_priority_on_breach, conf.direct_reply_lines) == (
        0.9,
        0,
        "1,3",
    )
    assert [a for a, _ in await audit_actions(db)] == [
        "work_admin.product_settings.update",
        "work_admin.auto_assign.update",
        "work_admin.auto_assign.update",
        "work_admin.product_settings.update",
    ]


async def admin_settings(s, product: int):
    from db.models.work import ProductWorkSettings

    return await s.get(ProductWorkSettings, product)


# --- reply templates ------------------------------------------------------------------


async def test_templates_create_edit_deactivate_and_unknown_variables(admin_app):
    app, db = admin_app
    uzi = await product_id(db, "UZI")
    body = {
        "product_id": uzi,
        "language": "en",
        "code": "thanks",
        "title": "Thank you",
        "body": "Dear {customer_name}, thanks for {reference}. {agent_name}",
    }
    async with signed_in(app, db) as admin:
        created = await admin.post("/api/admin/work/templates", json=body)
        assert created.status_code == 201, created.text
        tid = created.json()["id"]
        twice = await admin.post("/api/admin/work/templates", json=body)
        assert twice.status_code == 409 and "already has a template 'thanks'" in twice.text
        typo = await admin.post(
            "/api/admin/work/templates", json={**body, "code": "x", "body": "Dear {custmer_name}"}
        )
        assert typo.status_code == 422
        assert detail_text(typo).startswith("Unknown variable(s): custmer_name.")
        # a letter of the workflow has fewer variables: no agent there
        letter = {**body, "code": "waiting_reminder", "body": "Reminder {reference} {agent_name}"}
        refused = await admin.post("/api/admin/work/templates", json=letter)
        assert refused.status_code == 422 and "agent_name" in detail_text(refused)
        off = await admin.put(f"/api/admin/work/templates/{tid}", json={**body, "active": False})
        assert off.status_code == 200 and off.json()["active"] is False

        page = await admin.get(f"/admin/work/templates?product={uzi}", headers=HTML)
        assert "thanks" in page.text and "{customer_name}" in page.text
        edit = await admin.get(f"/admin/work/templates/{tid}", headers=HTML)
        assert "Dear {customer_name}" in edit.text
        bad = await admin.post(
            f"/admin/work/templates/{tid}",
            headers=HTML,
            data=form(admin, title="T", body="Hallo {naam}", language="en", active="1"),
        )
        assert bad.status_code == 422 and "Onbekende variabele(n): naam" in bad.text
        assert "Hallo {naam}" in bad.text  # what the admin typed is still there
        good = await admin.post(
            f"/admin/work/templates/{tid}",
            headers=HTML,
            data=form(
                admin, title="Thanks", body="Dear {customer_name}", language="en", active="1"
            ),
        )
        assert good.status_code == 303
    async with db() as s:
        row = await s.get(ReplyTemplate, tid)
    assert (row.title, row.body, row.active) == ("Thanks", "Dear {customer_name}", True)
    assert [a for a, _ in await audit_actions(db)] == [
        "work_admin.reply_template.create",
        "work_admin.reply_template.update",
        "work_admin.reply_template.update",
    ]


# --- who may -------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["agent", "trafficer", "manager", "records", "ops"])
async def test_only_admins(admin_app, username):
    app, db = admin_app
    big = await product_id(db, "BIG")
    async with signed_in(app, db, username) as someone:
        for method, url, kwargs in (
            ("GET", "/admin/work", {"headers": HTML}),
            ("GET", "/api/admin/work/sla", {}),
            ("POST", "/api/admin/work/sla", {"json": {"product_id": big, "channel": "phone"}}),
            ("PUT", "/api/admin/work/calendar", {"json": {"tz": "UTC"}}),
            ("POST", "/api/admin/work/closing-days", {"json": {"day": "2099-01-01"}}),
            ("PUT", f"/api/admin/work/products/{big}", {"json": {}}),
            ("POST", "/api/admin/work/templates", {"json": {}}),
        ):
            answer = await someone.request(method, url, **kwargs)
            assert answer.status_code == 403, (method, url, answer.status_code)
        page = await someone.get("/", headers=HTML)
        assert 'href="/admin/work"' not in page.text
    assert await audit_actions(db) == []


async def test_admin_nav_and_overview(admin_app):
    app, db = admin_app
    async with signed_in(app, db) as admin:
        home = await admin.get("/admin/work", headers=HTML)
        assert home.status_code == 200 and 'href="/admin/work"' in home.text
        for screen in ("sla", "calendar", "products", "queues", "templates"):
            assert f'href="/admin/work/{screen}"' in home.text
            page = await admin.get(f"/admin/work/{screen}", headers=HTML)
            assert page.status_code == 200 and 'id="applies-note"' in page.text, screen
        english = await admin.post(
            "/language", data={"language": "en", "csrf_token": admin.headers["X-CSRF-Token"]}
        )
        assert english.status_code in (303, 200)
        page = await admin.get("/admin/work", headers=HTML)
        assert "Work setup" in page.text and "contacts that arrive from now on" in page.text


# --- what the next contact runs on ----------------------------------------------------


async def test_changed_policy_and_calendar_are_what_new_contacts_run_on(work_world):  # noqa: F811
    """Admin sets a round-the-clock calendar, gives BIG an e-mail policy of 60 working
    minutes and then changes it to 90, and gives UZI one of 600. New contacts (the
    worker caches SLA settings per product and channel for a minute, so each is the
    first of its product since the change) fall due 90 and 600 minutes after their
    receipt: 510 minutes apart (receipt times are compared relative to each other,
    since the time-skipping server's clock may run ahead of the database's)."""
    app, db, intake = work_world
    big, uzi = await product_id(db, "BIG"), await product_id(db, "UZI")
    always = {
        "tz": "Europe/Amsterdam",
        "open_time": "00:00",
        "close_time": "23:59",
        "workdays": list(range(7)),
        "public_holidays": False,
    }
    email = {"channel": "email", "line": 1}
    async with signed_in(app, db) as admin:
        assert (await admin.put("/api/admin/work/calendar", json=always)).status_code == 200
        policy = await admin.post(
            "/api/admin/work/sla",
            json={**email, "product_id": big, "first_response_minutes": 60},
        )
        assert policy.status_code == 201
        changed = await admin.put(
            f"/api/admin/work/sla/{policy.json()['id']}",
            json={**email, "product_id": big, "first_response_minutes": 90},
        )
        assert changed.status_code == 200
        other = await admin.post(
            "/api/admin/work/sla",
            json={**email, "product_id": uzi, "first_response_minutes": 600},
        )
        assert other.status_code == 201
        [first] = await new_contacts(db, intake, 1, mailbox="big")
        [second] = await new_contacts(db, intake, 1, mailbox="uzi", first_uid=2)
    async with db() as s:
        rows = (await s.exec(select(Contact).where(Contact.reference.in_([first, second])))).all()
        due = {c.reference: c.due_at for c in rows}
        received = {c.reference: c.created_at for c in rows}
    apart = (due[second] - due[first]).total_seconds() / 60
    between = (received[second] - received[first]).total_seconds() / 60
    # 510 minutes more target, give or take the time between the two receipts and
    # the one closed minute of the day (23:59-00:00)
    assert 509 <= apart - between <= 512, (apart, between)


async def test_editor_variables_are_the_ones_fill_template_fills(work_world):  # noqa: F811
    """EDITOR_VARIABLES (what the admin screen allows) matches what the reply editor
    fills in: a template using all of them comes out without a brace."""
    from api.routes.admin.work.templates import EDITOR_VARIABLES

    app, db, intake = work_world
    big = await product_id(db, "BIG")
    [ref] = await new_contacts(db, intake, 1)
    text = " ".join("{" + name + "}" for name in EDITOR_VARIABLES)
    async with signed_in(app, db) as admin:
        made = await admin.post(
            "/api/admin/work/templates",
            json={
                "product_id": big,
                "language": "nl",
                "code": "alles",
                "title": "Alles",
                "body": text,
            },
        )
        assert made.status_code == 201, made.text
    async with signed_in(app, db, "agent") as anna:
        filled = await anna.get(
            f"/api/contacts/{ref}/templates/fill?template_id={made.json()['id']}"
        )
        assert filled.status_code == 200
        assert ref in filled.json()["text"] and "{" not in filled.json()["text"]
