"""What the contact page and the admins see of a contact's TOPdesk incidents."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.events import LiveEvent, publish
from db.models.contacts import Contact, ContactEvent
from db.models.topdesk import TopdeskIncident


@dataclass(frozen=True)
class IncidentView:
    id: int
    number: str  # "" until TOPdesk has made it
    brief_description: str
    status: str
    done: bool
    answer: str
    problem: str  # "", "unavailable", "unauthorized", "rejected"
    actions: list[dict] = field(default_factory=list)  # operator actions: text, operator, at

    @property
    def pending(self) -> bool:
        """Not made yet, or TOPdesk cannot be reached: "TOPdesk pending"."""
        return not self.number or self.problem != ""


def _view(row: TopdeskIncident, actions: list[dict]) -> IncidentView:
    return IncidentView(
        id=row.id,
        number=row.number or "",
        brief_description=row.brief_description,
        status=row.status,
        done=row.done,
        answer=row.answer,
        problem=row.problem,
        actions=actions,
    )


async def incidents_of(session: AsyncSession, contact_id: int) -> list[IncidentView]:
    rows = await session.exec(
        select(TopdeskIncident)
        .where(TopdeskIncident.contact_id == contact_id)
        .order_by(TopdeskIncident.seq)
    )
    incidents = rows.all()
    if not incidents:
        return []
    events = await session.exec(
        select(ContactEvent)
        .where(ContactEvent.contact_id == contact_id, ContactEvent.kind == "topdesk_action")
        .order_by(ContactEvent.id)
    )
    actions: dict[int, list[dict]] = {}
    for e in events.all():
        actions.setdefault(e.detail.get("incident_id"), []).append(e.detail)
    return [_view(r, actions.get(r.id, [])) for r in incidents]


async def login_refused(session: AsyncSession) -> list[tuple[str, str]]:
    """The admins' notice: incidents waiting because TOPdesk refuses PULSE's login
    (contact reference, incident), newest first."""
    rows = await session.exec(
        select(Contact.reference, TopdeskIncident.brief_description)
        .join(Contact, Contact.id == TopdeskIncident.contact_id)
        .where(TopdeskIncident.problem == "unauthorized")
        .order_by(TopdeskIncident.problem_at.desc())
        .limit(50)
    )
    return [(ref, brief) for ref, brief in rows.all()]


async def announce_change(session: AsyncSession, row: TopdeskIncident) -> None:
    """The contact's page re-reads its incidents (a live event, on commit)."""
    contact = await session.get(Contact, row.contact_id)
    await publish(
        session,
        LiveEvent(
            "contact",
            contact.id,
            contact.product_id,
            contact.reference,
            contact.status,
            contact.assignee_id,
        ),
    )
