"""Products and phone lines as an admin edits them (services/admin/products/,
api/routes/admin/products.py) against the real PostgreSQL: create and edit through
the JSON API and the forms, a clear 422 for bad input (never a 500), 403 for
non-admins, and an audit row for every change."""

from __future__ import annotations

import pytest_asyncio
from sqlmodel import select

from db.models.contacts import AuditEvent, Product
from db.models.phone import PhoneLine
from tests.api_support import detail_text, running_app, seeded
from tests.test_work_admin import HTML, form, product_id, signed_in

NEW = {
    "code": "ZORG",
    "name": "Zorgregister",
    "name_en": "Care register",
    "mailbox": "zorg",
    "reply_from": "zorg@cibg.nl",
    "signature": "Met vriendelijke groet,\nHet Zorgregister",
    "register_url_template": "https://zorg.example.nl/zoek?nummer={identifier}",
}
LINE = {
    "inbound_number": "+31703407999",
    "queue": "pulse-zorg",
    "welcome_prompt": "pulse/zorg/welcome",
    "closed_prompt": "",
    "callback_enabled": False,
    "answer_within_seconds": 30,
}


@pytest_asyncio.fixture
async def admin_app(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app:
        yield app, db


async def audit_rows(db, action: str) -> list[AuditEvent]:
    async with db() as s:
        rows = await s.exec(select(AuditEvent).where(AuditEvent.action == f"work_admin.{action}"))
        return list(rows.all())


async def test_product_created_and_edited_through_the_api_with_audit(admin_app):
    app, db = admin_app
    async with signed_in(app, db) as admin:
        created = await admin.post("/api/admin/products", json=NEW)
        assert created.status_code == 201, created.text
        product = created.json()
        assert product["code"] == "ZORG" and product["name_en"] == "Care register"
        edited = await admin.put(
            f"/api/admin/products/{product['id']}",
            json={**NEW, "name": "Het Zorgregister", "active": False},
        )
        assert edited.status_code == 200, edited.text
        assert edited.json()["name"] == "Het Zorgregister" and not edited.json()["active"]
        same = await admin.put(f"/api/admin/products/{product['id']}", json=edited.json())
        assert same.status_code == 200
    async with db() as s:
        row = await s.get(Product, product["id"])
        assert row.mailbox == "zorg" and row.register_url_template.endswith("{identifier}")
    (create,) = await audit_rows(db, "product.create")
    assert create.object_id == str(product["id"]) and create.actor == "admin"
    (update,) = await audit_rows(db, "product.update")  # the unchanged save wrote nothing
    assert update.detail["name"] == {"before": "Zorgregister", "after": "Het Zorgregister"}
    assert update.detail["active"] == {"before": True, "after": False}


BAD_PRODUCTS = [
    ({"code": "b"}, "capitals"),
    ({"code": "BIG"}, "already a product with code BIG"),
    ({"name": "  "}, "not empty"),
    ({"mailbox": "in*"}, "without * or %"),
    ({"reply_from": "not an address"}, "valid from address"),
    ({"register_url_template": "ftp://x/{identifier}"}, "starts with https://"),
    ({"register_url_template": "https://x/{identifier"}, "braces"),
    ({"register_url_template": "https://x/{password}"}, "Unknown field {password}"),
    ({"register_url_template": "https://x/{big!r}"}, "Unknown field {big}"),
    ({"register_url_template": "https://x/zoek"}, "customer's number"),
    ({"language": "de"}, "language"),
    ({"signature": "x" * 4001}, "at most 4000"),
    ({"name": "a\x00b"}, "NUL"),
]


async def test_bad_product_input_is_a_clear_422(admin_app):
    app, db = admin_app
    async with signed_in(app, db) as admin:
        for change, words in BAD_PRODUCTS:
            answer = await admin.post("/api/admin/products", json={**NEW, **change})
            assert answer.status_code == 422, (change, answer.text)
            assert words in detail_text(answer), change
    assert await audit_rows(db, "product.create") == []


async def test_mailbox_of_another_product_is_refused_on_edit(admin_app):
    app, db = admin_app
    big, uzi = await product_id(db, "BIG"), await product_id(db, "UZI")
    async with signed_in(app, db) as admin:
        uzi_now = (await admin.get(f"/api/admin/products/{uzi}")).json()
        big_box = (await admin.get(f"/api/admin/products/{big}")).json()["mailbox"]
        answer = await admin.put(f"/api/admin/products/{uzi}", json={**uzi_now, "mailbox": big_box})
        assert answer.status_code == 422 and "already belongs" in detail_text(answer)
        missing = await admin.put("/api/admin/products/99999", json=NEW)
        assert missing.status_code == 404


async def test_product_forms_create_edit_and_keep_input_on_error(admin_app):
    app, db = admin_app
    async with signed_in(app, db) as admin:
        page = await admin.get("/admin/products/new", headers=HTML)
        assert page.status_code == 200 and 'name="register_url_template"' in page.text
        bad = await admin.post(
            "/admin/products",
            data=form(admin, **{**NEW, "register_url_template": "https://x/{wachtwoord}"}),
            headers=HTML,
        )
        assert bad.status_code == 422
        assert "wachtwoord" in bad.text and 'value="Zorgregister"' in bad.text  # nothing lost
        made = await admin.post(
            "/admin/products", data=form(admin, **NEW, active="true"), headers=HTML
        )
        assert made.status_code == 303, made.text
        target = made.headers["location"]
        assert target.startswith("/admin/products/") and target.endswith("?saved=1")
        new_id = int(target.split("/")[-1].split("?")[0])
        shown = await admin.get(target, headers=HTML)
        assert shown.status_code == 200 and f"/admin/products/{new_id}/phone-line" in shown.text
        edited = await admin.post(
            f"/admin/products/{new_id}",
            data=form(admin, **{**NEW, "name": "Zorg nieuw"}, active="true"),
            headers=HTML,
        )
        assert edited.status_code == 303
        listed = await admin.get("/admin/products", headers=HTML)
        assert "Zorg nieuw" in listed.text and f'href="/admin/products/{new_id}"' in listed.text
    assert len(await audit_rows(db, "product.update")) == 1


async def test_phone_line_created_edited_validated_and_audited(admin_app):
    app, db = admin_app
    async with signed_in(app, db) as admin:
        zorg = (await admin.post("/api/admin/products", json=NEW)).json()["id"]
        empty = (await admin.get(f"/api/admin/products/{zorg}/phone-line")).json()
        assert empty["exists"] is False and empty["queue"] == "pulse-zorg"
        saved = await admin.put(f"/api/admin/products/{zorg}/phone-line", json=LINE)
        assert saved.status_code == 200, saved.text
        assert saved.json()["callback_enabled"] is False and saved.json()["exists"]
        big = await product_id(db, "BIG")
        big_line = (await admin.get(f"/api/admin/products/{big}/phone-line")).json()
        for change, words in [
            ({"inbound_number": "0703407999"}, "E.164"),
            ({"inbound_number": big_line["inbound_number"]}, "already belongs"),
            ({"queue": big_line["queue"]}, "already belongs"),
            ({"queue": "Pulse Zorg"}, "lower-case"),
            ({"welcome_prompt": "../etc/passwd"}, "sound name"),
            ({"answer_within_seconds": 0}, "between 1 and 3600"),
            ({"answer_within_seconds": "soon"}, ""),
        ]:
            answer = await admin.put(
                f"/api/admin/products/{zorg}/phone-line", json={**LINE, **change}
            )
            assert answer.status_code == 422, (change, answer.text)
            assert words in detail_text(answer)
        page = await admin.post(
            f"/admin/products/{zorg}/phone-line",
            data=form(admin, **{**LINE, "callback_enabled": "true", "answer_within_seconds": "45"}),
            headers=HTML,
        )
        assert page.status_code == 303, page.text
        bad_page = await admin.post(
            f"/admin/products/{zorg}/phone-line",
            data=form(admin, **{**LINE, "inbound_number": "bel mij", "callback_enabled": ""}),
            headers=HTML,
        )
        assert bad_page.status_code == 422 and 'value="bel mij"' in bad_page.text
    async with db() as s:
        line = (await s.exec(select(PhoneLine).where(PhoneLine.product_id == zorg))).one()
        assert line.callback_enabled and line.answer_within_seconds == 45
    assert len(await audit_rows(db, "phone_line.create")) == 1
    (update,) = await audit_rows(db, "phone_line.update")
    assert update.detail["before"]["callback_enabled"] is False
    assert update.detail["after"]["answer_within_seconds"] == 45


async def test_only_admins_edit_products(admin_app):
    app, db = admin_app
    big = await product_id(db, "BIG")
    async with signed_in(app, db, "manager") as manager:
        assert (await manager.post("/api/admin/products", json=NEW)).status_code == 403
        answer = await manager.put(f"/api/admin/products/{big}/phone-line", json=LINE)
        assert answer.status_code == 403
