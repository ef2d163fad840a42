"""TOPdesk incidents on the real stack: PostgreSQL, Temporal (the session's server)
with PULSE's worker, the API, an SMTP sink, and the TOPdesk fake over HTTP.

The round trip: an agent answers the customer (the contact waits), files an
incident (preselected from the product's defaults), an operator changes its
status, answers and closes it (the webhook tells PULSE), and the contact is back in
the agent's inbox with TOPdesk's answer on it. Then each failure mode: TOPdesk
down, 401, 429 and 5xx; the webhook's refusals; bad input to the form."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import pytest
import uvicorn
from sqlmodel import select

from contracts.contact import ContactInput, contact_workflow_id
from contracts.topdesk import IncidentResult, incident_workflow_id
from db.models.contacts import Contact, ContactEvent
from db.models.topdesk import TopdeskIncident
from devstack.mail_sandbox import SmtpSink
from devstack.topdesk_fake import running_fake
from runtime.worker import build_worker
from services.topdesk.defaults import forget_lookups
from tests.api_support import client_for, login, make_contact, running_app, seeded
from tests.conftest import free_port
from workflows.contact.workflow import ContactWorkflow

TOKEN = "test-webhook-token"
HOOK = {"Authorization": f"Bearer {TOKEN}"}


async def eventually(check, what: str, timeout: float = 30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await check()
        if found:
            return found
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


class Stack:
    def __init__(self, db, app, fake, client, cfg):
        self.db, self.app, self.fake, self.temporal, self.cfg = db, app, fake, client, cfg
        self.started: list[str] = []
        self.base_url = ""

    async def contact(self, number: int):
        sample = await make_contact(self.db, "BIG", number)
        handle = await self.temporal.start_workflow(
            ContactWorkflow.run,
            ContactInput(sample.contact_id, sample.reference, "BIG", "email"),
            id=contact_workflow_id(sample.reference),
            task_queue=self.cfg.temporal_task_queue,
        )
        self.started += [handle.id, incident_workflow_id(sample.contact_id, 1)]
        return sample

    async def row(self, contact_id: int) -> TopdeskIncident | None:
        async with self.db() as s:
            found = await s.exec(
                select(TopdeskIncident).where(TopdeskIncident.contact_id == contact_id)
            )
            return found.first()

    async def events(self, contact_id: int) -> list[ContactEvent]:
        async with self.db() as s:
            found = await s.exec(
                select(ContactEvent)
                .where(ContactEvent.contact_id == contact_id)
                .order_by(ContactEvent.id)
            )
            return list(found.all())

    async def contact_row(self, contact_id: int) -> Contact:
        async with self.db() as s:
            return await s.get(Contact, contact_id)


@pytest.fixture
async def stack(db, settings, temporal_env, tmp_path, request):
    """The stack. Indirect parameters: ``retry_unauthorized``, how long a refused login
    waits before the next try (1 s unless a test says otherwise); ``serve``, the app
    on a loopback port too, for a browser (``stack.base_url``)."""
    param = getattr(request, "param", {})
    retry_unauthorized = param.get("retry_unauthorized", 1)
    port = free_port()
    browser = {"demo_skip_totp": True, "cookie_secure": False}
    browser["public_url"] = f"http://127.0.0.1:{port}"
    forget_lookups()
    async with (
        SmtpSink(free_port(), tmp_path / "mail") as sink,
        running_fake(free_port()) as fake,
    ):
        cfg = settings.model_copy(
            update={
                "smtp_host": "127.0.0.1",
                "smtp_port": sink.port,
                "temporal_task_queue": f"topdesk-{uuid.uuid4()}",
                "topdesk_url": fake.base_url,
                "topdesk_login": fake.login,
                "topdesk_app_password": type(settings.topdesk_app_password)(fake.app_password),
                "topdesk_webhook_token": type(settings.topdesk_webhook_token)(TOKEN),
                "topdesk_poll_seconds": 3600,  # the webhook drives the polls here
                "topdesk_retry_unauthorized_seconds": retry_unauthorized,
                **(browser if param.get("serve") else {}),
            }
        )
        await seeded(db)
        client = temporal_env.client
        async with build_worker(client, cfg, db), running_app(cfg, db, client) as app:
            stack = Stack(db, app, fake, client, cfg)
            try:
                if param.get("serve"):
                    async with serving(app, port):
                        stack.base_url = browser["public_url"]
                        yield stack
                else:
                    yield stack
            finally:
                for workflow_id in stack.started:
                    with contextlib.suppress(Exception):
                        await client.get_workflow_handle(workflow_id).terminate()


@contextlib.asynccontextmanager
async def serving(app, port: int):
    """The app (its lifespan already running) on a loopback port."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    task = asyncio.create_task(server.serve())
    try:
        await eventually(lambda: _true(server.started or task.done()), "uvicorn")
        yield
    finally:
        server.should_exit = True
        await task


async def _true(value) -> bool:
    return bool(value)


