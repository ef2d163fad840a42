"""Retention classes are admin-managed, per product x contact type; changes audited."""

from __future__ import annotations

from sqlmodel import select

from db.models.contacts import Product
from db.models.records import RetentionClass
from tests.api_support import client_for, login, running_app, seeded


async def test_admin_manages_retention_classes(db, settings):
    await seeded(db)
    async with db() as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
    async with running_app(settings, db) as app, client_for(app) as admin:
        csrf = await login(admin, db, "admin")
        classes = (await admin.get("/api/records/retention-classes")).json()
        demo = next(c for c in classes if c["product_id"] == big.id and c["channel"] == "email")
        assert demo["disposal"] == "destroy" and demo["years"] == 5
        bad = await admin.put(
            "/api/records/retention-classes",
            json={"product_id": big.id, "channel": "email", "disposal": "destroy", "years": 0},
            headers={"X-CSRF-Token": csrf},
        )
        assert bad.status_code == 422
        form = await admin.post(
            "/records/retention",
            data={
                "product_id": str(big.id),
                "channel": "email",
                "disposal": "keep",
                "years": "0",
                "basis": "besluit 2026-3",
                "csrf_token": csrf,
            },
        )
        assert form.status_code == 303
        page = await admin.get("/records/retention", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "besluit 2026-3" in page.text
        searched = await admin.get("/api/records/audit", params={"action": "retention.set"})
        assert searched.json()[0]["detail"]["disposal"] == "keep"
    async with db() as s:
        cls = (
            await s.exec(
                select(RetentionClass).where(
                    RetentionClass.product_id == big.id, RetentionClass.channel == "email"
                )
            )
        ).one()
    assert cls.disposal == "keep"
