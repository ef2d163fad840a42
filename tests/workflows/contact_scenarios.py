"""Scenarios of the ContactWorkflow, driven as the API, the intake and the AMI bridge
drive it (start, signals, Updates, queries). Each records what it saw in
``run.outcome``; the tests in this folder assert on it. Fixed IDs and inputs, so a
re-recorded history differs only where the workflow's behaviour did."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import WorkflowExecutionStatus
from temporalio.service import RPCError

from contracts.contact import (
    AssignRequest,
    ClaimRequest,
    CloseRequest,
    ContactInput,
    ContactState,
    CustomerMessage,
    JoinRequest,
    ReleaseRequest,
    ReplyRequest,
)
from contracts.phone import CallbackRequest, CallEvent, WrapUpRequest
from contracts.records import archive_workflow_id
from contracts.work import (
    AnswerRequest,
    ComplaintRequest,
    EscalateRequest,
    ExtendComplaintRequest,
    PriorityRequest,
    WorkState,
)
from tests.workflows.harness import ContactWorkflow, Run

AGENT, OTHER_AGENT, SECOND_LINE_AGENT, CALLBACK_AGENT = 7, 8, 8, 9
THIRD_LINE_AGENT, COMPLAINTS_HANDLER, TRAFFICKER = 12, 13, 20
REASON_ANSWERED = 3


def email_input(contact_id: int, reference: str) -> ContactInput:
    return ContactInput(
        contact_id=contact_id,
        reference=reference,
        product_code="BIG",
        channel="email",
        first_message_id=1000 + contact_id,
    )


def phone_input(contact_id: int, reference: str) -> ContactInput:
    return ContactInput(
        contact_id=contact_id, reference=reference, product_code="BIG", channel="phone"
    )


async def open_email_contact(run: Run, contact_id: int, reference: str):
    """Start an email contact and wait for its acknowledgement to go out (so what
    people do next is not racing the opening)."""
    handle = await run.start_contact(email_input(contact_id, reference))
    await run.called(handle.id, "send_message")
    return handle


async def state(handle) -> ContactState:
    return await handle.query(ContactWorkflow.state)


async def work_state(handle) -> WorkState:
    return await handle.query(ContactWorkflow.work_state)


# --- email: open, acknowledge, claim, reply, customer answers, close, archive ----------


async def email_contact(run: Run) -> None:
    h = await open_email_contact(run, 101, "WFT-EMAIL")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    await run.refused(
        "claim_by_other", h.execute_update(ContactWorkflow.claim, ClaimRequest(OTHER_AGENT))
    )
    await run.refused(
        "reply_by_other", h.execute_update(ContactWorkflow.reply, ReplyRequest(OTHER_AGENT, 2001))
    )
    run.step("reply", await h.execute_update(ContactWorkflow.reply, ReplyRequest(AGENT, 2001)))
    await run.called(h.id, "send_message", 2)
    run.step("state_waiting", await state(h))
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1102))
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1102))  # intake re-sent it
    await run.projected(h.id, "customer_replied")
    run.step("state_after_answer", await state(h))
    close = CloseRequest(AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.refused("claim_closed", h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    run.step("state_closed", await state(h))
    await run.finish_contact(h, "WFT-EMAIL")
    run.outcome.workflow_ids.append("archive-WFT-EMAIL")


# --- phone: a call answered, ended and wrapped up ---------------------------------------


async def phone_contact(run: Run) -> None:
    h = await run.start_contact(
        phone_input(102, "WFT-PHONE"),
        start_signal="call_event",
        start_signal_args=[CallEvent("join", at=1000.0)],
    )
    await h.signal(ContactWorkflow.call_event, CallEvent("ringing", at=1001.0, agent_user_id=AGENT))
    connect = CallEvent("connect", at=1005.0, agent_user_id=AGENT, hold_seconds=5, ring_ms=4000)
    await h.signal(ContactWorkflow.call_event, connect)
    await h.signal(ContactWorkflow.call_event, connect)  # the bridge re-sent it
    await run.until(lambda: _held_by(h, AGENT), "the call answered")
    early = WrapUpRequest(AGENT, reason_id=4)
    await run.refused("wrap_up_during_call", h.execute_update(ContactWorkflow.wrap_up, early))
    complete = CallEvent("complete", at=1065.0, agent_user_id=AGENT, talk_seconds=60)
    await h.signal(ContactWorkflow.call_event, complete)
    await run.called(h.id, "record_call", 2)
    by_other = WrapUpRequest(OTHER_AGENT, reason_id=4)
    await run.refused("wrap_up_by_other", h.execute_update(ContactWorkflow.wrap_up, by_other))
    wrap = WrapUpRequest(AGENT, reason_id=4, note_id=61, linked_contact_id=55)
    run.step("wrap_up", await h.execute_update(ContactWorkflow.wrap_up, wrap))
    await run.refused("wrap_up_again", h.execute_update(ContactWorkflow.wrap_up, wrap))
    await run.finish_contact(h, "WFT-PHONE")


async def _held_by(handle, user_id: int) -> bool:
    return (await state(handle)).assignee_id == user_id


# --- phone: the caller gave up; an agent calls back, then wraps up ---------------------


async def phone_callback(run: Run) -> None:
    h = await run.start_contact(
        phone_input(103, "WFT-CALLBACK"),
        start_signal="call_event",
        start_signal_args=[CallEvent("join", at=2000.0)],
    )
    await h.signal(ContactWorkflow.call_event, CallEvent("abandon", at=2040.0, hold_seconds=40))
    await run.projected(h.id, "callback_requested")
    wrap = WrapUpRequest(CALLBACK_AGENT, reason_id=5)
    await run.refused("wrap_up_abandoned", h.execute_update(ContactWorkflow.wrap_up, wrap))
    callback = CallbackRequest(CALLBACK_AGENT)
    run.step("call_back", await h.execute_update(ContactWorkflow.call_back, callback))
    await run.refused("call_back_again", h.execute_update(ContactWorkflow.call_back, callback))
    run.step("wrap_up", await h.execute_update(ContactWorkflow.wrap_up, wrap))
    await run.finish_contact(h, "WFT-CALLBACK")


# --- escalation to the 2nd line and its answer; to the 3rd line, assigned automatically --


async def escalation(run: Run) -> None:
    h = await open_email_contact(run, 104, "WFT-ESCALATE")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    down = EscalateRequest(AGENT, to_line=1)
    await run.refused("escalate_to_own_line", h.execute_update(ContactWorkflow.escalate, down))
    to_2 = EscalateRequest(AGENT, to_line=2, note_id=31)
    run.step("escalate_2", await h.execute_update(ContactWorkflow.escalate, to_2))
    run.step("work_on_2", await work_state(h))
    line_1_claim = ClaimRequest(SECOND_LINE_AGENT, lines=[1])
    await run.refused("claim_wrong_line", h.execute_update(ContactWorkflow.claim, line_1_claim))
    line_2_claim = ClaimRequest(SECOND_LINE_AGENT, lines=[2])
    run.step("claim_2", await h.execute_update(ContactWorkflow.claim, line_2_claim))
    reply = ReplyRequest(SECOND_LINE_AGENT, 2002)
    await run.refused("reply_on_2", h.execute_update(ContactWorkflow.reply, reply))
    answer = AnswerRequest(SECOND_LINE_AGENT, note_id=32)
    run.step("answer_2", await h.execute_update(ContactWorkflow.answer_escalation, answer))
    run.step("work_back_on_1", await work_state(h))
    await run.refused(
        "answer_not_escalated",
        h.execute_update(ContactWorkflow.answer_escalation, AnswerRequest(AGENT)),
    )
    to_3 = EscalateRequest(AGENT, to_line=3, note_id=33)
    run.step("escalate_3", await h.execute_update(ContactWorkflow.escalate, to_3))
    back_to_1 = AnswerRequest(THIRD_LINE_AGENT, note_id=34, to_line=1)
    run.step("answer_3", await h.execute_update(ContactWorkflow.answer_escalation, back_to_1))
    final = ReplyRequest(AGENT, 2003, wait_for_customer=False)
    run.step("reply", await h.execute_update(ContactWorkflow.reply, final))
    close = CloseRequest(AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.finish_contact(h, "WFT-ESCALATE")


# --- complaint: the Awb term, extended once with a letter to the customer ----------------


async def complaint(run: Run) -> None:
    h = await open_email_contact(run, 105, "WFT-COMPLAINT")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    extend_1st = ExtendComplaintRequest(AGENT)
    await run.refused(
        "extend_no_complaint", h.execute_update(ContactWorkflow.extend_complaint, extend_1st)
    )
    mark = ComplaintRequest(AGENT, note_id=41)
    run.step("mark", await h.execute_update(ContactWorkflow.mark_complaint, mark))
    run.step("work_marked", await work_state(h))
    handler_claim = ClaimRequest(COMPLAINTS_HANDLER, lines=[3])
    run.step("claim_handler", await h.execute_update(ContactWorkflow.claim, handler_claim))
    await run.refused(
        "extend_by_other", h.execute_update(ContactWorkflow.extend_complaint, extend_1st)
    )
    extend = ExtendComplaintRequest(COMPLAINTS_HANDLER)
    run.step("extend", await h.execute_update(ContactWorkflow.extend_complaint, extend))
    await run.called(h.id, "send_message", 2)
    run.step("work_extended", await work_state(h))
    await run.refused("extend_again", h.execute_update(ContactWorkflow.extend_complaint, extend))
    reply = ReplyRequest(COMPLAINTS_HANDLER, 2004, wait_for_customer=False)
    run.step("reply", await h.execute_update(ContactWorkflow.reply, reply))
    close = CloseRequest(COMPLAINTS_HANDLER, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.finish_contact(h, "WFT-COMPLAINT")


# --- SLA: nobody answers; the warning and then the breach timer fire ---------------------

SLA_FIRST_RESPONSE_MINUTES = 60


async def sla_breach(run: Run) -> None:
    h = await open_email_contact(run, 106, "WFT-SLA")
    run.step("work_at_start", await work_state(h))
    await run.env.sleep(timedelta(minutes=SLA_FIRST_RESPONSE_MINUTES + 1))
    await run.called(h.id, "sla_signal", 2)
    run.step("work_breached", await work_state(h))
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    reply = ReplyRequest(AGENT, 2005, wait_for_customer=False)
    run.step("reply", await h.execute_update(ContactWorkflow.reply, reply))
    close = CloseRequest(AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.finish_contact(h, "WFT-SLA")


# --- a trafficker assigns; priority; the holder releases it to the queue ----------------


async def trafficking(run: Run) -> None:
    h = await open_email_contact(run, 107, "WFT-TRAFFIC")
    assign = AssignRequest(TRAFFICKER, to_user_id=AGENT)
    run.step("assign", await h.execute_update(ContactWorkflow.assign, assign))
    to_line_2 = AssignRequest(TRAFFICKER, to_user_id=OTHER_AGENT, line=2)
    await run.refused("assign_wrong_line", h.execute_update(ContactWorkflow.assign, to_line_2))
    not_held = ReleaseRequest(OTHER_AGENT)
    await run.refused("release_by_other", h.execute_update(ContactWorkflow.release, not_held))
    too_high = PriorityRequest(TRAFFICKER, 11)
    await run.refused("priority_too_high", h.execute_update(ContactWorkflow.set_priority, too_high))
    priority = PriorityRequest(TRAFFICKER, 5)
    run.step("priority", await h.execute_update(ContactWorkflow.set_priority, priority))
    run.step("work_prioritised", await work_state(h))
    run.step("release", await h.execute_update(ContactWorkflow.release, ReleaseRequest(AGENT)))
    claim = ClaimRequest(OTHER_AGENT)
    run.step("claim", await h.execute_update(ContactWorkflow.claim, claim))
    close = CloseRequest(OTHER_AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.finish_contact(h, "WFT-TRAFFIC")


# --- waiting for the customer: a reminder, then closed automatically ------------------

REMINDER_LETTER_ID = 5002


async def waiting_customer(run: Run) -> None:
    h = await open_email_contact(run, 108, "WFT-WAITING")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    run.step("reply", await h.execute_update(ContactWorkflow.reply, ReplyRequest(AGENT, 2008)))
    await run.called(h.id, "send_message", 2)
    await run.env.sleep(timedelta(days=5, hours=1))  # the plan: a reminder after 5 days
    await run.called(h.id, "send_message", 3)
    run.step("state_reminded", await state(h))
    await run.env.sleep(timedelta(days=5))  # and closed after 10
    await run.projected(h.id, "auto_closed")
    run.step("state_auto_closed", await state(h))
    await run.finish_contact(h, "WFT-WAITING")


# --- closed, and the customer writes again within the reopen window -------------------


async def reopen(run: Run) -> None:
    h = await open_email_contact(run, 109, "WFT-REOPEN")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    answer = ReplyRequest(AGENT, 2009, wait_for_customer=False)
    run.step("reply", await h.execute_update(ContactWorkflow.reply, answer))
    close = CloseRequest(AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    # the first archive is done before the customer writes (else the second closing
    # joins the archive still running, and the scenario would depend on timing)
    await run.until(lambda: _completed(run, archive_workflow_id("WFT-REOPEN")), "the archive")
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1209))
    await run.projected(h.id, "reopened")
    run.step("state_reopened", await state(h))
    run.step("work_reopened", await work_state(h))
    run.step("claim_again", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    run.step("close_again", await h.execute_update(ContactWorkflow.close, close))
    await run.finish_contact(h, "WFT-REOPEN", closings=2)


# --- machine mail: an out-of-office and a bounce leave the status alone ----------------


async def machine_mail(run: Run) -> None:
    h = await open_email_contact(run, 110, "WFT-MACHINE")
    run.step("claim", await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT)))
    run.step("reply", await h.execute_update(ContactWorkflow.reply, ReplyRequest(AGENT, 2010)))
    await run.called(h.id, "send_message", 2)
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1310, kind="auto_reply"))
    await run.projected(h.id, "machine_mail")
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1311, kind="bounce"))
    await run.projected(h.id, "reply_undelivered")
    run.step("state_after_machine_mail", await state(h))
    close = CloseRequest(AGENT, REASON_ANSWERED)
    run.step("close", await h.execute_update(ContactWorkflow.close, close))
    await run.until(lambda: _completed(run, archive_workflow_id("WFT-MACHINE")), "the archive")
    await h.signal(ContactWorkflow.customer_message, CustomerMessage(1312, kind="auto_reply"))
    await run.until(
        lambda: len(run.stubs.args(h.id, "update_projection")) >= 6,
        "the closed contact's machine mail",
    )
    run.step("state_closed", await state(h))
    await run.finish_contact(h, "WFT-MACHINE")


# --- a mail that only mentioned another contact is joined to it ------------------------


async def join_mention(run: Run) -> None:
    h = await open_email_contact(run, 111, "WFT-JOIN")
    join = JoinRequest(AGENT, into_contact_id=101)
    run.step("join", await h.execute_update(ContactWorkflow.join, join))
    await run.refused("join_again", h.execute_update(ContactWorkflow.join, join))
    await run.finish_contact(h, "WFT-JOIN")


async def _completed(run: Run, workflow_id: str) -> bool:
    try:
        described = await run.client.get_workflow_handle(workflow_id).describe()
    except RPCError:  # not started yet
        return False
    return described.status == WorkflowExecutionStatus.COMPLETED
