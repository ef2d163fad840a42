"""The contact API: reading, downloads, notes, replies, and decisions via Temporal
(against a stand-in workflow until the real ContactWorkflow is in)."""

from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest_asyncio
from sqlalchemy import event, text, update
from sqlmodel import select
from temporalio import workflow
from temporalio.exceptions import ApplicationError
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from contracts.contact import ClaimRequest, DecisionResult, ReplyRequest, contact_workflow_id
from db.models.contacts import (
    AuditEvent,
    Blob,
    Contact,
    ContactEvent,
    ContactReason,
    Message,
    Note,
    Task,
    TaskStatus,
    utcnow,
)
from tests.api_support import (
    JSON,
    client_for,
    login,
    make_contact,
    running_app,
    seeded,
    user_id,
)


@workflow.defn(name="ContactWorkflow")
class StandInContactWorkflow:
    """Just enough of the contract: claim (refused when held by another), reply."""

    def __init__(self) -> None:
        self.assignee: int | None = None
        self.replies: list[int] = []

    @workflow.run
    async def run(self, contact_id: int) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    def claim(self, request: ClaimRequest) -> DecisionResult:
        self.assignee = request.user_id
        return DecisionResult(status="open", assignee_id=self.assignee)

    @claim.validator
    def check_claim(self, request: ClaimRequest) -> None:
        if self.assignee not in (None, request.user_id):  # as workflows.contact.workflow refuses
            raise ApplicationError(
                "Another agent has already claimed this contact.", type="AlreadyClaimed"
            )

    @workflow.update
    def reply(self, request: ReplyRequest) -> DecisionResult:
        self.replies.append(request.message_id)
        return DecisionResult(status="waiting", assignee_id=self.assignee)


