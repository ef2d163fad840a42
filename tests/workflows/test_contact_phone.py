"""Phone contacts in the ContactWorkflow, against stub activities: a call answered,
ended and wrapped up; a caller who gave up, called back and wrapped up."""

from __future__ import annotations

from contracts.contact import ContactResult
from contracts.phone import CallbackResult, OriginateInput, WrapUpResult
from tests.workflows.scenarios import run_named


def events(out, workflow_id):
    return [u.event for u in out.stubs.args(workflow_id, "update_projection")]


async def test_answered_call_is_wrapped_up_by_its_agent(skipping_env):
    out = await run_named(skipping_env, "phone_contact")
    wf = "contact-WFT-PHONE"
    steps = out.steps

    [opened] = out.stubs.args(wf, "open_contact")
    assert (opened.channel, opened.message_id, opened.plan_work) == ("phone", None, True)
    assert out.stubs.args(wf, "send_message") == []  # no acknowledgement for a call

    # join and ringing are not written; the repeated connect is taken once
    calls = out.stubs.args(wf, "record_call")
    assert [(c.event, c.state, c.task_kind) for c in calls] == [
        ("call_connect", "connected", "call"),
        ("call_complete", "ended", "wrapup"),
    ]
    assert (calls[0].agent_user_id, calls[0].ring_ms, calls[0].hold_seconds) == (7, 4000, 5)
    assert (calls[1].agent_user_id, calls[1].talk_seconds, calls[1].at) == (7, 60, 1065.0)

    assert steps["wrap_up_during_call"] == "CallNotEnded"
    assert steps["wrap_up_by_other"] == "NotAgent"
    assert steps["wrap_up"] == WrapUpResult(status="closed", linked_contact_id=55)
    assert steps["wrap_up_again"] == "AlreadyWrappedUp"

    assert events(out, wf) == ["call_answered", "wrapped_up"]
    answered, wrapped = out.stubs.args(wf, "update_projection")
    assert (answered.status, answered.assignee_id) == ("open", 7)
    assert (wrapped.status, wrapped.close_reason_id) == ("closed", 4)
    assert wrapped.event_detail == {"linked_contact_id": 55, "note_id": 61}
    assert out.results[wf] == ContactResult(contact_id=102, status="closed")
    assert "archive-WFT-PHONE" in out.results


async def test_abandoned_call_gets_a_callback(skipping_env):
    out = await run_named(skipping_env, "phone_callback")
    wf = "contact-WFT-CALLBACK"
    steps = out.steps

    assert steps["wrap_up_abandoned"] == "CallNotEnded"
    assert steps["call_back"] == CallbackResult(outcome="answered", attempts=1)
    assert steps["call_back_again"] == "NoCallback"  # answered: the call has ended
    assert steps["wrap_up"] == WrapUpResult(status="closed")

    assert out.stubs.args(wf, "originate_callback") == [OriginateInput(contact_id=103, user_id=9)]
    calls = out.stubs.args(wf, "record_call")
    assert [(c.event, c.state, c.task_kind) for c in calls] == [
        ("call_abandon", "abandoned", "callback"),
        ("callback_answered", "ended", "wrapup"),
    ]
    assert calls[0].hold_seconds == 40
    assert (calls[1].agent_user_id, calls[1].callback_attempts) == (9, 1)
    assert calls[1].callback_outcome == "answered"

    # the callback task goes to the queue, then to the agent who calls back
    assert events(out, wf) == ["callback_requested", "callback_started", "wrapped_up"]
    requested, started, wrapped = out.stubs.args(wf, "update_projection")
    assert (requested.status, requested.assignee_id) == ("new", None)
    assert (started.status, started.assignee_id) == ("open", 9)
    assert (wrapped.status, wrapped.assignee_id, wrapped.close_reason_id) == ("closed", 9, 5)
    assert out.results[wf] == ContactResult(contact_id=103, status="closed")
