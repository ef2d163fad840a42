"""The email contact end to end below the UI: intake -> workflow -> decisions -> SMTP,
on the time-skipping Temporal server, real PostgreSQL and a real SMTP server."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import func
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import SearchAttributeKey
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from adapters.temporal.setup import ensure_search_attributes
from channels.email.intake import MailIntake
from contracts.contact import (
    SA_CHANNEL,
    SA_PRODUCT,
    SA_STATUS,
    ClaimRequest,
    CloseRequest,
    ContactState,
    DecisionResult,
    ReleaseRequest,
    ReplyRequest,
    contact_workflow_id,
)
from db.models.contacts import (
    Contact,
    ContactEvent,
    ContactReason,
    Direction,
    Message,
    SendStatus,
    Task,
    User,
)
from devstack.binaries import temporal_test_server
from devstack.demo.seed import seed_demo
from devstack.mail_sandbox import SmtpSink
from runtime.worker import build_worker
from workflows.contact.workflow import ContactWorkflow


def customer_mail(subject="Vraag over mijn registratie", sender="jan@example.nl", **headers):
    msg = EmailMessage()
    msg["From"] = f"Jan Jansen <{sender}>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Goedemiddag,\n\nWanneer wordt mijn registratie verwerkt?\n\nJan")
    return msg


async def eventually(check, timeout=20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@pytest.fixture
async def smtp_sink(tmp_path):
    from tests.conftest import free_port

    async with SmtpSink(free_port(), tmp_path / "mail") as sink:
        yield sink


def sent(sink: SmtpSink, index: int) -> EmailMessage:
    return message_from_bytes(sink.messages[index].raw, policy=policy.default)


async def _stack(db, settings, env, smtp_sink):
    await seed_demo(db)
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port, "smtp_host": "127.0.0.1"})
    worker: Worker = build_worker(env.client, cfg, db)
    async with worker:
        yield MailIntake(db, env.client, cfg), db, env


@pytest.fixture
async def stack(db, settings, temporal_env, smtp_sink):
    async for parts in _stack(db, settings, temporal_env, smtp_sink):
        yield parts


@pytest.fixture
async def own_clock_stack(db, settings, smtp_sink):
    """A time-skipping server of its own: skipping 15 days must not wait on work that
    other tests left on the shared server (it can only skip when nothing is pending)."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server()
    )
    try:
        await ensure_search_attributes(env.client, "default")
        async for parts in _stack(db, settings, env, smtp_sink):
            yield parts
    finally:
        await env.shutdown()


async def user_id(db, username):
    async with db() as s:
        return (await s.exec(select(User.id).where(User.username == username))).one()


async def contact_of(db, message_id):
    async with db() as s:
        msg = await s.get(Message, message_id)
        return await s.get(Contact, msg.contact_id)


async def test_email_contact_lifecycle(own_clock_stack, smtp_sink):
    intake, db, env = own_clock_stack
    first = customer_mail()
    await intake.handle(first.as_bytes(), "big", 1, 1)

    async with db() as s:
        contact = (await s.exec(select(Contact))).one()
    assert contact.reference.startswith("KCC-")
    handle = env.client.get_workflow_handle(contact_workflow_id(contact.reference))

    # the customer gets exactly one acknowledgement quoting the reference
    await smtp_sink.wait_for(1, timeout=20)
    ack = sent(smtp_sink, 0)
    assert contact.reference in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"].strip("<>") == first["Message-ID"].strip("<>")

    async def task_is(status):
        async with db() as s:
            task = (await s.exec(select(Task).where(Task.contact_id == contact.id))).first()
            return task is not None and task.status == status

    await eventually(lambda: task_is("open"))

    # claim: the first agent wins, the second gets a clear refusal
    anna, bram = await user_id(db, "agent"), await user_id(db, "agent2")
    result = await handle.execute_update("claim", ClaimRequest(anna), result_type=DecisionResult)
    assert result.assignee_id == anna and result.status == "open"
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("claim", ClaimRequest(bram), result_type=DecisionResult)
    assert "already claimed" in str(refused.value.cause).lower()
    assert await task_is("claimed")
    # ops find it in Temporal Web by product, channel and status
    attrs = (await handle.describe()).typed_search_attributes
    assert attrs.get(SearchAttributeKey.for_keyword(SA_PRODUCT)) == "BIG"
    assert attrs.get(SearchAttributeKey.for_keyword(SA_CHANNEL)) == "email"
    assert attrs.get(SearchAttributeKey.for_keyword(SA_STATUS)) == "open"

    # reply: stored as a draft by the API, sent by the workflow
    async with db() as s, s.begin():
        reply = Message(
            contact_id=contact.id,
            direction=Direction.outbound,
            send_status=SendStatus.draft,
            subject="Re: Vraag over mijn registratie",
            text_body="Beste Jan, binnen 2 weken.",
            to_addresses="jan@example.nl",
            author_id=anna,
        )
        s.add(reply)
    result = await handle.execute_update(
        "reply", ReplyRequest(anna, reply.id), result_type=DecisionResult
    )
    assert result.status == "waiting"
    await smtp_sink.wait_for(2, timeout=20)
    reply_mail = sent(smtp_sink, 1)
    assert reply_mail["In-Reply-To"].strip("<>") == first["Message-ID"].strip("<>")
    assert contact.reference in reply_mail["Subject"]
    assert "Klantcontactcentrum" in reply_mail.get_content()  # the product's signature

    async def reply_sent():
        async with db() as s:
            return (await s.get(Message, reply.id)).send_status == SendStatus.sent

    await eventually(reply_sent)

    # the customer answers our reply: it threads onto the same contact
    async with db() as s:
        our_id = (await s.get(Message, reply.id)).message_id_header
    answer = customer_mail(subject="Re: " + reply_mail["Subject"], In_Reply_To=f"<{our_id}>")
    await intake.handle(answer.as_bytes(), "big", 1, 2)
    async with db() as s:
        assert (await s.exec(select(func.count()).select_from(Contact))).one() == 1
    state = await handle.query("state", result_type=ContactState)
    assert state.status in ("open", "waiting")
    await eventually(lambda: task_is("claimed"))
    state = await handle.query("state", result_type=ContactState)
    assert state.status == "open" and state.assignee_id == anna

    # only the holder may close; close with a reason
    async with db() as s:
        reason = (
            await s.exec(
                select(ContactReason).where(ContactReason.product_id == contact.product_id)
            )
        ).first()
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("close", CloseRequest(bram, reason.id))
    await handle.execute_update("close", CloseRequest(anna, reason.id), result_type=DecisionResult)
    await eventually(lambda: task_is("done"))
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("claim", ClaimRequest(bram), result_type=DecisionResult)

    # a reply within the reopen window reopens the contact into the queue
    again = customer_mail(subject=f"Nog een vraag [{contact.reference}]")
    await intake.handle(again.as_bytes(), "big", 1, 3)
    await eventually(lambda: task_is("open"))
    assert (await contact_of(db, 1)).id == contact.id
    await handle.execute_update("claim", ClaimRequest(bram), result_type=DecisionResult)
    await handle.execute_update("close", CloseRequest(bram, reason.id), result_type=DecisionResult)

    # after the window the workflow ends; a later reply becomes a new contact
    await env.sleep(timedelta(days=15))
    done = env.client.get_workflow_handle_for(ContactWorkflow.run, handle.id)
    assert (await done.result()).status == "closed"
    late = customer_mail(subject=f"Weer een vraag [{contact.reference}]")
    await intake.handle(late.as_bytes(), "big", 1, 4)
    async with db() as s:
        contacts = (await s.exec(select(Contact).order_by(Contact.id))).all()
        assert len(contacts) == 2
        assert contacts[1].customer_id == contacts[0].customer_id
        history = (
            await s.exec(
                select(ContactEvent.kind)
                .where(ContactEvent.contact_id == contact.id)
                .order_by(ContactEvent.id)
            )
        ).all()
    steps = [k for k in history if not k.startswith("message_")]
    assert steps == [
        "received",
        "claimed",
        "replied",
        "customer_replied",
        "closed",
        "reopened",
        "claimed",
        "closed",
    ]
    assert history.count("message_sent") == 2  # the acknowledgement and the reply


