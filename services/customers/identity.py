"""Checking who a caller is without showing their BSN, and showing it when a task
really needs it ("break the glass").

- Verify: the agent types the number the caller gives; PULSE answers match or no
  match by the keyed hash (services.customers.identifiers), so the BSN is never on screen.
- Reveal: the full number of one identifier, only with a written reason; the reason
  goes into the audit log with the read (BIO: every view of a BSN is accountable).

Both are rate-limited per user through the audit log itself (no extra table), so
the verify form cannot be used to guess a BSN and reveals stay exceptional.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from db.models.contacts import Customer
from db.models.customers import CustomerIdentifier
from services import audit
from services.access import Viewer
from services.customers.identifiers import SECRET_KINDS, identifier_keys, normalize_identifier
from services.customers.service import CustomerNotFound

VERIFY_ACTION = "customer.identifier.verify"
REVEAL_ACTION = "customer.identifier.reveal"
VERIFY_LIMIT_PER_HOUR = 30
REVEAL_LIMIT_PER_HOUR = 10
MIN_REASON_LENGTH = 10


class TooManyAttempts(Exception):
    """The user reached the hourly limit of verifications or reveals."""


class ReasonRequired(ValueError):
    """A reveal needs a reason of at least MIN_REASON_LENGTH characters."""


@dataclass
class Verification:
    kind: str
    match: bool


async def _recent(session: AsyncSession, viewer: Viewer, action: str) -> int:
    row = await session.execute(
        text(
            "SELECT count(*) FROM audit_events WHERE action = :action AND actor_id = :actor "
            "AND at > now() - interval '1 hour'"
        ),
        {"action": action, "actor": viewer.id},
    )
    return row.scalar_one()


async def _customer(session: AsyncSession, customer_id: int) -> Customer:
    customer = await session.get(Customer, customer_id)
    if customer is None or customer.merged_into_id is not None:
        raise CustomerNotFound(customer_id)
    return customer


async def verify_identifier(
    session: AsyncSession,
    settings: Settings,
    viewer: Viewer,
    origin: str | None,
    customer_id: int,
    kind: str,
    raw: str,
) -> Verification:
    """Does ``raw`` match this customer's identifier of ``kind``? InvalidIdentifier
    when it is no valid number at all (so a typo is not reported as "no match")."""
    await _customer(session, customer_id)
    if await _recent(session, viewer, VERIFY_ACTION) >= VERIFY_LIMIT_PER_HOUR:
        raise TooManyAttempts(VERIFY_ACTION)
    value = normalize_identifier(kind, raw)
    digest = identifier_keys(settings).lookup_hash(kind, value)
    found = (
        await session.exec(
            select(CustomerIdentifier.id).where(
                CustomerIdentifier.customer_id == customer_id,
                CustomerIdentifier.kind == kind,
                CustomerIdentifier.lookup_hash == digest,
            )
        )
    ).first()
    match = found is not None
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=VERIFY_ACTION,
        object_type="customer",
        object_id=customer_id,
        origin=origin,
        detail={"kind": kind, "match": match},
    )
    await session.commit()
    return Verification(kind=kind, match=match)


async def reveal_identifier(
    session: AsyncSession,
    settings: Settings,
    viewer: Viewer,
    origin: str | None,
    customer_id: int,
    identifier_id: int,
    reason: str,
) -> tuple[str, str]:
    """(kind, full value) of one identifier, with the reason audited."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ReasonRequired(f"give a reason of at least {MIN_REASON_LENGTH} characters")
    await _customer(session, customer_id)
    row = await session.get(CustomerIdentifier, identifier_id)
    if row is None or row.customer_id != customer_id:
        raise CustomerNotFound(identifier_id)
    if await _recent(session, viewer, REVEAL_ACTION) >= REVEAL_LIMIT_PER_HOUR:
        raise TooManyAttempts(REVEAL_ACTION)
    value = row.value
    if row.kind in SECRET_KINDS and row.sealed is not None:
        value = identifier_keys(settings).unseal(row.kind, row.sealed)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=REVEAL_ACTION,
        object_type="customer",
        object_id=customer_id,
        origin=origin,
        detail={"kind": row.kind, "identifier_id": row.id, "reason": reason[:500]},
    )
    await session.commit()
    return row.kind, value
