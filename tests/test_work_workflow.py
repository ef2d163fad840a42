"""The work area in the contact workflow, on time-skipping Temporal servers of their
own (long skips), real PostgreSQL and a real SMTP server: SLAs on working hours
over a weekend and Koningsdag, the Awb complaint term with its extension, waiting
reminders and automatic closure, escalation across the lines, and a reassign that
races a pending decision."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from temporalio.client import WorkflowUpdateFailedError, WorkflowUpdateStage
from temporalio.testing import WorkflowEnvironment

from activities.work import dutch_holidays
from adapters.temporal.setup import ensure_search_attributes
from contracts.contact import (
    AssignRequest,
    ClaimRequest,
    ContactState,
    DecisionResult,
    ReplyRequest,
    contact_workflow_id,
)
from contracts.work import (
    AnswerRequest,
    ComplaintRequest,
    EscalateRequest,
    ExtendComplaintRequest,
    WorkState,
)
from db.models.contacts import Contact, ContactEvent, Task
from devstack.binaries import temporal_test_server
from rules.sla import WorkCalendar, add_working_days
from tests.test_contact_workflow import (  # noqa: F401  (smtp_sink is a fixture)
    _stack,
    customer_mail,
    eventually,
    sent,
    smtp_sink,
    user_id,
)


@pytest.fixture
async def clock_stack(db, settings, smtp_sink):  # noqa: F811
    """A time-skipping server of its own: these tests skip weeks."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server()
    )
    try:
        await ensure_search_attributes(env.client, "default")
        async for parts in _stack(db, settings, env, smtp_sink):
            yield parts
    finally:
        await env.shutdown()


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    now = await env.get_current_time()
    assert moment > now, f"{moment} is not after {now}"
    await env.sleep(moment - now)


async def new_contact(intake, db, env, uid: int, mailbox: str = "big", **mail):
    await intake.handle(customer_mail(**mail).as_bytes(), mailbox, 1, uid)
    async with db() as s:
        contact = (await s.exec(select(Contact).order_by(Contact.id.desc()))).first()
    handle = env.client.get_workflow_handle(contact_workflow_id(contact.reference))
    await eventually(lambda: handle.query("work_state", result_type=WorkState))
    return contact, handle


async def task_of(db, contact_id: int) -> Task | None:
    async with db() as s:
        return (await s.exec(select(Task).where(Task.contact_id == contact_id))).first()


async def events_of(db, contact_id: int) -> list[ContactEvent]:
    async with db() as s:
        rows = await s.exec(
            select(ContactEvent)
            .where(ContactEvent.contact_id == contact_id)
            .order_by(ContactEvent.id)
        )
        return list(rows.all())


async def kinds(db, contact_id: int) -> list[str]:
    return [e.kind for e in await events_of(db, contact_id) if not e.kind.startswith("message_")]


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_sla_runs_over_weekend_and_koningsdag(clock_stack):
    intake, db, env = clock_stack
    # Friday 23 April 2027, 16:00 in Amsterdam (CEST, UTC+2)
    await skip_to(env, utc(2027, 4, 23, 14, 0))
    contact, handle = await new_contact(intake, db, env, 1)

    # BIG's first-response target is 16 working hours (08:30-17:00): Friday 1 h,
    # Monday 8.5 h, Tuesday is Koningsdag, Wednesday 6.5 h -> Wednesday 15:00 CEST.
    due = utc(2027, 4, 28, 13, 0)

    async def due_written():
        task = await task_of(db, contact.id)
        # (the contact arrived a fraction of a second after the skip)
        return task is not None and abs(task.due_at - due) < timedelta(seconds=5)

    await eventually(due_written)

    # In calendar hours it would have breached on Saturday; in working hours not yet.
    await skip_to(env, utc(2027, 4, 27, 20, 0))
    await asyncio.sleep(0.5)
    assert "sla_warning" not in await kinds(db, contact.id)
    assert (await task_of(db, contact.id)).sla_state == ""

    # The warning comes at 80 % (12.8 working hours: Wednesday 11:48 CEST)...
    await skip_to(env, utc(2027, 4, 28, 10, 0))
    await eventually(lambda: _has_event(db, contact.id, "sla_warning"))
    assert (await task_of(db, contact.id)).sla_state == "warning"

    # ...the breach at the target: flagged and moved up.
    await skip_to(env, utc(2027, 4, 28, 13, 1))
    await eventually(lambda: _has_event(db, contact.id, "sla_breached"))
    task = await task_of(db, contact.id)
    assert task.sla_state == "breached" and task.priority == 1
    state = await handle.query("work_state", result_type=WorkState)
    assert state.clocks["first_response"]["breached"]
    assert not state.clocks["resolution"]["breached"]
    breach = [e for e in await events_of(db, contact.id) if e.kind == "sla_breached"]
    assert breach[0].detail["clock"] == "first_response"


