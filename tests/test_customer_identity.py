"""Identity checks on the klantbeeld: verifying a number the caller gives never shows
the stored BSN; revealing it needs a reason that lands in the audit log; both are
rate-limited per user; the page answer is not cached."""

from __future__ import annotations

from sqlmodel import select

from db.models.contacts import AuditEvent
from db.models.customers import CustomerIdentifier
from services.customers import identity as customer_identity
from tests.api_support import client_for, login, running_app, seeded

BSN = "200000019"


async def test_verify_and_reveal_with_reason(db, settings, monkeypatch):
    await seeded(db)
    async with running_app(settings, db) as app, client_for(app) as agent:
        agent.headers["X-CSRF-Token"] = await login(agent, db, "agent")
        created = await agent.post(
            "/api/customers",
            json={"display_name": "Iris Identiteit", "identifiers": {"bsn": BSN}},
        )
        customer_id = created.json()["id"]
        async with db() as s:
            bsn_row = (
                await s.exec(
                    select(CustomerIdentifier).where(CustomerIdentifier.customer_id == customer_id)
                )
            ).one()
        api = f"/api/customers/{customer_id}/identifiers"

        r = await agent.post(f"{api}/verify", json={"kind": "bsn", "value": "2000 000 19"})
        assert r.json() == {"kind": "bsn", "match": True}
        r = await agent.post(f"{api}/verify", json={"kind": "bsn", "value": "123456782"})
        assert r.json() == {"kind": "bsn", "match": False}  # valid BSN, someone else's
        r = await agent.post(f"{api}/verify", json={"kind": "bsn", "value": "123456789"})
        assert r.status_code == 422  # fails the 11-check: a typo, not "no match"

        page = await agent.get(f"/customers/{customer_id}")
        assert BSN not in page.text and "******019" in page.text
        r = await agent.post(
            f"/customers/{customer_id}/identifiers/verify",
            data={"kind": "bsn", "value": BSN, "csrf_token": agent.headers["X-CSRF-Token"]},
        )
        assert r.status_code == 200 and "komt overeen" in r.text and BSN not in r.text
        assert r.headers["cache-control"] == "no-store"

        r = await agent.post(f"{api}/{bsn_row.id}/reveal", json={"reason": "kort"})
        assert r.status_code == 422
        r = await agent.post(
            f"{api}/{bsn_row.id}/reveal", json={"reason": "BRP-controle bij adreswijziging"}
        )
        assert r.json() == {"kind": "bsn", "value": BSN}
        r = await agent.post(
            f"/customers/{customer_id}/identifiers/{bsn_row.id}/reveal",
            data={
                "reason": "Terugbelverzoek: identiteit",
                "csrf_token": agent.headers["X-CSRF-Token"],
            },
        )
        assert r.status_code == 200 and BSN in r.text
        assert r.headers["cache-control"] == "no-store"
        assert (
            await agent.post(f"{api}/999999/reveal", json={"reason": "x" * 20})
        ).status_code == 404

        monkeypatch.setattr(customer_identity, "REVEAL_LIMIT_PER_HOUR", 2)
        r = await agent.post(f"{api}/{bsn_row.id}/reveal", json={"reason": "derde keer vandaag"})
        assert r.status_code == 429
        monkeypatch.setattr(customer_identity, "VERIFY_LIMIT_PER_HOUR", 3)
        r = await agent.post(f"{api}/verify", json={"kind": "bsn", "value": BSN})
        assert r.status_code == 429

    async with db() as s:
        events = (
            await s.exec(
                select(AuditEvent)
                .where(AuditEvent.action.like("customer.identifier.%"))
                .order_by(AuditEvent.id)
            )
        ).all()
    reveals = [e.detail for e in events if e.action == customer_identity.REVEAL_ACTION]
    assert [d["reason"] for d in reveals] == [
        "BRP-controle bij adreswijziging",
        "Terugbelverzoek: identiteit",
    ]
    verifies = [e.detail["match"] for e in events if e.action == customer_identity.VERIFY_ACTION]
    assert verifies == [True, False, True]
    assert all(BSN not in str(e.detail) for e in events)
