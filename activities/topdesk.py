"""The I/O of the incident workflow: make the TOPdesk incident of a contact, read it
back (status and progress trail) and record what changed on the contact, and note
what went wrong where admins and agents see it.

Each is idempotent: the incident is found by its ``externalNumber`` (the contact's
reference) before one is made, and progress trail entries already recorded are
named in the row (``seen_entries``), so a retried activity records nothing twice.
A 401 is raised as non-retryable ``TopdeskUnauthorized`` (an admin must fix the
login; the workflow waits); being unreachable, a 429 or a 5xx is retried by the
activity's retry policy, with the contact showing "TOPdesk pending" meanwhile.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from adapters.topdesk.client import (
    NewIncident,
    TopdeskClient,
    TopdeskRejected,
    TopdeskUnauthorized,
    TopdeskUnavailable,
)
from config.settings import Settings
from contracts.topdesk import (
    REJECTED,
    UNAUTHORIZED,
    CreatedIncident,
    IncidentRef,
    PollResult,
    TroubleInput,
)
from db.models.contacts import ContactEvent, utcnow
from db.models.topdesk import TopdeskIncident
from db.session import session_scope
from services.topdesk.trail import new_entries, visible_answer
from services.topdesk.views import announce_change

UNAVAILABLE = "unavailable"  # the row's problem while TOPdesk cannot be reached


class TopdeskActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        client: TopdeskClient | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self._client = client

    def client(self) -> TopdeskClient:
        if self._client is None:  # built on first use: a worker without TOPdesk still runs
            self._client = TopdeskClient(self.settings)
        return self._client

    @activity.defn
    async def create_topdesk_incident(self, ref: IncidentRef) -> CreatedIncident:
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(TopdeskIncident, ref.incident_id)
            if row is None:  # the request's transaction did not commit: nothing to make
                raise ApplicationError("no such incident request", non_retryable=True)
            if row.number:  # made by an earlier attempt that lost its answer
                return CreatedIncident(row.number, row.status)
            new = NewIncident(
                brief_description=row.brief_description,
                request=row.request,
                external_number=row.external_number,
                caller_email=row.caller_email,
                caller_name=row.caller_name,
                category_id=row.category_id,
                subcategory_id=row.subcategory_id,
                operator_group_id=row.operator_group_id,
            )
        found = await self._talk(ref.incident_id, self._find_or_create(new))
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(TopdeskIncident, ref.incident_id, with_for_update=True)
            row.topdesk_id, row.number = found["id"], found["number"]
            row.status = (found.get("processingStatus") or {}).get("name", "")
            _clear_problem(row)
            await _event(s, row, "topdesk_created", {"number": row.number, "status": row.status})
            return CreatedIncident(row.number, row.status)

    async def _find_or_create(self, new: NewIncident) -> dict:
        existing = await self.client().find_by_external_number(new.external_number)
        return existing or await self.client().create_incident(new)

    @activity.defn
    async def poll_topdesk_incident(self, ref: IncidentRef) -> PollResult:
        async with session_scope(self.sessionmaker) as s:
            topdesk_id = (await s.get(TopdeskIncident, ref.incident_id)).topdesk_id
        incident = await self._talk(ref.incident_id, self.client().incident(topdesk_id))
        trail = await self._talk(ref.incident_id, self.client().progress_trail(topdesk_id))
        status = (incident.get("processingStatus") or {}).get("name", "")
        done = bool(incident.get("completed") or incident.get("closed"))
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(TopdeskIncident, ref.incident_id, with_for_update=True)
            fresh = new_entries(trail, set(row.seen_entries))
            for entry in fresh:  # oldest first, as they happened
                await _event(s, row, "topdesk_action", entry.detail())
            row.seen_entries = [*row.seen_entries, *(e.id for e in fresh)]
            if status != row.status:
                await _event(s, row, "topdesk_status", {"number": row.number, "status": status})
                row.status = status
            if done and not row.done:
                row.done, row.answer = True, visible_answer(trail)
            _clear_problem(row)
            return PollResult(status=status, done=row.done, new_entries=len(fresh))

    @activity.defn
    async def note_topdesk_trouble(self, inp: TroubleInput) -> None:
        """A refusal the workflow waits out: on the contact and the admins' page."""
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(TopdeskIncident, inp.incident_id, with_for_update=True)
            kind = "unauthorized" if inp.kind == UNAUTHORIZED else "rejected"
            if row.problem != kind:
                await _event(s, row, f"topdesk_{kind}", {"number": row.number or ""})
            _set_problem(row, kind, inp.message)

    async def _talk(self, incident_id: int, call):
        """Await one TOPdesk call; note a failure on the row before raising it on."""
        try:
            return await call
        except TopdeskUnavailable as exc:
            await self._note(incident_id, UNAVAILABLE, str(exc))
            raise
        except TopdeskUnauthorized as exc:
            raise ApplicationError(str(exc), type=UNAUTHORIZED, non_retryable=True) from exc
        except TopdeskRejected as exc:
            raise ApplicationError(str(exc), type=REJECTED, non_retryable=True) from exc

    async def _note(self, incident_id: int, kind: str, message: str) -> None:
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(TopdeskIncident, incident_id, with_for_update=True)
            if row.problem != kind:
                _set_problem(row, kind, message)
                await announce_change(s, row)


def _set_problem(row: TopdeskIncident, kind: str, message: str) -> None:
    row.problem, row.problem_detail, row.problem_at = kind, message[:500], utcnow()
    row.updated_at = utcnow()


def _clear_problem(row: TopdeskIncident) -> None:
    row.problem, row.problem_detail, row.problem_at = "", "", None
    row.updated_at = utcnow()


async def _event(s: AsyncSession, row: TopdeskIncident, kind: str, detail: dict) -> None:
    detail = {"incident_id": row.id, **detail}
    s.add(ContactEvent(contact_id=row.contact_id, kind=kind, detail=detail))
    await announce_change(s, row)


def topdesk_activities(acts: TopdeskActivities) -> list:
    return [acts.create_topdesk_incident, acts.poll_topdesk_incident, acts.note_topdesk_trouble]