@pytest_asyncio.fixture
async def world(db, settings, temporal_env):
    await seeded(db)
    big = await make_contact(db, "BIG", 1, unreadable=True)
    queue = f"api-test-{uuid.uuid4()}"
    client = temporal_env.client
    async with Worker(
        client,
        task_queue=queue,
        workflows=[StandInContactWorkflow],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        handle = await client.start_workflow(
            "ContactWorkflow",
            big.contact_id,
            id=contact_workflow_id(big.reference),
            task_queue=queue,
        )
        try:
            async with running_app(settings, db, client, attachment_max_bytes=1024) as app:
                yield app, db, big
        finally:
            await handle.terminate()  # the workflow id is reused by the next test


@asynccontextmanager
async def logged_in(app, db, username):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers.update({"X-CSRF-Token": csrf, **JSON})
        yield client


async def test_close_reasons_come_as_a_tree(world):
    """The close list shows each reason followed by the ones under it, indented."""
    app, db, big = world
    async with db() as session:
        parent = (
            await session.exec(
                select(ContactReason).where(
                    ContactReason.product_id == big.product_id, ContactReason.code == "klacht"
                )
            )
        ).one()
        session.add(
            ContactReason(
                product_id=big.product_id,
                code="klacht_termijn",
                label_nl="Aaa termijn",
                label_en="Aaa term",
                parent_id=parent.id,
            )
        )
        await session.commit()
    async with logged_in(app, db, "agent") as client:
        reasons = (await client.get(f"/api/contacts/{big.reference}")).json()["reasons"]
    codes = [r["code"] for r in reasons]
    child = codes.index("klacht_termijn")
    assert codes[child - 1] == "klacht" and reasons[child]["depth"] == 1
    assert reasons[child]["parent_id"] == parent.id
    assert all(r["depth"] == 0 for r in reasons if r["code"] != "klacht_termijn")


async def test_contact_detail_and_read_is_audited(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as client:
        body = (await client.get(f"/api/contacts/{big.reference}")).json()
    assert body["contact"]["reference"] == big.reference and body["contact"]["unreadable"]
    message = body["messages"][0]
    assert message["raw_url"].endswith(f"/messages/{big.message_id}/raw")
    assert message["attachments"][0]["filename"] == "brief.pdf"
    assert {r["code"] for r in body["reasons"]} >= {"informatie", "klacht"}
    async with db() as session:
        reads = (
            await session.exec(select(AuditEvent).where(AuditEvent.action == "contact.read"))
        ).all()
    assert reads and reads[0].object_id == big.reference and reads[0].origin


async def test_raw_and_attachment_downloads(world):
    app, db, big = world
    async with logged_in(app, db, "agent2") as client:
        raw = await client.get(f"/api/contacts/{big.reference}/messages/{big.message_id}/raw")
        assert raw.status_code == 200 and raw.content.startswith(b"From: burger1@")
        assert raw.headers["content-disposition"].startswith("attachment;")
        file = await client.get(f"/api/contacts/{big.reference}/attachments/{big.attachment_id}")
        assert file.content == b"bijlage 1" and "sandbox" in file.headers["content-security-policy"]


async def test_note_is_stored_with_history_and_audit(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as client:
        created = await client.post(f"/api/contacts/{big.reference}/notes", json={"body": "Gebeld"})
        assert created.status_code == 201
        empty = await client.post(f"/api/contacts/{big.reference}/notes", json={"body": " "})
        assert empty.status_code == 422
    async with db() as session:
        assert (await session.exec(select(Note.body))).all() == ["Gebeld"]
        assert (await session.exec(select(ContactEvent.kind))).all() == ["note"]
        actions = (await session.exec(select(AuditEvent.action))).all()
    assert "contact.note" in actions


async def test_claim_goes_to_the_workflow_and_refusal_is_409(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as first, logged_in(app, db, "agent2") as second:
        ok = await first.post(f"/api/contacts/{big.reference}/claim")
        assert ok.status_code == 200, ok.text
        assert ok.json()["assignee_id"] == await user_id(db, "agent")
        refused = await second.post(f"/api/contacts/{big.reference}/claim")
        assert refused.status_code == 409
        assert "already claimed" in refused.json()["detail"]  # the API stays English
        posted = await second.post(
            f"/contacts/{big.reference}/claim", headers={"Accept": "text/html"}
        )
        # post/redirect/get: a reload shows the refusal again without posting again
        assert posted.status_code == 303
        assert posted.headers["location"] == f"/contacts/{big.reference}?refused=AlreadyClaimed"
        page = await second.get(posted.headers["location"], headers={"Accept": "text/html"})
        # the page speaks the agent's language (Dutch), by the refusal's type
        assert "Niet gelukt: Een collega heeft dit contact al opgepakt." in page.text
        assert "already claimed" not in page.text
    async with db() as session:
        results = (
            await session.exec(
                select(AuditEvent.result).where(AuditEvent.action == "contact.claim")
            )
        ).all()
    assert sorted(results) == ["ok", "refused", "refused"]


async def test_reply_stores_draft_with_attachments_once(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as client:
        files = [
            ("files", ("a.txt", b"same", "text/plain")),
            ("files", ("b.txt", b"same", "text/plain")),
        ]
        response = await client.post(
            f"/api/contacts/{big.reference}/reply", data={"text": "Beste klant"}, files=files
        )
        assert response.status_code == 200, response.text
        message_id = response.json()["message_id"]
    async with db() as session:
        message = await session.get(Message, message_id)
        blobs = (await session.exec(select(Blob.sha256).where(Blob.size == 4))).all()
    assert message.direction == "out" and message.send_status == "draft"
    assert message.to_addresses == "burger1@example.test" and message.subject == "Re: Vraag 1"
    assert len(blobs) == 1


async def test_reply_subject_and_thread_are_worked_out_once(world):
    """The draft keeps a foreign reply prefix ("AW: x" stays "AW: x") and stores the
    In-Reply-To and References that the send uses as they are."""
    app, db, big = world
    async with db() as session:
        await session.execute(
            update(Message)
            .where(Message.id == big.message_id)
            .values(message_id_header="q1@example.test", references="root@example.test")
        )
        await session.execute(
            update(Contact).where(Contact.id == big.contact_id).values(subject="AW: Vraag 1")
        )
        await session.commit()
    async with logged_in(app, db, "agent") as client:
        response = await client.post(
            f"/api/contacts/{big.reference}/reply", data={"text": "Beste klant"}
        )
        assert response.status_code == 200, response.text
    async with db() as session:
        draft = await session.get(Message, response.json()["message_id"])
    assert draft.subject == "AW: Vraag 1"
    assert draft.in_reply_to == "q1@example.test" and draft.in_reply_to_id == big.message_id
    assert draft.references == "root@example.test q1@example.test"


async def test_reply_without_a_known_address_is_422(world):
    app, db, big = world
    async with db() as session:
        await session.execute(
            update(Message).where(Message.id == big.message_id).values(from_address=None)
        )
        await session.commit()
    async with logged_in(app, db, "agent") as client:
        response = await client.post(f"/api/contacts/{big.reference}/reply", data={"text": "Hoi"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["msg"].startswith("No e-mail address of the customer")


async def test_reply_attachment_over_the_limit_is_413(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as client:
        response = await client.post(
            f"/api/contacts/{big.reference}/reply",
            data={"text": "Hier"},
            files=[("files", ("big.bin", b"x" * 2048, "application/octet-stream"))],
        )
    assert response.status_code == 413 and "big.bin" in response.json()["detail"]
    async with db() as session:
        assert (await session.exec(select(Message).where(Message.direction == "out"))).all() == []


async def test_contact_page_renders_thread_safely(world):
    app, db, big = world
    async with logged_in(app, db, "agent") as client:
        page = await client.get(f"/contacts/{big.reference}", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert '<iframe sandbox srcdoc="&lt;p&gt;Hallo&lt;/p&gt;"' in page.text
    assert "niet worden gelezen" in page.text  # the unreadable flag
    assert 'id="claim-button"' in page.text and "<script>" not in page.text


async def test_inbox_sorted_filtered_and_within_three_queries(world, engine):
    app, db, big = world
    for n in range(2, 8):
        await make_contact(db, "BIG" if n % 2 else "UZI", n, due_in_hours=100 - n)
    agent = await user_id(db, "agent")
    async with db() as session:
        await session.execute(
            update(Task)
            .where(Task.reference == "KCC-1999-000003")
            .values(assignee_id=agent, status=TaskStatus.claimed)
        )
        await session.execute(
            update(Task)
            .where(Task.reference == "KCC-1999-000005")
            .values(created_at=utcnow() - timedelta(days=4))
        )
        await session.commit()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    async with logged_in(app, db, "agent") as client:
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            items = (await client.get("/api/tasks")).json()["items"]
            api_queries = len(statements)
            statements.clear()
            page = await client.get("/", headers={"Accept": "text/html"})
            page_queries = len(statements)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
        dues = [i["due_at"] for i in items]
        assert dues == sorted(dues) and len(items) == 7
        assert api_queries <= 3 and page_queries <= 3, (api_queries, page_queries)
        assert page.status_code == 200 and "KCC-1999-000007" in page.text
        mine = (await client.get("/api/tasks?mine=true")).json()["items"]
        assert [i["reference"] for i in mine] == ["KCC-1999-000003"]
        old = (await client.get("/api/tasks?age=3d")).json()["items"]
        assert [i["reference"] for i in old] == ["KCC-1999-000005"]
        claimed = (await client.get("/api/tasks?status=claimed")).json()["items"]
        assert [i["assignee_name"] for i in claimed] == ["Anna Agent"]


async def test_inbox_uses_the_inbox_index(world):
    app, db, _ = world
    async with db() as session:
        await session.execute(text("SET enable_seqscan = off"))
        from api.routes.contacts.inbox import InboxFilter, _rows_statement
        from services.access import Viewer

        viewer = Viewer(1, "a", "A", "agent", "nl", False, (1, 2), "x", True)
        statement = _rows_statement(viewer, InboxFilter())
        compiled = statement.compile(compile_kwargs={"literal_binds": True})
        plan = (await session.execute(text(f"EXPLAIN {compiled}"))).scalars().all()
    assert any("ix_tasks_inbox" in line for line in plan), plan
