"""Signals through the API with the real ContactWorkflow: an agent raises one from a
contact but may not see /signals; a trafficer sees only their products' signals
(403 otherwise); status changes are audited; forwarding puts a task on the
product's 2nd-line list; bad input is a 400 or 404, never a 500."""

from __future__ import annotations

from datetime import date

import pytest
import pytest_asyncio
from sqlalchemy import text

from devstack.demo.seed import seed_demo
from runtime.worker import build_worker
from tests.api_support import JSON, make_contact, running_app
from tests.test_api_work import _follow_server_clock, as_user
from tests.test_contact_workflow import eventually


@pytest_asyncio.fixture
async def signals_world(db, settings, temporal_env):
    await seed_demo(db)
    with pytest.MonkeyPatch.context() as patch:
        await _follow_server_clock(temporal_env, patch)
        async with (
            build_worker(temporal_env.client, settings, db),
            running_app(settings, db, temporal_env.client) as app,
        ):
            yield app, db


async def _scan_signal(db, product_code: str) -> int:
    async with db() as s:
        signal_id = await s.scalar(
            text(
                """INSERT INTO signals (kind, product_id, day, title, figures, scan_key)
                   SELECT 'spike', id, :day, '', '{"expected": 10, "observed": 30}', :key
                     FROM products WHERE code = :code RETURNING id"""
            ),
            {"day": date(2026, 3, 9), "key": f"spike:{product_code}", "code": product_code},
        )
        await s.commit()
    return signal_id


async def test_raise_access_status_and_forward(signals_world):
    app, db = signals_world
    contact = await make_contact(db, "BIG", 7101)
    farmatec = await _scan_signal(db, "FARMATEC")  # not a product of the trafficer
    async with (
        as_user(app, db, "agent") as anna,
        as_user(app, db, "trafficer") as daan,
        as_user(app, db, "manager") as eva,
        as_user(app, db, "backoffice2") as gert,
    ):
        raised = await anna.post(
            f"/api/contacts/{contact.reference}/signals", json={"note": "Steeds dezelfde vraag"}
        )
        assert raised.status_code == 201, raised.text
        signal_id = raised.json()["id"]
        assert (await anna.get("/api/signals")).status_code == 403
        assert (await anna.get(f"/signals/{signal_id}")).status_code == 403
        empty = await anna.post(f"/api/contacts/{contact.reference}/signals", json={"note": " "})
        assert empty.status_code == 400
        gone = await anna.post("/api/contacts/KCC-0000-000000/signals", json={"note": "x"})
        assert gone.status_code == 404

        form = {"Accept": "text/html"}
        page = await anna.get(f"/contacts/{contact.reference}", headers=form)
        assert f'action="/contacts/{contact.reference}/signal"' in page.text
        by_form = await anna.post(
            f"/contacts/{contact.reference}/signal",
            data={"note": "", "csrf_token": anna.headers["X-CSRF-Token"]},
            headers=form,
        )
        assert by_form.status_code == 400

        mine = (await daan.get("/api/signals")).json()
        assert [r["id"] for r in mine] == [signal_id]  # not the FARMATEC one
        assert (await daan.get(f"/api/signals/{farmatec}")).status_code == 403
        assert (await daan.get(f"/api/signals?product={contact.product_id}")).status_code == 200
        assert {r["id"] for r in (await eva.get("/api/signals")).json()} == {signal_id, farmatec}
        detail = (await daan.get(f"/api/signals/{signal_id}")).json()
        assert detail["kind"] == "agent" and detail["contacts"] == [contact.reference]
        assert detail["notes"] == [{"body": "Steeds dezelfde vraag", "author": "Anna Agent"}]

        csrf = daan.headers["X-CSRF-Token"]
        moved = await daan.post(
            f"/signals/{signal_id}/status",
            data={"status": "investigating", "note": "Kijk ik na", "csrf_token": csrf},
            headers=form,
        )
        assert moved.status_code == 303
        wrong = await daan.post(
            f"/signals/{signal_id}/status",
            data={"status": "new", "csrf_token": csrf},
            headers=form,
        )
        assert wrong.status_code == 400
        page = await daan.get(f"/signals/{signal_id}", headers=form)
        assert page.status_code == 200 and "In onderzoek" in page.text

        forwarded = await daan.post(
            f"/signals/{signal_id}/forward",
            data={"note": "Graag uitzoeken", "csrf_token": csrf},
            headers=form,
        )
        assert forwarded.status_code == 303, forwarded.text
        after = (await daan.get(f"/api/signals/{signal_id}")).json()
        assert after["status"] == "forwarded" and after["owner"] == "Daan Werkverdeler"

        async def on_line_2():
            rows = (await gert.get("/api/work/tasks?line=2")).json()
            return [r for r in rows if r["title"].startswith(f"Signaal #{signal_id}")]

        [task] = await eventually(on_line_2)
        async with db() as s:
            actions = (
                (
                    await s.execute(
                        text(
                            "SELECT action FROM audit_events"
                            " WHERE object_type = 'signal' ORDER BY id"
                        )
                    )
                )
                .scalars()
                .all()
            )
        assert actions == ["signal.raise", "signal.status", "signal.forward"]
        again = await daan.post(
            f"/signals/{signal_id}/forward", data={"csrf_token": csrf}, headers=form
        )
        assert again.status_code == 400  # forwarded once

        for bad in ("/api/signals?status=zzz", "/api/signals?kind=x", "/api/signals?product=a"):
            assert (await eva.get(bad)).status_code == 400
        assert (await eva.get("/signals?status=zzz", headers=form)).status_code == 400
        assert (await eva.get("/api/signals/999999")).status_code == 404
        assert (await eva.get("/api/signals/0")).status_code == 422
        assert (await eva.get("/signals", headers=form)).status_code == 200
        report = await eva.get(
            "/api/reports?report=signals&period=custom&first=2026-03-01&last=2026-03-31",
            headers=JSON,
        )
        assert report.status_code == 200
        rows = report.json()["tables"][0]["rows"]
        assert {(r["reports.col.product"], r["signals.col.kind"]) for r in rows} >= {
            ("FARMATEC", "spike")
        }
