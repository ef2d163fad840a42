"""The phone API over real HTTP (uvicorn), with the PBX simulator, the AMI bridge, a
worker, Temporal and PostgreSQL: phone state follows Asterisk, who sees what, the
screen pop reaches only the answering agent's SSE stream, wrap-up with a note and a
link to an existing contact; a retired contact reason is refused."""

from __future__ import annotations

import asyncio
import contextlib
import json

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlmodel import select

from adapters.ami.client import AmiConfig
from api.main import create_app
from channels.phone.bridge import AmiBridge
from db.models.contacts import (
    Contact,
    ContactEvent,
    ContactReason,
    Customer,
    CustomerPhone,
    Note,
)
from db.models.phone import PhoneCall
from db.session import session_scope
from devstack.pbx_simulator import PbxSimulator
from runtime.worker import build_worker
from tests.api_support import JSON, login, make_contact, seeded
from tests.conftest import free_port
from tests.test_contact_workflow import eventually

SECRET = "sim-secret"


@contextlib.asynccontextmanager
async def served(app):
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    await eventually(lambda: asyncio.sleep(0, server.started))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class SseClient:
    """Reads an SSE stream into a list of (event, data)."""

    def __init__(self, client: httpx.AsyncClient, path: str) -> None:
        self.client, self.path = client, path
        self.events: list[tuple[str, dict]] = []
        self.open = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def __aenter__(self):
        self._task = asyncio.create_task(self._read())
        await asyncio.wait_for(self.open.wait(), 10)
        return self

    async def __aexit__(self, *exc):
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError, httpx.HTTPError):
            await self._task

    async def _read(self):
        async with self.client.stream("GET", self.path, timeout=None) as response:
            self.open.set()
            event = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    self.events.append((event, json.loads(line[6:])))

    def of(self, kind: str) -> list[dict]:
        return [data for event, data in self.events if event == kind]


@pytest.fixture
async def phone_api(db, settings, temporal_env):
    await seeded(db)
    sim = await PbxSimulator(secret=SECRET, ring_timeout=30).start()
    cfg = settings.model_copy(
        update={"ami_port": sim.port, "ami_secret": SecretStr(SECRET), "dev_tools": True}
    )
    bridge = AmiBridge(cfg, db, temporal_env.client, AmiConfig.from_settings(cfg))
    app = create_app(cfg, temporal_client=temporal_env.client, sessionmaker=db)
    async with build_worker(temporal_env.client, cfg, db), served(app) as base:
        await bridge.start()
        await asyncio.wait_for(bridge.reconciled.wait(), 20)
        clients = {}
        try:
            for name in ("agent", "agent2", "trafficer"):
                clients[name] = httpx.AsyncClient(base_url=base, timeout=30)
                token = await login(clients[name], db, name)
                clients[name].headers.update({**JSON, "X-CSRF-Token": token})
            yield sim, db, clients
        finally:
            for client in clients.values():
                await client.aclose()
            await bridge.stop()
            app.state.ami_client.close() if getattr(app.state, "ami_client", None) else None
            await sim.stop()


async def mine(client) -> dict[str, dict]:
    data = (await client.get("/api/phone/state")).json()
    return {row["queue"]: row for row in data["mine"]}


async def test_phone_state_follows_asterisk(phone_api):
    sim, db, clients = phone_api
    agent, agent2, trafficer = clients["agent"], clients["agent2"], clients["trafficer"]

    response = await agent.post("/api/phone/sign-in", json={})
    assert response.status_code == 202, response.text
    assert response.json()["queues"] == ["big-register", "uzi-register"]
    assert ("uzi-register", "PJSIP/agent") in sim.members  # QueueAdd with the endpoint

    async def both_available():
        rows = await mine(agent)
        return len(rows) == 2 and all(r["state"] == "available" for r in rows.values())

    await eventually(both_available)
    # agent2 is accredited for BIG only: only that queue
    assert (await agent2.post("/api/phone/sign-in", json={})).json()["queues"] == ["big-register"]

    await agent.post("/api/phone/pause", json={"paused": True, "reason": "lunch"})

    async def paused():
        rows = await mine(agent)
        return all(r["state"] == "paused" and r["pause_reason"] == "lunch" for r in rows.values())

    await eventually(paused)
    assert sim.members[("big-register", "PJSIP/agent")].paused

    # a trafficer sees every agent; an agent only themself; wallboard for supervisors
    assert "agents" not in (await agent.get("/api/phone/state")).json()
    agents = (await trafficer.get("/api/phone/state")).json()["agents"]
    assert {(a["full_name"], a["queue"]) for a in agents} >= {
        ("Anna Agent", "uzi-register"),
        ("Bram Agent", "big-register"),
    }
    assert (await agent.get("/api/phone/wallboard")).status_code == 403
    board = {
        q["product_code"]: q for q in (await trafficer.get("/api/phone/wallboard")).json()["queues"]
    }

    async def board_figures():
        b = (await trafficer.get("/api/phone/wallboard")).json()["queues"]
        b = {q["product_code"]: q for q in b}
        return b["BIG"]["paused"] == 1 and b["BIG"]["available"] == 1 and b

    board = await eventually(board_figures)
    assert board["UZI"]["paused"] == 1 and board["UZI"]["available"] == 0
    written = (await trafficer.get("/api/phone/wallboard")).json()["written"]
    assert {w["product_code"] for w in written} == set(board)  # the trafficer's products
    assert all(w["open"] >= 0 and "first_response_pct" in w for w in written)

    await agent.post("/api/phone/pause", json={"paused": False})
    assert (await agent.post("/api/phone/sign-out")).json()["queues"] == [
        "big-register",
        "uzi-register",
    ]

    async def signed_out():
        rows = await mine(agent)
        return all(r["state"] == "signed_out" for r in rows.values())

    await eventually(signed_out)
    assert ("uzi-register", "PJSIP/agent") not in sim.members


