"""An email contact's life in the ContactWorkflow, against stub activities: opened
with its work plan, acknowledged, claimed, answered, the customer writes back (once,
though intake delivers it twice), closed, archived, and completed after the reopen
window."""

from __future__ import annotations

from datetime import datetime

from contracts.contact import ContactResult, ContactState, DecisionResult, SendMessageInput
from contracts.records import ArchiveResult, RecordRef
from tests.workflows.scenarios import run_named
from tests.workflows.stubs import ACK_OFFSET

WF, ARCHIVE = "contact-WFT-EMAIL", "archive-WFT-EMAIL"


def events(out, workflow_id):
    return [u.event for u in out.stubs.args(workflow_id, "update_projection")]


async def test_email_contact_from_intake_to_archive(skipping_env):
    out = await run_named(skipping_env, "email_contact")
    steps = out.steps

    # opened once, with its work plan, received at the workflow's start
    [opened] = out.stubs.args(WF, "open_contact")
    assert (opened.contact_id, opened.message_id, opened.plan_work) == (101, 1101, True)
    assert opened.channel == "email"
    assert datetime.fromisoformat(opened.received_at).tzinfo is not None

    # the acknowledgement open_contact reserved goes out first, then the agent's reply
    assert out.stubs.args(WF, "send_message") == [
        SendMessageInput(ACK_OFFSET + 1101),
        SendMessageInput(2001),
    ]
    assert [c.name for c in out.stubs.of(WF)][:2] == ["open_contact", "send_message"]

    # people's decisions, and the refusals the API shows
    assert steps["claim"] == DecisionResult("open", 7)
    assert steps["claim_by_other"] == "AlreadyClaimed"
    assert steps["reply_by_other"] == "NotHolder"
    assert steps["reply"] == DecisionResult("waiting", 7)
    assert steps["close"] == DecisionResult("closed", 7)
    assert steps["claim_closed"] == "ContactClosed"

    # the customer's answer brings it back to the agent, taken in once
    assert steps["state_waiting"].status == "waiting"
    assert steps["state_after_answer"] == ContactState(
        contact_id=101, status="open", assignee_id=7, message_ids=[1101, 1102]
    )
    assert steps["state_closed"].closed is True

    # the projection follows every decision, in order
    assert events(out, WF) == ["claimed", "replied", "customer_replied", "closed"]
    updates = out.stubs.args(WF, "update_projection")
    replied, answered, closed = updates[1], updates[2], updates[3]
    assert (replied.status, replied.message_id, replied.actor_id) == ("waiting", 2001, 7)
    assert replied.work.sla_state == "paused" and replied.work.due_at is None
    assert (answered.status, answered.message_id, answered.actor_id) == ("open", 1102, None)
    assert (closed.status, closed.close_reason_id) == ("closed", 3)
    assert updates[0].work.due_at is not None  # the first response clock runs until the reply

    # closing started the archive; the contact completed after its reopen window
    assert out.stubs.args(ARCHIVE, "mark_archiving_pending") == [RecordRef(101)]
    assert out.stubs.args(ARCHIVE, "archive_contact") == [RecordRef(101)]
    assert out.results[ARCHIVE] == ArchiveResult(record_id=3101, status="archived", documents=2)
    assert out.results[WF] == ContactResult(contact_id=101, status="closed")
    assert out.workflow_ids == [WF, ARCHIVE]


async def test_trafficker_assigns_and_the_holder_releases(skipping_env):
    out = await run_named(skipping_env, "trafficking")
    wf = "contact-WFT-TRAFFIC"
    steps = out.steps

    assert steps["assign"] == DecisionResult("open", 7)
    assert steps["assign_wrong_line"] == "NotOnYourLine"  # checked for line 2; it is on 1
    assert steps["release_by_other"] == "NotHolder"
    assert steps["priority_too_high"] == "InvalidPriority"
    assert steps["priority"] == DecisionResult("open", 7)
    assert steps["work_prioritised"].priority == 5
    assert steps["release"] == DecisionResult("new", None)
    assert steps["claim"] == DecisionResult("open", 8)
    assert steps["close"] == DecisionResult("closed", 8)

    assert events(out, wf) == ["assigned", "priority_set", "released", "claimed", "closed"]
    assigned, prioritised, released = out.stubs.args(wf, "update_projection")[:3]
    assert (assigned.actor_id, assigned.assignee_id) == (20, 7)
    assert assigned.event_detail == {"to_user_id": 7}
    assert prioritised.event_detail == {"priority": 5} and prioritised.work.priority == 5
    assert (released.status, released.assignee_id, released.actor_id) == ("new", None, 7)
    assert out.results[wf] == ContactResult(contact_id=107, status="closed")


async def test_customer_reply_within_the_window_reopens(skipping_env):
    out = await run_named(skipping_env, "reopen")
    wf, archive = "contact-WFT-REOPEN", "archive-WFT-REOPEN"
    steps = out.steps

    assert steps["close"] == DecisionResult("closed", 7)
    # back to the queue, nobody holding it, on the 1st line
    assert steps["state_reopened"] == ContactState(
        contact_id=109, status="new", assignee_id=None, message_ids=[1109, 1209]
    )
    assert (steps["work_reopened"].line, steps["work_reopened"].hops) == (1, [])
    assert steps["claim_again"] == DecisionResult("open", 7)
    assert steps["close_again"] == DecisionResult("closed", 7)

    assert events(out, wf) == ["claimed", "replied", "closed", "reopened", "claimed", "closed"]
    reopened = out.stubs.args(wf, "update_projection")[3]
    assert (reopened.status, reopened.assignee_id, reopened.message_id) == ("new", None, 1209)
    # each closing archives: the second takes the reopened contact along
    assert out.stubs.args(archive, "mark_archiving_pending") == [RecordRef(109), RecordRef(109)]
    assert out.results[wf] == ContactResult(contact_id=109, status="closed")


async def test_machine_mail_is_noted_without_moving_the_contact(skipping_env):
    """An out-of-office and a bounce are on the history; the contact stays waiting,
    and machine mail after closing does not reopen it."""
    out = await run_named(skipping_env, "machine_mail")
    wf = "contact-WFT-MACHINE"
    steps = out.steps
    assert steps["state_after_machine_mail"].status == "waiting"
    assert steps["state_after_machine_mail"].message_ids == [1110, 1310, 1311]
    assert steps["state_closed"].status == "closed"
    assert events(out, wf) == [
        "claimed",
        "replied",
        "machine_mail",
        "reply_undelivered",
        "closed",
        "machine_mail",
    ]
    noted = out.stubs.args(wf, "update_projection")[2]
    assert (noted.status, noted.assignee_id, noted.message_id) == ("waiting", 7, 1310)
    assert out.results[wf] == ContactResult(contact_id=110, status="closed")


async def test_a_mention_joined_to_its_contact_closes(skipping_env):
    out = await run_named(skipping_env, "join_mention")
    wf = "contact-WFT-JOIN"
    assert out.steps["join"] == DecisionResult("closed", None)
    assert out.steps["join_again"] == "ContactClosed"
    [joined] = out.stubs.args(wf, "update_projection")
    assert (joined.event, joined.actor_id, joined.event_detail) == (
        "joined",
        7,
        {"into_contact_id": 101},
    )
    assert out.results[wf] == ContactResult(contact_id=111, status="closed")
