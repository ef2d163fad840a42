"""Signals as people work them: an agent raises one from a contact; managers (every
product) and trafficers (their own products) list them, read one, add notes and move
it along new -> investigating -> forwarded -> resolved | dismissed. Every change is
audited and committed here; routes only parse and render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.roles import Role
from db.models.signals import Signal, SignalContact, SignalNote
from rules.signals import AGENT, KINDS
from services import audit
from services.access import READ_CONTACTS, RoleNotAllowed, Viewer, get_contact_for_user
from services.reports.period import today_local

STATUSES = ("new", "investigating", "forwarded", "resolved", "dismissed")
# where each status may go next (forwarding itself is services/signals/forward.py)
NEXT = {
    "new": ("investigating", "dismissed"),
    "investigating": ("resolved", "dismissed"),
    "forwarded": ("resolved", "dismissed"),
    "resolved": (),
    "dismissed": (),
}
CLOSED = ("resolved", "dismissed")
SIGNAL_READERS = frozenset({Role.manager, Role.trafficer})
MAX_NOTE = 4000


class BadSignalInput(ValueError):
    """A note, status or filter the signals do not accept (HTTP 400)."""


class NoSuchSignal(LookupError):
    """Not there (HTTP 404)."""


def require_signal_reader(viewer: Viewer) -> None:
    if viewer.role not in SIGNAL_READERS:
        raise RoleNotAllowed("only managers and trafficers see signals")


def _may_see(viewer: Viewer, product_id: int) -> bool:
    return viewer.role == Role.manager or viewer.may_see_product(product_id)


def _note_text(body: str, required: bool) -> str:
    body = (body or "").strip()
    if required and not body:
        raise BadSignalInput("Write a note: what keeps coming back?")
    if len(body) > MAX_NOTE:
        raise BadSignalInput(f"A note is at most {MAX_NOTE} characters.")
    return body


async def raise_from_contact(
    session: AsyncSession, viewer: Viewer, reference: str, note: str, origin: str | None
) -> int:
    """An agent's "this keeps coming back": a signal on the contact's product and
    reason, the contact linked, the note kept. Committed; the new signal's id."""
    if viewer.role not in READ_CONTACTS:
        raise RoleNotAllowed("only people who work contacts raise signals")
    # access first: someone not accredited learns nothing, not even that the note is short
    contact = await get_contact_for_user(session, viewer, reference)  # 404 if not theirs
    body = _note_text(note, required=True)
    signal = Signal(
        kind=AGENT,
        product_id=contact.product_id,
        reason_id=contact.close_reason_id,
        day=today_local(),
        title=(contact.subject or reference)[:300],
        figures={"contact": reference},
        raised_by_id=viewer.id,
    )
    session.add(signal)
    await session.flush()
    session.add(SignalNote(signal_id=signal.id, author_id=viewer.id, body=body))
    session.add(SignalContact(signal_id=signal.id, contact_id=contact.id))
    await audit.record_for(session, viewer, "signal.raise", "signal", signal.id, origin=origin)
    await session.commit()
    return signal.id


@dataclass(frozen=True)
class SignalFilter:
    status: str | None = None
    kind: str | None = None
    product_id: int | None = None

    def check(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise BadSignalInput(f"Unknown status {self.status!r}.")
        if self.kind is not None and self.kind not in KINDS:
            raise BadSignalInput(f"Unknown kind {self.kind!r}.")


_LIST = text(
    """SELECT s.id, s.kind, s.status, s.day, s.title, s.figures, s.product_id,
              p.code AS product, r.label_nl, r.label_en, u.full_name AS owner
         FROM signals s JOIN products p ON p.id = s.product_id
         LEFT JOIN contact_reasons r ON r.id = s.reason_id
         LEFT JOIN users u ON u.id = s.owner_id
        WHERE (CAST(:status AS text) IS NULL OR s.status = :status)
          AND (CAST(:kind AS text) IS NULL OR s.kind = :kind)
          AND (CAST(:product AS int) IS NULL OR s.product_id = :product)
          AND (CAST(:all AS boolean) OR s.product_id = ANY(CAST(:products AS int[])))
        ORDER BY s.day DESC, s.id DESC LIMIT 500"""
)


async def list_signals(session: AsyncSession, viewer: Viewer, filt: SignalFilter) -> list[dict]:
    require_signal_reader(viewer)
    filt.check()
    if filt.product_id is not None and not _may_see(viewer, filt.product_id):
        raise RoleNotAllowed("not one of your products")
    rows = await session.execute(
        _LIST,
        {
            "status": filt.status,
            "kind": filt.kind,
            "product": filt.product_id,
            "all": viewer.role == Role.manager,
            "products": list(viewer.product_ids),
        },
    )
    return [dict(r._mapping) for r in rows]


@dataclass
class SignalDetail:
    signal: Signal
    product: str
    reason: str
    owner: str
    notes: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)