async def test_duplicate_delivery_is_one_contact(stack, smtp_sink):
    intake, db, env = stack
    raw = customer_mail().as_bytes()
    await intake.handle(raw, "big", 7, 10)
    await intake.handle(raw, "big", 7, 10)  # the same UID again, e.g. after a crash
    await intake.handle(raw, "big", 7, 11)  # the same Message-ID under a new UID
    async with db() as s:
        assert (await s.exec(select(func.count()).select_from(Contact))).one() == 1
        assert (
            await s.exec(
                select(func.count())
                .select_from(Message)
                .where(Message.direction == Direction.inbound)
            )
        ).one() == 1
    await smtp_sink.wait_for(1, timeout=20)
    await asyncio.sleep(0.5)
    assert len(smtp_sink.messages) == 1


async def test_no_ack_to_auto_replies_and_rate_limit(stack, smtp_sink):
    intake, db, env = stack
    auto = customer_mail(sender="robot@example.nl", Auto_Submitted="auto-replied")
    await intake.handle(auto.as_bytes(), "big", 1, 1)
    bulk = customer_mail(sender="list@example.nl", Precedence="bulk")
    await intake.handle(bulk.as_bytes(), "big", 1, 2)
    for uid in range(3, 9):  # one sender, six new contacts: acks stop at the limit
        await intake.handle(customer_mail(subject=f"vraag {uid}").as_bytes(), "big", 1, uid)

    async def contacts_opened():
        async with db() as s:
            n = (await s.exec(select(func.count()).select_from(Task))).one()
            return n == 8

    await eventually(contacts_opened)
    await asyncio.sleep(1.0)
    recipients = [sent(smtp_sink, i)["To"] for i in range(len(smtp_sink.messages))]
    assert all("robot@" not in r and "list@" not in r for r in recipients)
    assert len(recipients) == 3  # settings.ack_rate_limit_per_hour


async def test_release_returns_contact_to_queue(stack, smtp_sink):
    intake, db, env = stack
    await intake.handle(customer_mail().as_bytes(), "big", 1, 1)
    async with db() as s:
        contact = (await s.exec(select(Contact))).one()
    handle = env.client.get_workflow_handle(contact_workflow_id(contact.reference))
    anna, bram = await user_id(db, "agent"), await user_id(db, "agent2")
    await eventually(lambda: handle.query("state", result_type=ContactState))
    await handle.execute_update("claim", ClaimRequest(anna), result_type=DecisionResult)
    with pytest.raises(WorkflowUpdateFailedError):
        await handle.execute_update("release", ReleaseRequest(bram), result_type=DecisionResult)
    released = await handle.execute_update(
        "release", ReleaseRequest(anna), result_type=DecisionResult
    )
    assert released.status == "new" and released.assignee_id is None
    taken = await handle.execute_update("claim", ClaimRequest(bram), result_type=DecisionResult)
    assert taken.assignee_id == bram
