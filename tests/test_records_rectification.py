"""AVG art. 16: a rectification request is registered for a customer, the agent's
correction on the klantbeeld is linked to it without a choice on the form, and the
request closes with the answer letter; the register shows changes and letter."""

from __future__ import annotations

from sqlmodel import select

from db.models.records import PrivacyRequest
from tests.api_support import client_for, login, running_app, seeded
from tests.test_records_privacy import customer_with_contact


async def test_rectification_links_the_correction_and_records_the_letter(db, settings):
    await seeded(db)
    customer_id, _sample = await customer_with_contact(db)
    async with running_app(settings, db) as app:
        async with client_for(app) as agent:
            agent_token = await login(agent, db, "agent")
            before = await agent.post(
                f"/customers/{customer_id}/edit",
                data={"csrf_token": agent_token, "display_name": "Inge Voor", "kind": "person"},
            )
            assert before.status_code == 303  # made before the request: not linked
        async with client_for(app) as rm:
            token = await login(rm, db, "records")
            url = f"/records/privacy/customers/{customer_id}/rectification"
            form = {"csrf_token": token, "request_reference": "brief 16-1"}
            r = await rm.post(url, data=form)
            assert r.status_code == 303 and "rectification=open" in r.headers["location"]
            again = await rm.post(url, data=form)
            assert "problem=already_open" in again.headers["location"]
            card = await rm.get(f"/records/privacy/customers/{customer_id}")
            assert "Rectificatieverzoek #" in card.text
            assert (
                await rm.post("/records/privacy/customers/999999/rectification", data=form)
            ).status_code == 404
            assert (await rm.post(url, data={"request_reference": "x"})).status_code == 403
        async with client_for(app) as agent:
            agent_token = await login(agent, db, "agent")
            fixed = await agent.post(
                f"/customers/{customer_id}/edit",
                data={"csrf_token": agent_token, "display_name": "Inge Juist", "kind": "person"},
            )
            assert fixed.status_code == 303
            denied = await agent.post(
                "/records/privacy/requests/1/letter",
                data={"csrf_token": agent_token, "letter": "x"},
            )
            assert denied.status_code == 403
        async with db() as s:
            [req] = (await s.exec(select(PrivacyRequest))).all()
            assert (req.kind, req.outcome) == ("rectification", "open")
        async with client_for(app) as rm:
            token = await login(rm, db, "records")
            register = await rm.get("/records/privacy")
            assert "Inge Voor → Inge Juist" in register.text
            close = f"/records/privacy/requests/{req.id}/letter"
            empty = await rm.post(close, data={"csrf_token": token, "letter": "  "})
            assert "problem=no_letter" in empty.headers["location"]
            letter = "Geachte mevrouw, uw naam is verbeterd."
            done = await rm.post(close, data={"csrf_token": token, "letter": letter})
            assert done.status_code == 303 and "closed=" in done.headers["location"]
            twice = await rm.post(close, data={"csrf_token": token, "letter": letter})
            assert "problem=already_closed" in twice.headers["location"]
            assert (
                await rm.post(
                    "/records/privacy/requests/999999/letter",
                    data={"csrf_token": token, "letter": letter},
                )
            ).status_code == 404
        async with client_for(app) as agent:
            agent_token = await login(agent, db, "agent")
            later = await agent.post(
                f"/customers/{customer_id}/edit",
                data={"csrf_token": agent_token, "display_name": "Inge Later", "kind": "person"},
            )
            assert later.status_code == 303  # after closing: not linked
        async with client_for(app) as rm:
            await login(rm, db, "records")
            register = await rm.get("/records/privacy")
            assert letter in register.text and "Inge Voor → Inge Juist" in register.text
            assert "Inge Later" not in register.text
    async with db() as s:
        row = await s.get(PrivacyRequest, req.id)
        assert row.outcome == "done" and row.detail["letter"] == letter
        assert len(row.detail["change_ids"]) == 1
