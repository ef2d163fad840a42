"""Klantbeeld and search through the app: accreditation filtering of the timeline and
of search results, register links, the register adapter (and its failure), audit."""

from __future__ import annotations

import json
import threading
import time
from contextlib import asynccontextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import select

from db.models.contacts import (
    AuditEvent,
    Channel,
    Contact,
    ContactStatus,
    Customer,
    Message,
    Product,
    utcnow,
)
from db.models.customers import SatisfactionScore
from db.session import session_scope
from tests.api_support import client_for, login, make_contact, running_app, seeded

HTML = {"Accept": "text/html"}


@asynccontextmanager
async def logged_in(app, db, username: str):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers["X-CSRF-Token"] = csrf
        yield client


@pytest_asyncio.fixture
async def world(db, settings):
    """Demo data plus one customer (Eva Example, BIG number, BSN) with contacts in BIG
    (one open, one closed with a CSAT score), UZI and DONOR."""
    await seeded(db)
    big_open = await make_contact(db, "BIG", 1)
    big_closed = await make_contact(db, "BIG", 2)
    uzi = await make_contact(db, "UZI", 3)
    donor = await make_contact(db, "DONOR", 4)
    async with running_app(settings, db) as app:
        async with logged_in(app, db, "agent") as agent:
            created = await agent.post(
                "/api/customers",
                json={
                    "display_name": "Eva Example",
                    "emails": ["eva@example.test"],
                    "phones": ["06 2222 3333"],
                    "identifiers": {"bsn": "200000019", "big": "49012345678"},
                },
            )
            assert created.status_code == 201, created.text
        customer_id = created.json()["id"]
        async with session_scope(db) as s:
            for sample in (big_open, big_closed, uzi, donor):
                await s.execute(
                    update(Contact)
                    .where(Contact.id == sample.contact_id)
                    .values(customer_id=customer_id)
                )
            await s.execute(
                update(Contact)
                .where(Contact.id == big_closed.contact_id)
                .values(status=ContactStatus.closed)
            )
            s.add(SatisfactionScore(contact_id=big_closed.contact_id, score=2))
            s.add(SatisfactionScore(contact_id=uzi.contact_id, score=5))  # agent2: not shown
            await s.execute(
                update(Message)
                .where(Message.id == uzi.message_id)
                .values(text_body="Mijn UZI-pas is gestolen bij een inbraak.")
            )
            await s.execute(
                update(Message)
                .where(Message.id == big_open.message_id)
                .values(text_body="Vraag over de herregistratie van mijn inschrijving.")
            )
        yield (
            app,
            db,
            customer_id,
            {"big_open": big_open, "big_closed": big_closed, "uzi": uzi, "donor": donor},
        )


async def test_timeline_shows_only_accredited_products(world):
    app, db, customer_id, c = world
    async with logged_in(app, db, "agent2") as agent2:  # BIG only
        body = (await agent2.get(f"/api/customers/{customer_id}")).json()
    refs = [t["reference"] for t in body["timeline"]]
    assert refs == [c["big_open"].reference, c["big_closed"].reference]  # open first
    assert body["other_products_contacts"] == 2  # UZI + DONOR exist, not shown
    assert body["last_csat"] == 2
    assert body["identifiers"] == [
        {"kind": "big", "shown": "49012345678"},
        {"kind": "bsn", "shown": "******019"},
    ]
    assert body["register_links"] == [
        {"product": "BIG", "url": "https://register.pulse.test/big/49012345678"}
    ]
    async with logged_in(app, db, "agent") as agent:  # BIG + UZI
        body = (await agent.get(f"/api/customers/{customer_id}")).json()
        page = await agent.get(f"/customers/{customer_id}", headers=HTML)
    assert {t["product"] for t in body["timeline"]} == {"BIG", "UZI"}
    assert body["other_products_contacts"] == 1 and body["last_csat"] == 5
    assert page.status_code == 200
    assert c["uzi"].reference in page.text and c["donor"].reference not in page.text
    assert 'target="_blank" rel="noopener noreferrer"' in page.text
    assert "200000019" not in page.text and "******019" in page.text
    async with logged_in(app, db, "manager") as manager:  # all products; no "others" line
        body = (await manager.get(f"/api/customers/{customer_id}")).json()
    assert len(body["timeline"]) == 4 and body["other_products_contacts"] is None
    async with db() as s:
        views = (
            await s.exec(select(AuditEvent.actor).where(AuditEvent.action == "customer.view"))
        ).all()
    assert sorted(views) == ["agent", "agent", "agent2", "manager"]


