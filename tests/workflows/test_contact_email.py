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
