"""Rectification requests (AVG art. 16): the records manager registers one for a
customer, the agents correct the customer on the klantbeeld as always, and the
request is closed with the answer letter to the customer.

Linking is automatic and needs no choice on the edit form: a customer has at most
one open rectification request, and every ``customer_changes`` row written for that
customer while it is open belongs to it. Closing freezes the linked change ids
and the letter into the request's ``detail``, so the register keeps showing them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Customer
from db.models.customers import CustomerChange
from db.models.records import PrivacyRequest
from services import audit
from services.access import Viewer

KIND = "rectification"
OPEN = "open"
LETTER_MAX = 5000


class RectificationRefused(ValueError):
    """The request cannot be registered or closed as asked; ``code`` says why (the
    pages show it as ``privacy.problem.<code>``)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class RequestNotFound(LookupError):
    pass


async def open_request(session: AsyncSession, customer_id: int) -> PrivacyRequest | None:
    rows = await session.exec(
        select(PrivacyRequest).where(
            PrivacyRequest.customer_id == customer_id,
            PrivacyRequest.kind == KIND,
            PrivacyRequest.outcome == OPEN,
        )
    )
    return rows.first()


async def register_request(
    session: AsyncSession, viewer: Viewer, origin: str | None, customer_id: int, reference: str
) -> PrivacyRequest:
    """Open a rectification request; refused while another one is open for the customer."""
    if await session.get(Customer, customer_id) is None:
        raise RequestNotFound(customer_id)
    if await open_request(session, customer_id) is not None:
        raise RectificationRefused(
            "already_open", "A rectification request is already open for this customer."
        )
    row = PrivacyRequest(
        customer_id=customer_id,
        kind=KIND,
        outcome=OPEN,
        handled_by=viewer.id,
        detail={"request_reference": reference},
    )
    session.add(row)
    await session.flush()
    await _audit(session, viewer, origin, row, "registered")
    return row


async def linked_changes(session: AsyncSession, row: PrivacyRequest) -> list[CustomerChange]:
    """The corrections belonging to the request: frozen ids once closed, else the
    changes made to the customer since it was registered."""
    query = select(CustomerChange).order_by(col(CustomerChange.id))
    if row.outcome == OPEN:
        query = query.where(
            CustomerChange.customer_id == row.customer_id,
            CustomerChange.at >= row.created_at,
        )
    else:
        ids = row.detail.get("change_ids") or []
        if not ids:
            return []
        query = query.where(col(CustomerChange.id).in_(ids))
    return list((await session.exec(query)).all())


async def close_request(
    session: AsyncSession, viewer: Viewer, origin: str | None, request_id: int, letter: str
) -> PrivacyRequest:
    """Record the answer letter and close the request with its linked changes."""
    row = await session.get(PrivacyRequest, request_id)
    if row is None or row.kind != KIND:
        raise RequestNotFound(request_id)
    if row.outcome != OPEN:
        raise RectificationRefused(
            "already_closed", "This rectification request is already closed."
        )
    letter = letter.strip()
    if not letter:
        raise RectificationRefused("no_letter", "Record the answer letter to the customer first.")
    if len(letter) > LETTER_MAX:
        raise RectificationRefused(
            "too_long", f"The letter is longer than {LETTER_MAX} characters."
        )
    changes = await linked_changes(session, row)
    row.detail = {
        **row.detail,
        "change_ids": [c.id for c in changes],
        "letter": letter,
        "closed_at": datetime.now(UTC).isoformat(),
        "closed_by": viewer.id,
    }
    row.outcome = "done"
    session.add(row)
    await _audit(session, viewer, origin, row, "closed")
    return row


async def _audit(session, viewer: Viewer, origin, row: PrivacyRequest, step: str) -> None:
    await audit.record_for(
        session,
        viewer,
        f"privacy.{KIND}",
        "customer",
        row.customer_id,
        origin=origin,
        result="ok",
        detail={"request_id": row.id, "step": step},
    )