async def get_signal(session: AsyncSession, viewer: Viewer, signal_id: int) -> Signal:
    """The signal, for a reader of its product (403 for other products)."""
    require_signal_reader(viewer)
    signal = await session.get(Signal, signal_id)
    if signal is None:
        raise NoSuchSignal("No such signal.")
    if not _may_see(viewer, signal.product_id):
        raise RoleNotAllowed("not one of your products")
    return signal


async def signal_detail(session: AsyncSession, viewer: Viewer, signal_id: int) -> SignalDetail:
    signal = await get_signal(session, viewer, signal_id)
    params = {"id": signal.id}
    head = (
        await session.execute(
            text(
                """SELECT p.code, coalesce(CASE WHEN :en THEN r.label_en ELSE r.label_nl END, ''),
                          coalesce(u.full_name, '')
                     FROM signals s JOIN products p ON p.id = s.product_id
                     LEFT JOIN contact_reasons r ON r.id = s.reason_id
                     LEFT JOIN users u ON u.id = s.owner_id WHERE s.id = :id"""
            ),
            {**params, "en": viewer.language == "en"},
        )
    ).one()
    notes = await session.execute(
        text(
            """SELECT n.body, n.created_at, coalesce(u.full_name, '') AS author
                 FROM signal_notes n LEFT JOIN users u ON u.id = n.author_id
                WHERE n.signal_id = :id ORDER BY n.id"""
        ),
        params,
    )
    contacts = await session.execute(
        text(
            """SELECT c.reference, c.subject, c.created_at FROM signal_contacts sc
                 JOIN contacts c ON c.id = sc.contact_id WHERE sc.signal_id = :id
                ORDER BY c.id"""
        ),
        params,
    )
    return SignalDetail(
        signal,
        head[0],
        head[1],
        head[2],
        [dict(r._mapping) for r in notes],
        [dict(r._mapping) for r in contacts],
    )


async def add_note(
    session: AsyncSession, viewer: Viewer, signal_id: int, body: str, origin: str | None
) -> None:
    signal = await get_signal(session, viewer, signal_id)
    session.add(SignalNote(signal_id=signal.id, author_id=viewer.id, body=_note_text(body, True)))
    await audit.record_for(session, viewer, "signal.note", "signal", signal.id, origin=origin)
    await session.commit()


def moved(signal: Signal, status: str, viewer: Viewer) -> None:
    """Set the new status (checked), its owner and times on the row."""
    now = datetime.now(UTC)
    signal.status = status
    signal.updated_at = now
    if signal.owner_id is None:
        signal.owner_id = viewer.id  # who picks it up owns it
    if status in CLOSED:
        signal.closed_at = now


async def change_status(
    session: AsyncSession,
    viewer: Viewer,
    signal_id: int,
    status: str,
    note: str,
    origin: str | None,
) -> None:
    """Move the signal on (with an optional note); audited with from and to."""
    signal = await get_signal(session, viewer, signal_id)
    if status not in STATUSES:
        raise BadSignalInput(f"Unknown status {status!r}.")
    if status not in NEXT[signal.status]:
        raise BadSignalInput(f"A {signal.status} signal cannot become {status}.")
    before = signal.status
    moved(signal, status, viewer)
    body = _note_text(note, required=False)
    if body:
        session.add(SignalNote(signal_id=signal.id, author_id=viewer.id, body=body))
    await audit.record_for(
        session,
        viewer,
        "signal.status",
        "signal",
        signal.id,
        origin=origin,
        detail={"from": before, "to": status},
    )
    await session.commit()
