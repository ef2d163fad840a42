"""AVG art. 17 is not all-or-nothing: while a contact is kept, one erasure decision
erases what no retained contact uses and keeps the rest with its legal ground, both
in the one registered request with the outcome per item."""

from __future__ import annotations

from sqlmodel import select

from db.models.contacts import Contact, CustomerEmail, CustomerPhone
from db.models.customers import CustomerChange, CustomerIdentifier
from db.models.records import PrivacyRequest
from db.session import session_scope
from tests.api_support import client_for, login, running_app, seeded
from tests.test_records_privacy import customer_with_contact, erase


async def test_erasure_erases_what_no_retained_contact_uses(db, settings):
    await seeded(db)
    customer_id, sample = await customer_with_contact(db)
    async with session_scope(db) as s:
        contact = await s.get(Contact, sample.contact_id)
        # the address the retained contact's mail came from (tests/api_support.py)
        s.add(CustomerEmail(customer_id=customer_id, address="burger41@example.test"))
        s.add(CustomerPhone(customer_id=customer_id, number="+31612345678"))
        s.add(
            CustomerIdentifier(
                customer_id=customer_id, kind="kvk", lookup_hash="x" * 64, masked="12…"
            )
        )
        s.add(CustomerChange(customer_id=customer_id, action="name", old="Oud", new="Nieuw"))
        assert contact.status != "closed"  # still being handled: kept
    async with running_app(settings, db) as app, client_for(app) as rm:
        rm.headers["X-CSRF-Token"] = await login(rm, db, "records")
        r = await erase(rm, customer_id)
        assert r.status_code == 200
        body = r.json()
        assert body["outcome"] == "partial" and sample.reference in body["legal_reason"]
        register = await rm.get("/records/privacy")
        assert "deels uitgevoerd" in register.text and "bewaard" in register.text
    async with db() as s:
        kept = (
            await s.exec(
                select(CustomerEmail.address).where(CustomerEmail.customer_id == customer_id)
            )
        ).all()
        assert kept == ["burger41@example.test"]
        for model in (CustomerPhone, CustomerIdentifier, CustomerChange):
            assert (
                await s.exec(select(model).where(model.customer_id == customer_id))
            ).first() is None
        [row] = (await s.exec(select(PrivacyRequest))).all()
    outcomes = sorted((i["item"], i["outcome"]) for i in row.detail["items"])
    assert outcomes == [
        ("email", "erased"),
        ("email", "kept"),
        ("history", "erased"),
        ("identifier", "erased"),
        ("phone", "erased"),
    ]
    [kept_item] = [i for i in row.detail["items"] if i["outcome"] == "kept"]
    assert sample.reference in kept_item["ground"] and "burger41" not in str(row.detail)