async def test_unknown_customer_is_404_and_admin_has_no_klantbeeld(world):
    app, db, customer_id, _ = world
    async with logged_in(app, db, "agent") as agent:
        assert (await agent.get("/api/customers/999999")).status_code == 404
    async with logged_in(app, db, "admin") as admin:
        assert (await admin.get(f"/api/customers/{customer_id}")).status_code == 403


async def test_search_by_reference_name_email_phone_identifier(world):
    app, db, customer_id, c = world
    async with logged_in(app, db, "agent2") as agent2:

        async def hits(q: str) -> dict:
            response = await agent2.get("/api/search", params={"q": q})
            assert response.status_code == 200, response.text
            return response.json()

        found = await hits(c["big_open"].reference.lower())
        assert [h["reference"] for h in found["contacts"]] == [c["big_open"].reference]
        assert (await hits(c["uzi"].reference))["contacts"] == []  # not accredited for UZI
        for query in (
            "Eva Exampel",
            "example",
            "eva@example.test",
            "0622223333",
            "+31 6 2222 3333",
            "2000.00.019",
            "490 123 456 78",
        ):
            ids = [h["id"] for h in (await hits(query))["customers"]]
            assert customer_id in ids, query
        assert (await hits("123456789"))["customers"] == []  # not a valid BSN: no guess
        texts = await hits("inschrijving")
        assert [m["reference"] for m in texts["messages"]] == [c["big_open"].reference]
        assert "«inschrijving»" in texts["messages"][0]["snippet"]
        assert (await hits("gestolen"))["messages"] == []  # the UZI message: not for agent2
        page = await agent2.get("/search", params={"q": "Eva"}, headers=HTML)
        assert page.status_code == 200 and f"/customers/{customer_id}" in page.text
    async with logged_in(app, db, "agent") as agent:
        found = (await agent.get("/api/search", params={"q": "gestolen inbraak"})).json()
        assert [m["reference"] for m in found["messages"]] == [c["uzi"].reference]
    async with db() as s:
        queries = (
            await s.exec(select(AuditEvent.detail).where(AuditEvent.action == "search"))
        ).all()
    assert {"query": "2000.00.019"} not in queries
    assert any(q["query"] == "********019" for q in queries)  # a BSN is not logged in clear


async def test_link_and_move_a_contact(world):
    app, db, customer_id, c = world
    async with logged_in(app, db, "agent") as agent:
        other = await agent.post("/api/customers", json={"display_name": "Iemand Anders"})
        other_id = other.json()["id"]
        moved = await agent.post(
            f"/contacts/{c['uzi'].reference}/customer",
            data={"customer_id": other_id},
            headers={**HTML, "X-CSRF-Token": agent.headers["X-CSRF-Token"]},
        )
        assert moved.status_code == 303
        page = await agent.get(f"/contacts/{c['uzi'].reference}", headers=HTML)
        assert f'href="/customers/{other_id}"' in page.text
    async with logged_in(app, db, "agent2") as agent2:  # no UZI: the contact does not exist
        refused = await agent2.post(
            f"/api/contacts/{c['uzi'].reference}/customer", json={"customer_id": customer_id}
        )
        assert refused.status_code == 404
    async with db() as s:
        assert (await s.get(Contact, c["uzi"].contact_id)).customer_id == other_id


class FakeRegister(BaseHTTPRequestHandler):
    """A register adapter: /ok answers data, /broken 500, /slow too late."""

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/slow"):
            time.sleep(1.0)
        if self.path.startswith("/ok"):
            body = json.dumps({"Registratie": "geldig", "Beroep": "Arts", "query": self.path})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode())
            return
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_register():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeRegister)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/ok", "Arts"), ("/broken", "unavailable"), ("/slow", "unavailable")],
)
async def test_register_adapter_and_its_failure(world, settings, fake_register, path, expected):
    _, db, customer_id, _ = world
    adapters = {"BIG": fake_register + path, "UZI": "http://127.0.0.1:9/closed"}
    async with (
        running_app(
            settings, db, register_adapters=adapters, register_adapter_timeout_seconds=0.3
        ) as app,
        logged_in(app, db, "agent") as agent,
    ):
        page = await agent.get(f"/customers/{customer_id}", headers=HTML)
        assert page.status_code == 200  # the page never waits for a register
        assert f'data-register-src="/customers/{customer_id}/register/BIG"' in page.text
        fragment = await agent.get(f"/customers/{customer_id}/register/BIG", headers=HTML)
        assert fragment.status_code == 200 and expected in fragment.text
        if expected == "Arts":
            assert "kind=big" in fragment.text and "identifier=49012345678" in fragment.text
        closed = await agent.get(f"/customers/{customer_id}/register/UZI", headers=HTML)
        assert closed.status_code == 200 and 'data-problem="unavailable"' in closed.text
        donor = await agent.get(f"/customers/{customer_id}/register/DONOR", headers=HTML)
        assert donor.status_code == 404  # not accredited for DONOR


