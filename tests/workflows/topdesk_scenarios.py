"""Scenario of the IncidentWorkflow beside its contact: the agent files an incident,
TOPdesk first refuses PULSE's login (an admin fixes it and asks to retry), then
makes the incident; a webhook asks for a poll at once, the timer gives the next;
TOPdesk completes it and the contact, which was waiting, is back in the inbox."""

from __future__ import annotations

from contracts.contact import ClaimRequest, CloseRequest, ReplyRequest
from contracts.topdesk import IncidentInput, IncidentResult, PollSoon, incident_workflow_id
from tests.workflows.contact_scenarios import AGENT, REASON_ANSWERED, open_email_contact, state
from tests.workflows.harness import ContactWorkflow, IncidentWorkflow, Run

CONTACT_ID, REFERENCE, INCIDENT_ROW = 120, "WFT-TOPDESK", 61


async def topdesk_incident(run: Run) -> None:
    h = await open_email_contact(run, CONTACT_ID, REFERENCE)
    await h.execute_update(ContactWorkflow.claim, ClaimRequest(AGENT))
    await h.execute_update(ContactWorkflow.reply, ReplyRequest(AGENT, 2020))
    run.step("state_waiting", await state(h))
    incident = await run.client.start_workflow(
        IncidentWorkflow.run,
        IncidentInput(INCIDENT_ROW, CONTACT_ID, REFERENCE, poll_seconds=300),
        id=incident_workflow_id(CONTACT_ID, 1),
        task_queue=run.task_queue,
    )
    run.outcome.workflow_ids.append(incident.id)
    await run.called(incident.id, "note_topdesk_trouble")  # the login was refused
    await incident.signal(IncidentWorkflow.poll_soon, PollSoon("admin"))
    await run.called(incident.id, "create_topdesk_incident", 2)
    await run.until(lambda: _numbered(incident), "the incident made")
    await incident.signal(IncidentWorkflow.poll_soon, PollSoon("webhook"))
    await run.called(incident.id, "poll_topdesk_incident")
    run.outcome.results[incident.id] = await incident.result()  # the timer gives poll 2
    await run.projected(h.id, "topdesk_answered")
    run.step("state_answered", await state(h))
    await h.execute_update(ContactWorkflow.close, CloseRequest(AGENT, REASON_ANSWERED))
    await run.finish_contact(h, REFERENCE)


async def _numbered(handle) -> bool:
    result: IncidentResult = await handle.query(IncidentWorkflow.state)
    return bool(result.number)