async def _has_event(db, contact_id: int, kind: str) -> bool:
    return kind in await kinds(db, contact_id)


async def test_waiting_clock_pauses_reminds_and_closes(clock_stack, smtp_sink):  # noqa: F811
    intake, db, env = clock_stack
    # Monday 4 January 2027, 10:00 CET
    await skip_to(env, utc(2027, 1, 4, 9, 0))
    contact, handle = await new_contact(intake, db, env, 1)
    await smtp_sink.wait_for(1, timeout=20)  # the acknowledgement
    anna = await user_id(db, "agent")
    await handle.execute_update("claim", ClaimRequest(anna), result_type=DecisionResult)
    reply = await _draft(db, contact.id, anna)
    await handle.execute_update("reply", ReplyRequest(anna, reply), result_type=DecisionResult)
    await smtp_sink.wait_for(2, timeout=20)
    replied_at = await env.get_current_time()

    # While waiting, the clocks stand still and the task says so.
    async def paused():
        task = await task_of(db, contact.id)
        return task.sla_state == "paused" and task.due_at is None

    await eventually(paused)
    cal = WorkCalendar(holidays=dutch_holidays([2027], []))
    remind_at = add_working_days(replied_at, 5, cal)
    close_at = add_working_days(replied_at, 10, cal)

    # After 5 working days a reminder goes out; the contact stays open for an answer.
    await skip_to(env, remind_at + timedelta(hours=1))
    await smtp_sink.wait_for(3, timeout=20)
    assert "Herinnering" in sent(smtp_sink, 2)["Subject"]
    assert contact.reference in sent(smtp_sink, 2)["Subject"]
    assert (await handle.query("state", result_type=ContactState)).status == "waiting"

    # The customer answers: the automatic closure is undone, the clocks run again.
    await intake.handle(
        customer_mail(subject=f"Re: vraag [{contact.reference}]").as_bytes(), "big", 1, 2
    )
    await eventually(lambda: _status_is(handle, "open"))
    await skip_to(env, close_at + timedelta(hours=1))
    assert (await handle.query("state", result_type=ContactState)).status == "open"
    assert "auto_closed" not in await kinds(db, contact.id)

    # Waiting again, without an answer: closed after 10 working days.
    second = await _draft(db, contact.id, anna)
    await handle.execute_update("reply", ReplyRequest(anna, second), result_type=DecisionResult)
    await eventually(lambda: _status_is(handle, "waiting"))
    waiting_since = await env.get_current_time()
    await skip_to(env, add_working_days(waiting_since, 10, cal) + timedelta(hours=1))
    await eventually(lambda: _status_is(handle, "closed"))
    steps = await kinds(db, contact.id)
    assert steps.count("letter_waiting_reminder") == 2
    assert steps[-1] == "auto_closed"
    assert (await task_of(db, contact.id)).status == "done"


async def _status_is(handle, status: str) -> bool:
    return (await handle.query("state", result_type=ContactState)).status == status


async def _draft(db, contact_id: int, author: int) -> int:
    from db.models.contacts import Direction, Message, SendStatus

    async with db() as s, s.begin():
        message = Message(
            contact_id=contact_id,
            direction=Direction.outbound,
            send_status=SendStatus.draft,
            subject="Re: vraag",
            text_body="Kunt u uw BIG-nummer sturen?",
            to_addresses="jan@example.nl",
            author_id=author,
        )
        s.add(message)
    return message.id


