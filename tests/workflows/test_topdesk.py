"""The IncidentWorkflow against stub activities: a refused login waits for an admin
and loses nothing, a webhook polls sooner, the timer polls again, and TOPdesk's
completion puts the waiting contact back in the agent's inbox."""

from __future__ import annotations

from contracts.contact import ContactStatus
from contracts.topdesk import UNAUTHORIZED, IncidentRef, IncidentResult, TroubleInput
from tests.workflows.scenarios import run_named
from tests.workflows.topdesk_scenarios import CONTACT_ID, INCIDENT_ROW, REFERENCE
from tests.workflows.topdesk_stubs import INCIDENT_NUMBER


async def test_incident_followed_until_topdesk_answers(skipping_env):
    out = await run_named(skipping_env, "topdesk_incident")
    wf = f"topdesk-incident-{CONTACT_ID}-1"
    assert [c.name for c in out.stubs.of(wf)] == [
        "create_topdesk_incident",  # the login is refused
        "note_topdesk_trouble",
        "create_topdesk_incident",  # after the admin's retry
        "poll_topdesk_incident",  # the webhook
        "poll_topdesk_incident",  # the timer: completed
    ]
    ref = IncidentRef(INCIDENT_ROW)
    assert out.stubs.args(wf, "create_topdesk_incident") == [ref, ref]
    trouble = out.stubs.args(wf, "note_topdesk_trouble")[0]
    assert trouble == TroubleInput(INCIDENT_ROW, UNAUTHORIZED, "login refused")
    assert out.results[wf] == IncidentResult(INCIDENT_NUMBER, "Completed", True)

    contact = f"contact-{REFERENCE}"
    assert out.steps["state_waiting"].status == ContactStatus.waiting
    assert out.steps["state_answered"].status == ContactStatus.open
    assert out.steps["state_answered"].assignee_id == 7
    answered = [
        u for u in out.stubs.args(contact, "update_projection") if u.event == "topdesk_answered"
    ]
    assert [u.event_detail for u in answered] == [
        {"incident_id": INCIDENT_ROW, "number": INCIDENT_NUMBER}
    ]
