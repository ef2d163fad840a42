"""The register of AVG requests: every subject access and erasure request handled
(an erasure refused for what a retention duty keeps and carried out for the rest),
with its outcome and legal ground, recorded with its audit line."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import HTTPException
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Customer
from db.models.records import PrivacyRequest
from services import audit
from services.access import Viewer
from services.records.partial_erasure import erase_unretained
from services.records.privacy import erase_customer, erasure_refusal


async def log_request(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    customer_id: int | None,
    kind: str,
    outcome: str,
    reason: str = "",
    **detail: Any,
) -> PrivacyRequest:
    """One row in the register, and its audit line ("denied" when not carried out)."""
    row = PrivacyRequest(
        customer_id=customer_id,
        kind=kind,
        outcome=outcome,
        legal_reason=reason,
        handled_by=viewer.id,
        detail=detail,
    )
    session.add(row)
    await audit.record_for(
        session,
        viewer,
        f"privacy.{kind}",
        "customer",
        customer_id,
        origin=origin,
        result="ok" if outcome == "done" else "denied",
        detail={"outcome": outcome, **detail},
    )
    return row


async def handle_erasure(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    customer_id: int,
    request_reference: str,
) -> PrivacyRequest:
    """Carry out an erasure request, or refuse it with the legal ground; both are
    recorded in the register of requests (and the audit log)."""
    if await session.get(Customer, customer_id) is None:
        raise HTTPException(status_code=404, detail="Not found")
    ref = {"request_reference": request_reference}
    today = datetime.now(UTC).date()
    refusal = await erasure_refusal(session, customer_id, today)
    if refusal:
        # What no retained contact needs is erased now; the rest is refused item by item.
        items = await erase_unretained(session, customer_id, today)
        outcome = "partial" if any(i["outcome"] == "erased" for i in items) else "refused"
        return await log_request(
            session, viewer, origin, customer_id, "erasure", outcome, refusal, items=items, **ref
        )
    done = await erase_customer(session, customer_id)
    return await log_request(session, viewer, origin, customer_id, "erasure", "done", **done, **ref)


async def recent_requests(session: AsyncSession, limit: int = 200) -> list[PrivacyRequest]:
    rows = await session.exec(
        select(PrivacyRequest).order_by(col(PrivacyRequest.id).desc()).limit(limit)
    )
    return list(rows.all())