@contextlib.asynccontextmanager
async def person(app, db, username: str):
    async with client_for(app) as http:
        csrf = await login(http, db, username)
        http.headers["X-CSRF-Token"] = csrf
        yield http


FORM = {
    "brief_description": "UZI-pas wordt niet gelezen",
    "request": "De kaartlezer ziet de pas niet.",
}


async def test_round_trip_create_status_answer_close_back_in_the_inbox(stack):
    sample = await stack.contact(41)
    cid, ref = sample.contact_id, sample.reference
    async with person(stack.app, stack.db, "admin") as admin:
        answer = await admin.post(
            f"/admin/topdesk/products/{sample.product_id}",
            data={
                "category_id": "cat-access",
                "subcategory_id": "sub-uzi-pass",
                "operator_group_id": "og-uzi",
            },
        )
        assert answer.status_code == 303
    async with person(stack.app, stack.db, "agent") as agent:
        assert (await agent.post(f"/contacts/{ref}/claim")).status_code == 303
        assert (
            await agent.post(f"/contacts/{ref}/reply", data={"text": "We vragen het na."})
        ).status_code == 303
        await eventually(lambda: _status(stack, cid, "waiting"), "the contact waiting")

        form = await agent.get(f"/contacts/{ref}/topdesk/new")
        assert form.status_code == 200
        assert '<option value="og-uzi" selected>' in form.text  # the product's default
        made = await agent.post(
            f"/contacts/{ref}/topdesk",
            data={
                **FORM,
                "category_id": "cat-access",
                "subcategory_id": "sub-uzi-pass",
                "operator_group_id": "og-uzi",
            },
        )
        assert made.status_code == 303 and made.headers["location"].endswith("done=topdesk")
        row = await eventually(lambda: _numbered(stack, cid), "the incident made")
        incident = stack.fake.incidents[row.topdesk_id]
        assert incident["externalNumber"] == ref
        assert (
            incident["caller"]["dynamicName"]
            and incident["caller"]["email"] == "burger41@example.test"
        )
        assert incident["operatorGroup"]["id"] == "og-uzi"
        page = await agent.get(f"/contacts/{ref}")
        assert row.number in page.text and "Registered" in page.text

        stack.fake.set_status(row.topdesk_id, "In progress")
        assert (
            await agent.post("/topdesk/webhook", json={"number": row.number}, headers=HOOK)
        ).status_code == 202
        await eventually(lambda: _event(stack, cid, "topdesk_status"), "the status recorded")
        stack.fake.operator_action(row.topdesk_id, "Niet zichtbaar voor de melder", invisible=True)
        stack.fake.operator_action(row.topdesk_id, "Uw UZI-pas is opnieuw aangemaakt.")
        stack.fake.complete(row.topdesk_id, closed=True)
        assert (
            await agent.post("/topdesk/webhook", json={"id": row.topdesk_id}, headers=HOOK)
        ).status_code == 202
        await eventually(lambda: _event(stack, cid, "topdesk_answered"), "the contact told")

        contact = await stack.contact_row(cid)
        assert contact.status == "open" and contact.assignee_id is not None  # the agent's again
        mine = await agent.get("/api/tasks?mine=true", headers={"Accept": "application/json"})
        assert ref in mine.text
        kinds = [e.kind for e in await stack.events(cid)]
        assert kinds.count("topdesk_action") == 1  # the invisible action is not the caller's
        page = await agent.get(f"/contacts/{ref}")
        assert "Uw UZI-pas is opnieuw aangemaakt." in page.text
        assert "Niet zichtbaar voor de melder" not in page.text
        assert "Closed" in page.text


async def test_down_and_5xx_are_retried_and_show_topdesk_pending(stack):
    sample = await stack.contact(42)
    stack.fake.down = True
    async with person(stack.app, stack.db, "agent") as agent:
        assert (
            await agent.post(f"/contacts/{sample.reference}/topdesk", data=FORM)
        ).status_code == 303
        await eventually(
            lambda: _problem(stack, sample.contact_id, "unavailable"), "the outage noted"
        )
        page = await agent.get(f"/contacts/{sample.reference}")
        assert "TOPdesk in afwachting" in page.text  # "TOPdesk pending"
        stack.fake.fail_next(1, 502)  # and a 5xx after it
        stack.fake.down = False
        row = await eventually(lambda: _numbered(stack, sample.contact_id), "the incident made")
        assert row.problem == ""
        assert len(stack.fake.incidents) == 1  # made once, for all the tries
        statuses = [c for c in stack.fake.calls if c.startswith("GET /tas/api/incidents")]
        assert statuses  # found by externalNumber before it was made