async def test_awb_complaint_term_with_extension(clock_stack, smtp_sink):  # noqa: F811
    intake, db, env = clock_stack
    contact, handle = await new_contact(intake, db, env, 1)
    started = await env.get_current_time()
    anna, hanna = await user_id(db, "agent"), await user_id(db, "specialist")
    await handle.execute_update("claim", ClaimRequest(anna), result_type=DecisionResult)
    marked = await handle.execute_update(
        "mark_complaint", ComplaintRequest(anna), result_type=DecisionResult
    )
    assert marked.status == "new" and marked.assignee_id is None
    state = await handle.query("work_state", result_type=WorkState)
    assert state.line == 3 and state.queue == "complaints"
    term = datetime.fromisoformat(state.complaint_due_at)
    assert timedelta(weeks=6) - timedelta(minutes=1) <= term - started <= timedelta(weeks=6)

    # A first-line agent cannot take it from the complaints list; a handler can.
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update("claim", ClaimRequest(anna, [1]), result_type=DecisionResult)
    assert refused.value.cause.type == "NotOnYourLine"
    await handle.execute_update("claim", ClaimRequest(hanna, [3]), result_type=DecisionResult)

    # Extended once by four weeks, with a letter to the customer.
    await handle.execute_update(
        "extend_complaint", ExtendComplaintRequest(hanna), result_type=DecisionResult
    )
    state = await handle.query("work_state", result_type=WorkState)
    extended = datetime.fromisoformat(state.complaint_due_at)
    assert extended - term == timedelta(weeks=4) and state.complaint_extended
    await smtp_sink.wait_for(2, timeout=20)
    letter = sent(smtp_sink, 1)
    assert "Verlenging" in letter["Subject"] and "9:11" in letter.get_content()
    with pytest.raises(WorkflowUpdateFailedError) as again:
        await handle.execute_update(
            "extend_complaint", ExtendComplaintRequest(hanna), result_type=DecisionResult
        )
    assert again.value.cause.type == "AlreadyExtended"
    async with db() as s:
        row = await s.get(Contact, contact.id)
        assert row.is_complaint and row.complaint_due_at == extended and row.line == 3

    # Not due at six weeks any more; warned a week before the extended term, then breached.
    await skip_to(env, term + timedelta(days=1))
    assert await complaint_flags(db, contact.id) == []
    await skip_to(env, extended - timedelta(days=6))
    await eventually(lambda: _equals(complaint_flags(db, contact.id), ["sla_warning"]))
    await skip_to(env, extended + timedelta(hours=1))
    await eventually(
        lambda: _equals(complaint_flags(db, contact.id), ["sla_warning", "sla_breached"])
    )
    assert (await task_of(db, contact.id)).sla_state == "breached"
    steps = await kinds(db, contact.id)
    assert steps[:5] == [
        "received",
        "claimed",
        "complaint_marked",
        "claimed",
        "letter_complaint_extension",
    ]
    assert "complaint_extended" in steps


async def complaint_flags(db, contact_id: int) -> list[str]:
    """The Awb term's own flags (the first-response SLA runs besides it)."""
    return [
        e.kind
        for e in await events_of(db, contact_id)
        if e.kind.startswith("sla_") and e.detail.get("clock") == "complaint"
    ]


async def _equals(got, wanted) -> bool:
    return await got == wanted


