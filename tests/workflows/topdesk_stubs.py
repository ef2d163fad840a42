"""Stand-ins for the TOPdesk activities (activities/topdesk.py), mixed into Stubs.

``StubConfig.topdesk_refusals`` says how many create attempts TOPdesk refuses the
login for (raised as the real activity raises it: non-retryable
``TopdeskUnauthorized``); ``topdesk_polls`` is what each poll reads, in turn.
"""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from contracts.topdesk import UNAUTHORIZED, CreatedIncident, IncidentRef, PollResult, TroubleInput

INCIDENT_NUMBER = "I 2612 001"


class TopdeskStubs:
    def topdesk_activities(self) -> list:
        return [self.create_topdesk_incident, self.poll_topdesk_incident, self.note_topdesk_trouble]

    @activity.defn(name="create_topdesk_incident")
    async def create_topdesk_incident(self, ref: IncidentRef) -> CreatedIncident:
        self._record("create_topdesk_incident", ref)
        if len(self.args(activity.info().workflow_id, "create_topdesk_incident")) <= (
            self.config.topdesk_refusals
        ):
            raise ApplicationError("login refused", type=UNAUTHORIZED, non_retryable=True)
        return CreatedIncident(INCIDENT_NUMBER, "Registered")

    @activity.defn(name="poll_topdesk_incident")
    async def poll_topdesk_incident(self, ref: IncidentRef) -> PollResult:
        self._record("poll_topdesk_incident", ref)
        polls = self.config.topdesk_polls
        count = len(self.args(activity.info().workflow_id, "poll_topdesk_incident"))
        return polls[min(count, len(polls)) - 1]

    @activity.defn(name="note_topdesk_trouble")
    async def note_topdesk_trouble(self, inp: TroubleInput) -> None:
        self._record("note_topdesk_trouble", inp)
