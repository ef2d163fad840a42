"""The work side of the ContactWorkflow, against stub activities: escalation across
the lines and the answers back, the Awb complaint term and its one extension, and
the SLA warning and breach timers on the time-skipping server."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from contracts.contact import ClaimRequest, ContactResult, DecisionResult, SendMessageInput
from contracts.work import CustomerLetterInput, LineAssignInput
from tests.workflows.contact_scenarios import REMINDER_LETTER_ID, email_input, work_state
from tests.workflows.harness import ContactWorkflow, run_scenario
from tests.workflows.scenarios import COMPLAINT_LETTER_ID, run_named
from tests.workflows.stubs import ACK_OFFSET, StubConfig


def events(out, workflow_id):
    return [u.event for u in out.stubs.args(workflow_id, "update_projection")]


def received_at(out, workflow_id) -> datetime:
    [opened] = out.stubs.args(workflow_id, "open_contact")
    return datetime.fromisoformat(opened.received_at)


async def test_escalation_to_second_line_and_back(skipping_env):
    out = await run_named(skipping_env, "escalation")
    wf = "contact-WFT-ESCALATE"
    steps = out.steps

    assert steps["escalate_to_own_line"] == "InvalidEscalation"
    # on line 2 the contact waits in the list for a claim (no automatic assignment there)
    assert steps["escalate_2"] == DecisionResult("new", None)
    on_2 = steps["work_on_2"]
    assert (on_2.line, on_2.hops) == (2, [[1, 7]])
    assert on_2.clocks["line_answer"]["target"] == 16 * 60
    assert on_2.clocks["line_answer"]["running"] is True
    assert steps["claim_wrong_line"] == "NotOnYourLine"
    assert steps["claim_2"] == DecisionResult("open", 8)
    assert steps["reply_on_2"] == "NoDirectReply"  # line 2 answers line 1, not the customer
    # the answer goes back to the 1st line agent who asked
    assert steps["answer_2"] == DecisionResult("open", 7)
    back = steps["work_back_on_1"]
    assert (back.line, back.hops) == (1, [])
    assert "line_answer" not in back.clocks
    assert steps["answer_not_escalated"] == "NotEscalated"
    # line 3 assigns automatically; its answer skips back to line 1
    assert steps["escalate_3"] == DecisionResult("open", 12)
    assert steps["answer_3"] == DecisionResult("open", 7)
    assert steps["reply"] == DecisionResult("open", 7)
    assert steps["close"] == DecisionResult("closed", 7)

    assert out.stubs.args(wf, "auto_assign_line") == [
        LineAssignInput(104, 2, ""),
        LineAssignInput(104, 3, ""),
    ]
    assert events(out, wf) == [
        "claimed",
        "escalated",
        "claimed",
        "escalation_answered",
        "escalated",
        "auto_assigned",
        "escalation_answered",
        "replied",
        "closed",
    ]
    updates = out.stubs.args(wf, "update_projection")
    escalated = updates[1]
    assert escalated.event_detail == {"from_line": 1, "to_line": 2, "note_id": 31, "queue": ""}
    assert (escalated.work.line, escalated.status, escalated.assignee_id) == (2, "new", None)
    assert updates[3].event_detail["to_user_id"] == 7
    assert updates[5].event_detail == {"to_user_id": 12, "line": 3, "queue": ""}
    assert updates[6].event_detail["from_line"] == 3 and updates[6].work.line == 1
    assert out.stubs.args(wf, "send_message")[-1] == SendMessageInput(2003)
    assert out.results[wf] == ContactResult(contact_id=104, status="closed")


async def test_complaint_term_and_its_one_extension(skipping_env):
    out = await run_named(skipping_env, "complaint")
    wf = "contact-WFT-COMPLAINT"
    steps = out.steps
    received = received_at(out, wf)

    assert steps["extend_no_complaint"] == "NotComplaint"
    assert steps["mark"] == DecisionResult("new", None)
    marked = steps["work_marked"]
    assert (marked.line, marked.queue, marked.complaint) == (3, "complaints", True)
    assert datetime.fromisoformat(marked.complaint_due_at) == received + timedelta(days=42)
    assert marked.complaint_extended is False

    assert steps["claim_handler"] == DecisionResult("open", 13)
    assert steps["extend_by_other"] == "NotHolder"
    assert steps["extend"] == DecisionResult("open", 13)
    extended = steps["work_extended"]
    assert datetime.fromisoformat(extended.complaint_due_at) == received + timedelta(days=70)
    assert extended.complaint_extended is True
    assert steps["extend_again"] == "AlreadyExtended"
    # complaints handlers answer the customer themselves, from line 3
    assert steps["reply"] == DecisionResult("open", 13)
    assert steps["close"] == DecisionResult("closed", 13)

    # the extension is told to the customer: a letter, sent like a reply
    assert out.stubs.args(wf, "make_customer_letter") == [
        CustomerLetterInput(105, "complaint_extension")
    ]
    assert out.stubs.args(wf, "send_message") == [
        SendMessageInput(ACK_OFFSET + 1105),
        SendMessageInput(COMPLAINT_LETTER_ID),
        SendMessageInput(2004),
    ]
    assert out.stubs.args(wf, "auto_assign_line") == [LineAssignInput(105, 3, "complaints")]
    assert events(out, wf) == [
        "claimed",
        "complaint_marked",
        "claimed",
        "complaint_extended",
        "replied",
        "closed",
    ]
    marked_update = out.stubs.args(wf, "update_projection")[1]
    assert marked_update.work.complaint is True
    assert marked_update.event_detail["due_at"] == marked.complaint_due_at
    assert out.results[wf] == ContactResult(contact_id=105, status="closed")


async def test_sla_warning_then_breach_when_nobody_answers(skipping_env):
    out = await run_named(skipping_env, "sla_breach")
    wf = "contact-WFT-SLA"
    steps = out.steps
    received = received_at(out, wf)

    start = steps["work_at_start"].clocks["first_response"]
    assert (start["target"], start["warned"], start["breached"]) == (60, False, False)
    assert steps["work_at_start"].priority == 0

    warning, breach = out.stubs.args(wf, "sla_signal")
    assert (warning.contact_id, warning.clock, warning.level) == (106, "first_response", "warning")
    assert (warning.work.sla_state, warning.work.priority) == ("warning", 0)
    assert (breach.clock, breach.level) == ("first_response", "breached")
    assert (breach.work.sla_state, breach.work.priority) == ("breached", 2)
    assert datetime.fromisoformat(breach.work.due_at) == received + timedelta(minutes=60)

    breached = steps["work_breached"]
    clock = breached.clocks["first_response"]
    assert (clock["warned"], clock["breached"]) == (True, True)
    assert clock["used"] >= 60
    assert breached.priority == 2

    # the breach stays on the record after the late answer
    assert steps["reply"] == DecisionResult("open", 7)
    closed = out.stubs.args(wf, "update_projection")[-1]
    assert (closed.event, closed.work.sla_state, closed.work.priority) == ("closed", "breached", 2)
    assert out.results[wf] == ContactResult(contact_id=106, status="closed")


async def test_waiting_for_the_customer_reminds_then_closes(skipping_env):
    out = await run_named(skipping_env, "waiting_customer")
    wf = "contact-WFT-WAITING"
    steps = out.steps

    assert steps["reply"] == DecisionResult("waiting", 7)
    assert steps["state_reminded"].status == "waiting"  # a reminder does not end the wait
    assert out.stubs.args(wf, "make_customer_letter") == [
        CustomerLetterInput(108, "waiting_reminder")
    ]
    assert out.stubs.args(wf, "send_message") == [
        SendMessageInput(ACK_OFFSET + 1108),
        SendMessageInput(2008),
        SendMessageInput(REMINDER_LETTER_ID),
    ]
    assert steps["state_auto_closed"].closed is True
    assert events(out, wf) == ["claimed", "replied", "auto_closed"]
    closed = out.stubs.args(wf, "update_projection")[-1]
    assert (closed.status, closed.assignee_id, closed.actor_id) == ("closed", 7, None)
    assert out.results[wf] == ContactResult(contact_id=108, status="closed")
    assert "archive-WFT-WAITING" in out.results


async def test_a_contact_may_start_on_a_later_line(skipping_env):
    """A migrated contact starts on the line it had (ContactInput.line): its projections
    say so, a first-line claim is refused and a second-line one taken."""

    async def started_on_2(run) -> None:
        h = await run.start_contact(replace(email_input(140, "WFT-LINE2"), line=2))
        await run.called(h.id, "open_contact")
        run.step("work", await work_state(h))
        on_1 = ClaimRequest(7, lines=[1])
        await run.refused("claim_on_1", h.execute_update(ContactWorkflow.claim, on_1))
        on_2 = ClaimRequest(8, lines=[2])
        run.step("claim_on_2", await h.execute_update(ContactWorkflow.claim, on_2))
        await h.terminate("test done")

    out = await run_scenario(skipping_env, "start-line", started_on_2, StubConfig())
    assert out.steps["work"].line == 2
    assert out.steps["claim_on_1"] == "NotOnYourLine"
    assert out.steps["claim_on_2"] == DecisionResult("open", 8)
    written = [u.work for u in out.stubs.args("contact-WFT-LINE2", "update_projection") if u.work]
    assert written and {w.line for w in written} == {2}
