"""AVG requests (handled by the records manager as privacy officer): subject access
export (one ZIP), erasure carried out or refused with its legal ground, and the
register of requests. Rectification is customer editing in the klantbeeld
(api/routes/customers/), which keeps the history of every change."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from api.deps import DbSession, RecordsManager, client_ip
from api.validation import IntId
from services.records.privacy import subject_access_export
from services.records.requests import handle_erasure, log_request, recent_requests

router = APIRouter(tags=["privacy"])


class PrivacyRequestOut(BaseModel):
    id: int
    customer_id: IntId | None
    kind: str
    outcome: str
    legal_reason: str
    handled_by: int | None
    created_at: datetime
    detail: dict


@router.get("/api/privacy/customers/{customer_id}/export")
async def api_subject_access(
    customer_id: IntId, request: Request, viewer: RecordsManager, session: DbSession
):
    """Everything PULSE holds on the customer: data.json + messages and files, one ZIP."""
    try:
        data = await subject_access_export(session, customer_id)
    except LookupError:
        raise HTTPException(status_code=404, detail="Not found") from None
    await log_request(
        session, viewer, client_ip(request), customer_id, "access", "done", size=len(data)
    )
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


@router.post("/api/privacy/customers/{customer_id}/erasure", response_model=PrivacyRequestOut)
async def api_erasure(
    customer_id: IntId,
    body: ErasureIn,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
):
    """Carry out an erasure request, or refuse it with the legal ground (recorded)."""
    if not body.confirm:
        raise HTTPException(status_code=422, detail="Confirm the erasure (confirm: true).")
    row = await handle_erasure(
        session, viewer, client_ip(request), customer_id, body.request_reference
    )
    return PrivacyRequestOut.model_validate(row, from_attributes=True)


@router.get("/api/privacy/requests", response_model=list[PrivacyRequestOut])
async def api_privacy_requests(viewer: RecordsManager, session: DbSession):
    rows = await recent_requests(session)
    return [PrivacyRequestOut.model_validate(r, from_attributes=True) for r in rows]
