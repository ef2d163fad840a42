"""A contact's record in the archive: its state ("archiving pending" ...) and the
legal hold that blocks its destruction."""

from __future__ import annotations

from datetime import date, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.deps import ContactReader, DbSession, RecordsManager, client_ip
from db.models.records import ContactRecord
from services.records.archive import record_of_contact, set_legal_hold

router = APIRouter(tags=["records"])


class RecordOut(BaseModel):
    reference: str
    status: str  # pending ("archiving pending") / archived / destroyed
    backend: str
    documents: int
    closed_at: datetime | None
    archived_at: datetime | None
    disposal: str | None
    disposal_date: date | None
    legal_hold: bool
    legal_hold_reason: str
    attempts: int


def record_out(r: ContactRecord) -> RecordOut:
    return RecordOut(
        reference=r.reference,
        status=r.status,
        backend=r.backend,
        documents=len(r.documents),
        closed_at=r.closed_at,
        archived_at=r.archived_at,
        disposal=r.disposal,
        disposal_date=r.disposal_date,
        legal_hold=r.legal_hold,
        legal_hold_reason=r.legal_hold_reason,
        attempts=r.attempts,
    )


@router.get("/api/records/contacts/{reference}", response_model=RecordOut)
async def api_contact_record(reference: str, viewer: ContactReader, session: DbSession):
    """The archive state of a contact the viewer may see ("archiving pending" ...)."""
    return record_out(await record_of_contact(session, viewer, reference))


class LegalHoldIn(BaseModel):
    hold: bool
    reason: str = Field(default="", max_length=2000)


@router.post("/api/records/contacts/{reference}/legal-hold", response_model=RecordOut)
async def api_legal_hold(
    reference: str,
    body: LegalHoldIn,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
):
    """Put a record under legal hold (blocks destruction) or lift it."""
    record = await set_legal_hold(
        session, viewer, reference, body.hold, body.reason, client_ip(request)
    )
    return record_out(record)