async def test_escalation_round_trip_through_the_lines(clock_stack):
    intake, db, env = clock_stack
    contact, handle = await new_contact(intake, db, env, 1)
    anna = await user_id(db, "agent")
    gert = await user_id(db, "backoffice2")
    hanna = await user_id(db, "specialist")
    await handle.execute_update("claim", ClaimRequest(anna, [1]), result_type=DecisionResult)

    # 1st -> 2nd: the question goes to the backoffice list; the workflow waits on it.
    await handle.execute_update("escalate", EscalateRequest(anna, 2), result_type=DecisionResult)
    with pytest.raises(WorkflowUpdateFailedError) as not_yours:
        await handle.execute_update("claim", ClaimRequest(anna, [1]), result_type=DecisionResult)
    assert not_yours.value.cause.type == "NotOnYourLine"
    await handle.execute_update("claim", ClaimRequest(gert, [1, 2]), result_type=DecisionResult)
    task = await task_of(db, contact.id)
    await eventually(lambda: _task_line(db, contact.id, 2))

    # BIG's backoffice may not answer the customer directly.
    with pytest.raises(WorkflowUpdateFailedError) as direct:
        draft = await _draft(db, contact.id, gert)
        await handle.execute_update("reply", ReplyRequest(gert, draft), result_type=DecisionResult)
    assert direct.value.cause.type == "NoDirectReply"
    with pytest.raises(WorkflowUpdateFailedError):  # escalation goes up only
        await handle.execute_update("escalate", EscalateRequest(gert, 1))

    # 2nd -> 3rd, and the specialist answers straight back to the 1st line.
    await handle.execute_update("escalate", EscalateRequest(gert, 3), result_type=DecisionResult)
    await handle.execute_update("claim", ClaimRequest(hanna, [3]), result_type=DecisionResult)
    back = await handle.execute_update(
        "answer_escalation", AnswerRequest(hanna, to_line=1), result_type=DecisionResult
    )
    assert back.status == "open" and back.assignee_id == anna  # back to who asked
    state = await handle.query("work_state", result_type=WorkState)
    assert state.line == 1 and state.hops == []
    await eventually(lambda: _task_line(db, contact.id, 1))

    # Every hop, who and when.
    hops = [
        e
        for e in await events_of(db, contact.id)
        if e.kind in ("claimed", "escalated", "escalation_answered")
    ]
    assert [(e.kind, e.actor_id) for e in hops] == [
        ("claimed", anna),
        ("escalated", anna),
        ("claimed", gert),
        ("escalated", gert),
        ("claimed", hanna),
        ("escalation_answered", hanna),
    ]
    lines = [(e.detail["from_line"], e.detail["to_line"]) for e in hops if "to_line" in e.detail]
    assert lines == [(1, 2), (2, 3), (3, 1)]
    assert all(e.at is not None for e in hops)
    task = await task_of(db, contact.id)
    assert task.assignee_id == anna and task.status == "claimed"


async def _task_line(db, contact_id: int, line: int) -> bool:
    task = await task_of(db, contact_id)
    return task is not None and task.line == line


async def test_reassign_racing_a_pending_answer(clock_stack):
    intake, db, env = clock_stack
    contact, handle = await new_contact(intake, db, env, 1)
    anna, bram = await user_id(db, "agent"), await user_id(db, "agent2")
    gert = await user_id(db, "backoffice2")
    await handle.execute_update("claim", ClaimRequest(anna), result_type=DecisionResult)
    await handle.execute_update("escalate", EscalateRequest(anna, 2), result_type=DecisionResult)
    await handle.execute_update("claim", ClaimRequest(gert, [2]), result_type=DecisionResult)

    # The backoffice's answer is accepted but not finished when a trafficer, still
    # looking at the 2nd-line list, reassigns the task: the answer wins, the reassign
    # is refused (the contact has left that line), nothing is half-applied.
    answering = await handle.start_update(
        "answer_escalation",
        AnswerRequest(gert),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        result_type=DecisionResult,
    )
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(
            "assign", AssignRequest(anna, bram, line=2), result_type=DecisionResult
        )
    assert refused.value.cause.type == "NotOnYourLine"
    answered = await answering.result()
    assert answered.assignee_id == anna
    await eventually(lambda: _task_line(db, contact.id, 1))

    # On the 1st line, a reassign while a claim is pending: both apply, in order.
    claim = await handle.start_update(
        "claim",
        ClaimRequest(anna, [1]),
        wait_for_stage=WorkflowUpdateStage.ACCEPTED,
        result_type=DecisionResult,
    )
    moved = await handle.execute_update(
        "assign", AssignRequest(anna, bram, line=1), result_type=DecisionResult
    )
    assert (await claim.result()).assignee_id == anna and moved.assignee_id == bram
    state = await handle.query("state", result_type=ContactState)
    assert state.assignee_id == bram

    async def task_is_brams():
        task = await task_of(db, contact.id)
        return task.assignee_id == bram

    await eventually(task_is_brams)
