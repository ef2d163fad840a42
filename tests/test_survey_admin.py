"""The survey settings per product on /admin/survey: admins only, checked before
anything is stored (a wrong value keeps the old settings and says which field)."""

from __future__ import annotations

from sqlmodel import select

from db.models.contacts import ContactReason, Product
from db.models.survey import SurveySettings
from devstack.demo.seed import seed_demo
from tests.api_support import client_for, login, running_app


async def test_admin_sets_a_products_survey(db, settings):
    await seed_demo(db)
    async with db() as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        reason = (
            await s.exec(select(ContactReason).where(ContactReason.product_id == big.id))
        ).first()
    async with running_app(settings, db) as app, client_for(app) as admin, client_for(app) as agent:
        csrf = await login(admin, db, "admin")
        agent_csrf = await login(agent, db, "agent")
        page = await admin.get("/admin/survey", params={"product": big.id})
        assert page.status_code == 200 and 'name="sample_percent"' in page.text
        form = {
            "csrf_token": csrf,
            "enabled": "1",
            "delay_hours": "48",
            "sample_percent": "25",
            "per_customer_days": "90",
            "channels": ["email", "webform"],
            "reason_ids": [str(reason.id)],
            "skip_open_complaints": "1",
        }
        saved = await admin.post(f"/admin/survey/{big.id}", data=form)
        assert saved.status_code == 303
        async with db() as s:
            row = await s.get(SurveySettings, big.id)
        assert (row.enabled, row.delay_hours, row.sample_percent, row.per_customer_days) == (
            True,
            48,
            25,
            90,
        )
        assert (row.channels, row.reason_ids, row.skip_open_complaints) == (
            ["email", "webform"],
            [reason.id],
            True,
        )

        for field, bad in (
            ("sample_percent", "150"),
            ("delay_hours", "-1"),
            ("per_customer_days", "tien"),
            ("channels", "pigeon"),
            ("reason_ids", "999999"),
        ):
            refused = await admin.post(f"/admin/survey/{big.id}", data={**form, field: bad})
            assert refused.status_code == 422, field
            assert f'href="#s-{field}"' in refused.text  # the error names the field
        async with db() as s:
            assert (await s.get(SurveySettings, big.id)).sample_percent == 25  # unchanged

        assert (await agent.get("/admin/survey")).status_code == 403
        post = await agent.post(f"/admin/survey/{big.id}", data={**form, "csrf_token": agent_csrf})
        assert post.status_code == 403
        assert (await admin.post("/admin/survey/999999", data=form)).status_code == 404