async def test_merge_and_undo_through_the_pages(world):
    app, db, customer_id, c = world
    async with logged_in(app, db, "agent") as agent:
        dup = (
            await agent.post(
                "/api/customers", json={"display_name": "Eva Exampel", "phones": ["0622223333"]}
            )
        ).json()["id"]
        async with session_scope(db) as s:
            await s.execute(
                update(Contact).where(Contact.id == c["uzi"].contact_id).values(customer_id=dup)
            )
        page = await agent.get(f"/customers/{customer_id}/duplicates", headers=HTML)
        assert f"/customers/{dup}" in page.text
        token = {"X-CSRF-Token": agent.headers["X-CSRF-Token"], **HTML}
        merged = await agent.post(
            f"/customers/{customer_id}/merge", data={"other_id": dup}, headers=token
        )
        assert merged.status_code == 303
        body = (await agent.get(f"/api/customers/{customer_id}")).json()
        assert c["uzi"].reference in [t["reference"] for t in body["timeline"]]
        async with db() as s:
            assert (await s.get(Customer, dup)).merged_into_id == customer_id
        undone = await agent.post(f"/customers/{customer_id}/merges/1/undo", headers=token)
        assert undone.status_code == 303
        body = (await agent.get(f"/api/customers/{customer_id}")).json()
        assert c["uzi"].reference not in [t["reference"] for t in body["timeline"]]
        bad = await agent.post(
            f"/customers/{customer_id}/identifiers",
            data={"kind": "bsn", "value": "123456789"},
            headers=token,
        )
        assert bad.status_code == 422 and "11-check" in bad.text


async def test_match_api_for_the_phone_screen_pop(world):
    app, db, customer_id, _ = world
    async with logged_in(app, db, "agent") as agent:
        found = await agent.get("/api/customers/match", params={"phone": "+31622223333"})
        assert found.json() == {"customer_ids": [customer_id]}
        assert (await agent.get("/api/customers/match", params={"phone": "x"})).json() == {
            "customer_ids": []
        }


async def test_timeline_pages_through_a_long_history(db, settings):
    """A customer with 60 contacts: page 1 shows the open one first and 49 newest
    closed ones, page 2 the rest; the JSON API pages the same way."""
    await seeded(db)
    async with session_scope(db) as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        customer = Customer(display_name="Lange Historie")
        s.add(customer)
        await s.flush()
        customer_id = customer.id
        start = utcnow() - timedelta(days=400)
        for n in range(60):
            s.add(
                Contact(
                    reference=f"KCC-1998-{n:06d}",
                    channel=Channel.email,
                    status=ContactStatus.new if n == 0 else ContactStatus.closed,
                    subject=f"Historie {n}",
                    product_id=big.id,
                    customer_id=customer_id,
                    created_at=start + timedelta(days=n),
                )
            )
    async with running_app(settings, db) as app, logged_in(app, db, "agent") as agent:
        first = await agent.get(f"/customers/{customer_id}", headers=HTML)
        rows = first.text.split('<table class="inbox timeline">')[1].split("</table>")[0]
        assert rows.count("<tr class=") == 50
        assert rows.index("KCC-1998-000000") < rows.index("KCC-1998-000059")  # open first
        assert "KCC-1998-000011" in rows and "KCC-1998-000010" not in rows
        assert "Pagina 1 van 2 (60 contacten)" in first.text and 'rel="next"' in first.text
        second = await agent.get(f"/customers/{customer_id}?page=2", headers=HTML)
        rows = second.text.split('<table class="inbox timeline">')[1].split("</table>")[0]
        assert rows.count("<tr class=") == 10 and "KCC-1998-000010" in rows
        assert 'rel="prev"' in second.text and 'rel="next"' not in second.text
        assert (await agent.get(f"/customers/{customer_id}?page=x")).status_code == 200
        data = (await agent.get(f"/api/customers/{customer_id}?page=2")).json()
        assert (data["timeline_page"], data["timeline_pages"], data["timeline_total"]) == (2, 2, 60)
        assert len(data["timeline"]) == 10
        assert (await agent.get(f"/api/customers/{customer_id}?page=0")).status_code == 422
