"""IncidentWorkflow: one TOPdesk incident made from a contact, followed until
TOPdesk completes or closes it (ID ``topdesk-incident-<contact id>-<seq>``).

It makes the incident (idempotent by the contact's reference as TOPdesk's
``externalNumber``), then reads it back on a timer; a webhook from a TOPdesk
automated action (signal ``poll_soon``) makes it read sooner. The poll records new
status and operator actions on the contact's history. When TOPdesk is done, it
tells the contact's workflow (signal ``topdesk_answered``), which puts the contact
back in the agent's inbox.

TOPdesk unreachable, 429 or 5xx: the activity retries with back-off (the contact
shows "TOPdesk pending"). A refused login (401): noted for the admins, then the
workflow waits and tries again later, so the request is never lost. A request
TOPdesk refuses as such (400): noted on the contact, and the workflow stops.
"""

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import TopdeskActivityApi
    from contracts.contact import contact_workflow_id
    from contracts.topdesk import (
        ANSWERED_SIGNAL,
        REJECTED,
        UNAUTHORIZED,
        IncidentInput,
        IncidentRef,
        IncidentResult,
        PollSoon,
        TopdeskAnswered,
        TroubleInput,
    )
    from workflows.options import DB_REMOTE_ACTIVITY, TOPDESK_ACTIVITY


class _Refused(Exception):
    """TOPdesk will never take this request: the workflow ends."""


@workflow.defn
class IncidentWorkflow:
    def __init__(self) -> None:
        self._soon = False
        self._result = IncidentResult()

    @workflow.run
    async def run(self, inp: IncidentInput) -> IncidentResult:
        ref = IncidentRef(inp.incident_id)
        try:
            if not inp.created:
                created = await self._taken(inp, TopdeskActivityApi.create_topdesk_incident, ref)
                self._result.number, self._result.status = created.number, created.status
            while not self._result.done:
                if workflow.info().is_continue_as_new_suggested():
                    inp.created = True
                    workflow.continue_as_new(inp)
                await self._wait(inp.poll_seconds)
                polled = await self._taken(inp, TopdeskActivityApi.poll_topdesk_incident, ref)
                self._result.status, self._result.done = polled.status, polled.done
        except _Refused:
            return self._result
        contact = workflow.get_external_workflow_handle(contact_workflow_id(inp.contact_reference))
        await contact.signal(ANSWERED_SIGNAL, TopdeskAnswered(inp.incident_id, self._result.number))
        return self._result

    async def _taken(self, inp: IncidentInput, method, ref: IncidentRef):
        """Run the activity until TOPdesk takes it; a refused login waits for an admin."""
        while True:
            try:
                return await workflow.execute_activity_method(method, ref, **TOPDESK_ACTIVITY)
            except ActivityError as err:
                cause = err.cause
                if not isinstance(cause, ApplicationError) or cause.type not in (
                    UNAUTHORIZED,
                    REJECTED,
                ):
                    raise
                await workflow.execute_activity_method(
                    TopdeskActivityApi.note_topdesk_trouble,
                    TroubleInput(inp.incident_id, cause.type or "", cause.message),
                    **DB_REMOTE_ACTIVITY,
                )
                if cause.type == REJECTED:
                    raise _Refused() from err
                await self._wait(inp.retry_unauthorized_seconds)

    async def _wait(self, seconds: int) -> None:
        """Wait the interval, or less when asked to read sooner."""
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._soon, timeout=timedelta(seconds=seconds))
        self._soon = False

    @workflow.signal(name="poll_soon")
    def poll_soon(self, req: PollSoon) -> None:
        self._soon = True

    @workflow.query(name="state")
    def state(self) -> IncidentResult:
        return self._result