async def test_429_then_refused_login_noted_and_the_request_made_later(stack):
    sample = await stack.contact(43)
    stack.fake.fail_next(1, 429)  # retried by the activity's policy
    stack.fake.fail_next(1, 401)  # noted; the workflow waits and tries again
    async with person(stack.app, stack.db, "agent") as agent:
        assert (
            await agent.post(f"/contacts/{sample.reference}/topdesk", data=FORM)
        ).status_code == 303
    # the workflow waits (1 s here) and tries again: the next try is let through, so
    # look for the notice in the history, where it stays
    await eventually(lambda: _event(stack, sample.contact_id, "topdesk_unauthorized"), "the notice")
    row = await eventually(lambda: _numbered(stack, sample.contact_id), "made after the 401")
    assert row.problem == ""
    assert len(stack.fake.incidents) == 1


@pytest.mark.parametrize("stack", [{"retry_unauthorized": 3600}], indirect=True)
async def test_admin_page_shows_a_refused_login_and_retries_at_once(stack):
    sample = await stack.contact(44)
    stack.fake.login = "someone-else"  # the application password no longer fits
    async with person(stack.app, stack.db, "agent") as agent:
        assert (
            await agent.post(f"/contacts/{sample.reference}/topdesk", data=FORM)
        ).status_code == 303
        await eventually(
            lambda: _problem(stack, sample.contact_id, "unauthorized"), "the 401 noted"
        )
        page = await agent.get(f"/contacts/{sample.reference}")
        assert "TOPdesk weigert de aanmelding" in page.text
    async with person(stack.app, stack.db, "admin") as admin:
        page = await admin.get("/admin/topdesk")
        assert page.status_code == 200 and "topdesk-login-refused" in page.text
        assert sample.reference in page.text
        stack.fake.login = stack.cfg.topdesk_login  # fixed; the next try is an hour away
        assert (await admin.post("/admin/topdesk/retry")).status_code == 303
    await eventually(lambda: _numbered(stack, sample.contact_id), "made at the admin's retry")


async def test_bad_input_to_webhook_and_form_and_a_request_topdesk_refuses(stack):
    sample = await stack.contact(45)
    ref = sample.reference
    async with person(stack.app, stack.db, "agent") as agent:
        hook = "/topdesk/webhook"
        assert (await agent.post(hook, json={"number": "I 1"})).status_code == 401
        assert (
            await agent.post(hook, json={"number": "I 1"}, headers={"Authorization": "Bearer x"})
        ).status_code == 401
        assert (await agent.post(hook, json={"number": "I 404"}, headers=HOOK)).status_code == 404
        assert (await agent.post(hook, json={}, headers=HOOK)).status_code == 422
        assert (await agent.post(hook, content=b"not json", headers=HOOK)).status_code == 422
        too_long = {**FORM, "brief_description": "x" * 81}
        assert (await agent.post(f"/contacts/{ref}/topdesk", data=too_long)).status_code == 422
        blank = {**FORM, "brief_description": "   "}
        answer = await agent.post(f"/contacts/{ref}/topdesk", data=blank)
        assert answer.status_code == 400 and FORM["request"] in answer.text  # nothing lost
        assert (
            await agent.post(f"/contacts/{ref}/topdesk", data={"request": "x"})
        ).status_code == 400  # missing: the form again
        wrong = {**FORM, "category_id": "c" * 101}
        assert (await agent.post(f"/contacts/{ref}/topdesk", data=wrong)).status_code == 422
        assert (await agent.post("/contacts/KCC-1999-999999/topdesk", data=FORM)).status_code == 404
    assert await stack.row(sample.contact_id) is None

    # a request TOPdesk refuses as such is shown on the contact, and not retried
    mismatch = {**FORM, "category_id": "cat-hardware", "subcategory_id": "sub-uzi-pass"}
    async with person(stack.app, stack.db, "agent") as agent:
        made = await agent.post(f"/contacts/{sample.reference}/topdesk", data=mismatch)
        assert made.status_code == 303
        handle = stack.temporal.get_workflow_handle(
            incident_workflow_id(sample.contact_id, 1), result_type=IncidentResult
        )
        result = await handle.result()  # the workflow ends: retrying changes nothing
        assert result.done is False and result.number == ""
        assert (await stack.row(sample.contact_id)).problem == "rejected"
        page = await agent.get(f"/contacts/{sample.reference}")
        assert "TOPdesk weigerde deze melding." in page.text
    assert stack.fake.incidents == {}
    assert [c for c in stack.fake.calls if c == "POST /tas/api/incidents"] == [
        "POST /tas/api/incidents"
    ]


async def _status(stack: Stack, contact_id: int, status: str) -> bool:
    return (await stack.contact_row(contact_id)).status == status


async def _numbered(stack: Stack, contact_id: int) -> TopdeskIncident | None:
    row = await stack.row(contact_id)
    return row if row is not None and row.number else None


async def _problem(stack: Stack, contact_id: int, kind: str) -> bool:
    row = await stack.row(contact_id)
    return row is not None and row.problem == kind


async def _event(stack: Stack, contact_id: int, kind: str) -> bool:
    return kind in [e.kind for e in await stack.events(contact_id)]