async def test_screen_pop_reaches_only_the_answering_agent(phone_api):
    sim, db, clients = phone_api
    agent, agent2 = clients["agent"], clients["agent2"]
    earlier = await make_contact(db, "UZI", 7)
    async with session_scope(db) as s:
        customer = Customer(display_name="Jan Jansen")
        s.add(customer)
        await s.flush()
        s.add(CustomerPhone(customer_id=customer.id, number="+31655501234"))
        (await s.get(Contact, earlier.contact_id)).customer_id = customer.id
    await agent.post("/api/phone/sign-in", json={"product_ids": [earlier.product_id]})

    async with (
        SseClient(agent, "/phone/events") as anna,
        SseClient(agent2, "/phone/events") as bram,
    ):
        linkedid = sim.call_in("uzi-register", "0655501234", "Jan")

        async def ringing():
            return sim.calls.get(linkedid) and sim.calls[linkedid].state == "ringing"

        await eventually(ringing)
        assert sim.answer(linkedid)
        pops = await eventually(lambda: asyncio.sleep(0, anna.of("screenpop")))
        reference = pops[0]["reference"]
        await asyncio.sleep(0.3)
        assert bram.of("screenpop") == []  # another agent's screen pop is not sent to him

    pop = (await agent.get(f"/api/phone/calls/{reference}")).json()
    assert pop["customer"]["name"] == "Jan Jansen" and pop["caller_number"] == "+31655501234"
    assert [c["reference"] for c in pop["open_contacts"]] == [earlier.reference]
    assert (await agent2.get(f"/api/phone/calls/{reference}")).status_code == 404  # no UZI

    early = await agent.post(
        f"/api/phone/calls/{reference}/wrap-up", json={"reason_id": earlier.reason_id}
    )
    assert early.status_code == 409 and early.json()["code"] == "CallNotEnded"
    sim.hang_up(linkedid)

    async def ended():
        async with db() as s:
            call = (await s.exec(select(PhoneCall).where(PhoneCall.linkedid == linkedid))).one()
        return call.state == "ended"

    await eventually(ended)

    # A reason no longer in use may not close a call, as it may not close any contact.
    async with session_scope(db) as s:
        retired = ContactReason(
            product_id=earlier.product_id, code="retired", label_nl="Oud", label_en="Old"
        )
        retired.active = False
        s.add(retired)
        await s.flush()
        retired_id = retired.id
    stale = await agent.post(
        f"/api/phone/calls/{reference}/wrap-up", json={"reason_id": retired_id}
    )
    assert stale.status_code == 422

    async def wrapped():
        response = await agent.post(
            f"/api/phone/calls/{reference}/wrap-up",
            json={
                "reason_id": earlier.reason_id,
                "note": "Adres doorgegeven",
                "link_reference": earlier.reference,
            },
        )
        return response.status_code == 200 and response.json()

    assert (await eventually(wrapped))["status"] == "closed"
    async with db() as s:
        contact = (await s.exec(select(Contact).where(Contact.reference == reference))).one()
        notes = (await s.exec(select(Note).where(Note.contact_id == contact.id))).all()
        events = (
            await s.exec(select(ContactEvent).where(ContactEvent.contact_id == contact.id))
        ).all()
    assert [n.body for n in notes] == ["Adres doorgegeven"]
    wrapped_up = next(e for e in events if e.kind == "wrapped_up")
    assert wrapped_up.detail["linked_contact_id"] == earlier.contact_id
    assert contact.status == "closed" and contact.close_reason_id == earlier.reason_id


async def test_pages_and_the_dev_phone(phone_api):
    sim, db, clients = phone_api
    agent, trafficer = clients["agent"], clients["trafficer"]
    html = {"Accept": "text/html"}
    page = await agent.get("/phone", headers=html)
    assert page.status_code == 200 and 'id="screen-pop"' in page.text
    assert "Aanmelden" in page.text  # Dutch by default
    board = await trafficer.get("/phone/wallboard", headers=html)
    assert board.status_code == 200 and "big-register" in board.text
    assert 'id="wallboard-written"' in board.text  # the written channels beside the queues
    assert (await agent.get("/phone/wallboard", headers=html)).status_code == 403

    # the dev page: call in as a customer, pick up as the agent
    await agent.post("/api/phone/sign-in", json={})
    dev = await agent.get("/dev/phone", headers=html)
    assert dev.status_code == 200 and "uzi-register" in dev.text
    csrf = agent.headers["X-CSRF-Token"]
    form = {"queue": "uzi-register", "number": "0655501234", "name": "Jan", "csrf_token": csrf}
    called = await agent.post("/dev/phone/call", data=form, headers=html)
    assert called.status_code == 200, called.text
    linkedid = next(iter(sim.calls))

    async def ringing():
        return sim.calls[linkedid].state == "ringing"

    await eventually(ringing)
    form = {"linkedid": linkedid, "csrf_token": csrf}
    answered = await agent.post("/dev/phone/answer", data=form, headers=html)
    assert answered.status_code == 200 and sim.calls[linkedid].state == "connected"
    await agent.post("/dev/phone/hangup", data=form, headers=html)
    assert linkedid not in sim.calls
