"""Customers on a need-to-know basis: a customer with no contact in the viewer's products
is not found (read, change, BSN check and reveal, search, match, link); one the viewer
registered is theirs; a separate permission sees all; the change history never names
another product's contact."""

from __future__ import annotations

from sqlalchemy import update

from db.models.contacts import User
from db.session import session_scope
from tests import test_klantbeeld
from tests.api_support import make_contact
from tests.test_klantbeeld import HTML, logged_in

world = test_klantbeeld.world  # Eva Example with contacts in BIG, UZI and DONOR

BSN = "200000019"


async def test_a_customer_without_a_contact_in_my_products_is_not_found(world):
    app, db, customer_id, _ = world
    base = f"/api/customers/{customer_id}"
    async with logged_in(app, db, "backoffice") as backoffice:  # FARMATEC, DIPLOMA, WTZA
        for method, path, body in (
            ("GET", base, None),
            ("GET", f"/customers/{customer_id}", None),
            ("POST", f"{base}/identifiers/verify", {"kind": "bsn", "value": BSN}),
            ("POST", f"{base}/identifiers/1/reveal", {"reason": "curious about this one"}),
        ):
            answer = await backoffice.request(method, path, json=body, headers=HTML)
            assert answer.status_code == 404, (path, answer.status_code)
        edit = await backoffice.post(
            f"/customers/{customer_id}/edit", data={"display_name": "Taken", "kind": "person"}
        )
        assert edit.status_code == 404
        found = (await backoffice.get("/api/search?q=Eva Example")).json()
        assert found["customers"] == []
        matched = (await backoffice.get("/api/customers/match?email=eva@example.test")).json()
        assert matched["customer_ids"] == []
        # linking one's own contact to it would open it up: refused as well
        own = await make_contact(db, "FARMATEC", 21)
        link = await backoffice.post(
            f"/api/contacts/{own.reference}/customer", json={"customer_id": customer_id}
        )
        assert link.status_code == 404
    async with logged_in(app, db, "agent2") as agent2:  # BIG: Eva has BIG contacts
        assert (await agent2.get(base)).status_code == 200
        found = (await agent2.get("/api/search?q=Eva Example")).json()
        assert [hit["id"] for hit in found["customers"]] == [customer_id]


async def test_the_one_who_registered_a_customer_sees_it(world):
    app, db, _, _ = world
    async with logged_in(app, db, "backoffice") as backoffice:
        created = await backoffice.post("/api/customers", json={"display_name": "Nieuwe Klant"})
        assert created.status_code == 201
        mine = created.json()["id"]
        assert (await backoffice.get(f"/api/customers/{mine}")).status_code == 200
    async with logged_in(app, db, "agent2") as agent2:
        assert (await agent2.get(f"/api/customers/{mine}")).status_code == 404


async def test_a_separate_permission_sees_every_customer(world):
    app, db, customer_id, _ = world
    async with session_scope(db) as s:
        await s.execute(
            update(User).where(User.username == "backoffice").values(sees_all_customers=True)
        )
    async with logged_in(app, db, "backoffice") as backoffice:
        assert (await backoffice.get(f"/api/customers/{customer_id}")).status_code == 200
        assert (await backoffice.get("/api/customers/1")).status_code == 200  # demo, no contacts


async def test_the_history_never_names_another_products_contact(world):
    app, db, customer_id, _ = world
    uzi = await make_contact(db, "UZI", 22)
    async with logged_in(app, db, "agent") as agent:  # BIG and UZI
        linked = await agent.post(
            f"/api/contacts/{uzi.reference}/customer", json={"customer_id": customer_id}
        )
        assert linked.status_code == 200, linked.text
        page = await agent.get(f"/customers/{customer_id}", headers=HTML)
        assert uzi.reference in page.text
    async with logged_in(app, db, "agent2") as agent2:  # BIG only
        page = await agent2.get(f"/customers/{customer_id}", headers=HTML)
        assert page.status_code == 200 and uzi.reference not in page.text
