"""AVG: a subject access export holds everything on the customer (JSON + files, one
ZIP); an erasure request is refused with its legal ground while a retention duty
runs, and carried out when none does; both are registered and audited."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import select

from db.models.contacts import (
    Blob,
    Contact,
    ContactStatus,
    Customer,
    CustomerEmail,
    Message,
    utcnow,
)
from db.models.records import ContactRecord, Disposal, PrivacyRequest, RecordStatus
from db.session import session_scope
from tests.api_support import client_for, login, make_contact, running_app, seeded


async def customer_with_contact(db) -> tuple[int, object]:
    sample = await make_contact(db, "UZI", 41)
    async with session_scope(db) as s:
        customer = Customer(display_name="Inge Inzage")
        s.add(customer)
        await s.flush()
        s.add(CustomerEmail(customer_id=customer.id, address="inzage.proef@example.test"))
        contact = await s.get(Contact, sample.contact_id)
        contact.customer_id = customer.id
        return customer.id, sample


async def test_subject_access_export_holds_everything(db, settings):
    await seeded(db)
    customer_id, sample = await customer_with_contact(db)
    async with running_app(settings, db) as app:
        async with client_for(app) as agent:
            await login(agent, db, "agent")
            assert (await agent.get(f"/api/contacts/{sample.reference}")).status_code == 200
        async with client_for(app) as rm:
            await login(rm, db, "records")
            r = await rm.get(f"/api/privacy/customers/{customer_id}/export")
            assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
            missing = await rm.get("/api/privacy/customers/999999/export")
            assert missing.status_code == 404
    zf = zipfile.ZipFile(io.BytesIO(r.content))
    data = json.loads(zf.read("data.json"))
    assert data["customer"]["display_name"] == "Inge Inzage"
    assert data["related"]["customer_emails"][0]["address"] == "inzage.proef@example.test"
    [contact] = data["contacts"]
    assert contact["contact"]["reference"] == sample.reference
    [message] = contact["messages"]
    assert message["text_body"] == "Hallo, ik heb een vraag."
    async with db() as s:
        msg = await s.get(Message, sample.message_id)
        raw = (await s.get(Blob, msg.raw_sha256)).data
    assert zf.read(message["file"]) == raw
    [attachment] = message["attachments"]
    assert zf.read(attachment["file"]) == b"bijlage 41"
    reads = [e for e in data["processing_log"] if e["action"] == "contact.read"]
    assert reads and reads[0]["actor"] == "agent"
    assert "LEESMIJ.txt" in zf.namelist()
    async with db() as s:
        logged = (await s.exec(select(PrivacyRequest))).all()
    assert [(p.kind, p.outcome, p.customer_id) for p in logged] == [("access", "done", customer_id)]


async def erase(client, customer_id):
    csrf = client.headers.get("X-CSRF-Token")
    return await client.post(
        f"/api/privacy/customers/{customer_id}/erasure",
        json={"confirm": True, "request_reference": "brief 2026-88"},
        headers={"X-CSRF-Token": csrf},
    )


async def test_erasure_refused_with_legal_ground_then_carried_out(db, settings):
    await seeded(db)
    customer_id, sample = await customer_with_contact(db)
    async with running_app(settings, db) as app, client_for(app) as rm:
        rm.headers["X-CSRF-Token"] = await login(rm, db, "records")

        r = await erase(rm, customer_id)  # the contact is still being handled
        # its extra address is erased (tests/test_records_partial_erasure.py), the rest kept
        assert r.status_code == 200 and r.json()["outcome"] == "partial"
        assert (
            "17 lid 3" in r.json()["legal_reason"] and sample.reference in r.json()["legal_reason"]
        )

        # Closed and archived, to be kept 5 years: the Archiefwet retention duty.
        keep_until = date.today() + timedelta(days=5 * 365)
        async with session_scope(db) as s:
            contact = await s.get(Contact, sample.contact_id)
            contact.status, contact.closed_at = ContactStatus.closed, utcnow()
            s.add(
                ContactRecord(
                    contact_id=contact.id,
                    reference=contact.reference,
                    product_id=contact.product_id,
                    channel="email",
                    status=RecordStatus.archived,
                    disposal=Disposal.destroy,
                    disposal_date=keep_until,
                )
            )
        r = await erase(rm, customer_id)
        assert r.json()["outcome"] == "refused"
        assert "Archiefwet" in r.json()["legal_reason"]
        assert keep_until.isoformat() in r.json()["legal_reason"]

        # A customer PULSE holds nothing under a retention duty for: erased.
        async with session_scope(db) as s:
            other = Customer(display_name="Piet Pieters")
            s.add(other)
            await s.flush()
            s.add(CustomerEmail(customer_id=other.id, address="wis.proef@example.test"))
            other_id = other.id
        r = await erase(rm, other_id)
        assert r.json()["outcome"] == "done" and r.json()["legal_reason"] == ""
        assert (
            await rm.post(
                f"/api/privacy/customers/{other_id}/erasure",
                json={"confirm": False},
                headers={"X-CSRF-Token": rm.headers["X-CSRF-Token"]},
            )
        ).status_code == 422

        listed = (await rm.get("/api/privacy/requests")).json()
        assert [(x["kind"], x["outcome"]) for x in listed] == [
            ("erasure", "done"),
            ("erasure", "refused"),
            ("erasure", "partial"),
        ]
    async with db() as s:
        assert await s.get(Customer, other_id) is None
        assert (
            await s.exec(select(CustomerEmail).where(CustomerEmail.customer_id == other_id))
        ).first() is None
        assert await s.get(Customer, customer_id) is not None


async def test_privacy_pages_find_refuse_and_erase(db, settings):
    """The privacy officer's pages: find by email, see the ground before acting,
    a refusal is registered, an unconfirmed form does nothing, an erasure is done."""
    await seeded(db)
    customer_id, sample = await customer_with_contact(db)
    async with session_scope(db) as s:
        other = Customer(display_name="Wim Wissen")
        s.add(other)
        await s.flush()
        s.add(CustomerEmail(customer_id=other.id, address="wim.wissen@example.test"))
        other_id = other.id
    async with running_app(settings, db) as app, client_for(app) as rm:
        token = await login(rm, db, "records")
        page = await rm.get("/records/privacy", params={"q": "inzage.proef@example.test"})
        assert page.status_code == 200
        assert f'href="/records/privacy/customers/{customer_id}"' in page.text
        assert f"/customers/{other_id}" not in page.text

        card = await rm.get(f"/records/privacy/customers/{customer_id}")
        assert card.status_code == 200 and sample.reference in card.text  # the ground names it
        assert "inzage.proef@example.test" in card.text
        assert (await rm.get("/records/privacy/customers/999999")).status_code == 404

        form = {"csrf_token": token, "request_reference": "brief 7"}
        r = await rm.post(f"/records/privacy/customers/{other_id}/erasure", data=form)
        assert r.status_code == 303 and "unconfirmed" in r.headers["location"]
        r = await rm.post(
            f"/records/privacy/customers/{customer_id}/erasure", data={**form, "confirm": "yes"}
        )
        assert r.status_code == 303 and "refused=" in r.headers["location"]
        r = await rm.post(
            f"/records/privacy/customers/{other_id}/erasure", data={**form, "confirm": "yes"}
        )
        assert r.status_code == 303 and r.headers["location"].startswith("/records/privacy?erased=")
        register = await rm.get("/records/privacy")
        assert "brief 7" in register.text and "deels uitgevoerd" in register.text
        assert "uitgevoerd" in register.text

        no_csrf = await rm.post(
            f"/records/privacy/customers/{customer_id}/erasure", data={"confirm": "yes"}
        )
        assert no_csrf.status_code == 403
    async with db() as s:
        assert await s.get(Customer, other_id) is None
        assert await s.get(Customer, customer_id) is not None
        outcomes = [(p.customer_id, p.outcome) for p in (await s.exec(select(PrivacyRequest)))]
        assert sorted(outcomes) == sorted([(customer_id, "partial"), (other_id, "done")])
        actions = {a for (a,) in (await s.execute(text("SELECT action FROM audit_events"))).all()}
        assert {"privacy.search", "privacy.view", "privacy.erasure"} <= actions
