"""AVG requests (handled by the records manager as privacy officer): subject access
export (one ZIP), erasure carried out or refused with its legal ground, and the
register of requests. Rectification is the customers area's customer editing
(api/routes/customers/klantbeeld.py), which keeps the history of every change."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import col, select

from api.deps import DbSession, RecordsManager, client_ip
from db.models.contacts import Customer
from db.models.records import PrivacyRequest
from services import audit
from services.access import Viewer
from services.records.privacy import erase_customer, erasure_refusal, subject_access_export

router = APIRouter(tags=["privacy"])


class PrivacyRequestOut(BaseModel):
    id: int
    customer_id: int | None
    kind: str
    outcome: str
    legal_reason: str
    handled_by: int | None
    created_at: datetime
    detail: dict


async def _log_request(session, viewer, request, customer_id, kind, outcome, reason="", **detail):
    row = PrivacyRequest(
        customer_id=customer_id,
        kind=kind,
        outcome=outcome,
        legal_reason=reason,
        handled_by=viewer.id,
        detail=detail,
    )
    session.add(row)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=f"privacy.{kind}",
        object_type="customer",
        object_id=customer_id,
        origin=client_ip(request),
        result="ok" if outcome == "done" else "denied",
        detail={"outcome": outcome, **detail},
    )
    await session.commit()
    return row


@router.get("/api/privacy/customers/{customer_id}/export")
async def api_subject_access(
    customer_id: int, request: Request, viewer: RecordsManager, session: DbSession
):
    """Everything PULSE holds on the customer: data.json + messages and files, one ZIP."""
    try:
        data = await subject_access_export(session, customer_id)
    except LookupError:
        raise HTTPException(status_code=404, detail="Not found") from None
    await _log_request(session, viewer, request, customer_id, "access", "done", size=len(data))
    stamp = datetime.now(UTC).strftime("%Y%m%d")
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="inzage-klant-{customer_id}-{stamp}.zip"'
        },
    )


class ErasureIn(BaseModel):
    confirm: bool  # must be true: erasure cannot be undone
    request_reference: str = Field(default="", max_length=100)  # e.g. the letter's number


async def handle_erasure(
    session, viewer: Viewer, request: Request, customer_id: int, request_reference: str
) -> PrivacyRequest:
    """Carry out an erasure request, or refuse it with the legal ground; both are
    recorded in the register of requests (and the audit log)."""
    if await session.get(Customer, customer_id) is None:
        raise HTTPException(status_code=404, detail="Not found")
    ref = {"request_reference": request_reference}
    refusal = await erasure_refusal(session, customer_id, datetime.now(UTC).date())
    if refusal:
        return await _log_request(
            session, viewer, request, customer_id, "erasure", "refused", refusal, **ref
        )
    done = await erase_customer(session, customer_id)
    return await _log_request(
        session, viewer, request, customer_id, "erasure", "done", **done, **ref
    )


@router.post("/api/privacy/customers/{customer_id}/erasure", response_model=PrivacyRequestOut)
async def api_erasure(
    customer_id: int,
    body: ErasureIn,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
):
    """Carry out an erasure request, or refuse it with the legal ground (recorded)."""
    if not body.confirm:
        raise HTTPException(status_code=422, detail="Confirm the erasure (confirm: true).")
    row = await handle_erasure(session, viewer, request, customer_id, body.request_reference)
    return PrivacyRequestOut.model_validate(row, from_attributes=True)


async def recent_requests(session, limit: int = 200) -> list[PrivacyRequest]:
    rows = await session.exec(
        select(PrivacyRequest).order_by(col(PrivacyRequest.id).desc()).limit(limit)
    )
    return list(rows.all())


@router.get("/api/privacy/requests", response_model=list[PrivacyRequestOut])
async def api_privacy_requests(viewer: RecordsManager, session: DbSession):
    rows = await recent_requests(session)
    return [PrivacyRequestOut.model_validate(r, from_attributes=True) for r in rows]
