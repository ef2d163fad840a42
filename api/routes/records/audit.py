"""Records area routes: the audit log (search, export, chain check).

Retention and destruction-list routes live here too (see below); privacy requests
are in api/routes/records/privacy.py and the Temporal codec in api/routes/codec.py.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from api.deps import (
    AuditReader,
    ContactReader,
    DbSession,
    RecordsManager,
    RetentionAdmin,
    TemporalClient,
    client_ip,
)
from api.rendering import render
from api.routes.contacts.ops import DecisionRefused
from contracts.records import DecideRequest, DecideResult
from db.models.contacts import Channel, Product
from db.models.records import (
    ContactRecord,
    DestructionCertificate,
    DestructionItem,
    DestructionList,
    Disposal,
    RetentionClass,
    RetentionClassCreate,
    RetentionClassPublic,
)
from services import audit
from services.access import (
    Viewer,
    get_contact_for_user,
)
from services.records.retention import class_for

router = APIRouter(tags=["records"])


class AuditEventOut(BaseModel):
    chain_seq: int | None
    at: str | None
    actor: str
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    result: str
    origin: str | None
    detail: dict[str, Any]
    prev_hash: str | None
    row_hash: str | None


class ChainCheckOut(BaseModel):
    ok: bool
    rows: int
    head_hash: str
    problems: list[str]


def audit_query(
    actor: str | None = None,
    action: str | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    result: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> audit.AuditQuery:
    return audit.AuditQuery(
        actor=actor or None,
        action=action or None,
        object_type=object_type or None,
        object_id=object_id or None,
        result=result or None,
        since=since,
        until=until,
        limit=limit,
        offset=offset,
    )


AuditFilter = Annotated[audit.AuditQuery, Depends(audit_query)]


async def _audited_search(request: Request, viewer: Viewer, session, q: audit.AuditQuery):
    rows = [audit.as_dict(e) for e in await audit.search(session, q)]
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="audit.search",
        object_type="audit_log",
        origin=client_ip(request),
        detail={k: str(v) for k, v in vars(q).items() if v not in (None, "")},
    )
    await session.commit()
    return rows


@router.get("/api/records/audit", response_model=list[AuditEventOut])
async def api_audit_search(
    request: Request, viewer: AuditReader, session: DbSession, q: AuditFilter
):
    return await _audited_search(request, viewer, session, q)


@router.get("/api/records/audit/export")
async def api_audit_export(
    request: Request,
    viewer: AuditReader,
    session: DbSession,
    q: AuditFilter,
    format: Literal["csv", "json"] = "csv",
):
    """Every matching row in chain order (no limit), as CSV or JSON lines."""
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="audit.export",
        object_type="audit_log",
        origin=client_ip(request),
        detail={"format": format},
    )
    await session.commit()
    maker = request.app.state.sessionmaker

    async def lines():
        async with maker() as s:
            if format == "csv":
                yield audit.csv_line(None)
            async for row in audit.export_rows(s, q):
                if format == "csv":
                    yield audit.csv_line(row)
                else:
                    yield json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n"

    media = "text/csv; charset=utf-8" if format == "csv" else "application/x-ndjson"
    ext = "csv" if format == "csv" else "jsonl"
    return StreamingResponse(
        lines(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="audit-log.{ext}"'},
    )


@router.get("/api/records/audit/verify", response_model=ChainCheckOut)
async def api_audit_verify(viewer: AuditReader, session: DbSession):
    report = await audit.verify_chain(session)
    return ChainCheckOut(
        ok=report.ok, rows=report.rows, head_hash=report.head_hash, problems=report.problems
    )


@router.get("/records/audit", include_in_schema=False)
async def audit_page(request: Request, viewer: AuditReader, session: DbSession, q: AuditFilter):
    rows = await _audited_search(request, viewer, session, q)
    return render(request, "records/audit.html", viewer, rows=rows, q=q)


# --- record status, legal hold ----------------------------------------------------------


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
async def api_contact_record(
    reference: str, request: Request, viewer: ContactReader, session: DbSession
):
    """The archive state of a contact the viewer may see ("archiving pending" ...)."""
    contact = await get_contact_for_user(session, viewer, reference)
    record = (
        await session.exec(select(ContactRecord).where(ContactRecord.contact_id == contact.id))
    ).first()
    if record is None:
        raise HTTPException(status_code=409, detail="This contact has not been closed yet.")
    return record_out(record)


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
    if body.hold and not body.reason.strip():
        raise HTTPException(status_code=422, detail="A legal hold needs a reason.")
    record = (
        await session.exec(select(ContactRecord).where(ContactRecord.reference == reference))
    ).first()
    if record is None:
        raise HTTPException(status_code=409, detail="No record for this reference (yet).")
    record.legal_hold, record.legal_hold_reason = body.hold, body.reason.strip()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="record.legal_hold" if body.hold else "record.legal_hold_lifted",
        object_type="record",
        object_id=reference,
        origin=client_ip(request),
        detail={"reason": body.reason},
    )
    await session.commit()
    return record_out(record)


# --- retention classes (admins) -------------------------------------------------------------


@router.get("/api/records/retention-classes", response_model=list[RetentionClassPublic])
async def api_retention_classes(viewer: RetentionAdmin, session: DbSession):
    rows = await session.exec(
        select(RetentionClass).order_by(RetentionClass.product_id, RetentionClass.channel)
    )
    return [RetentionClassPublic.model_validate(r) for r in rows.all()]


@router.put("/api/records/retention-classes", response_model=RetentionClassPublic)
async def api_set_retention_class(
    body: RetentionClassCreate, request: Request, viewer: RetentionAdmin, session: DbSession
):
    """Create or change the class of one product x contact type. Records already
    archived keep the disposal date they got (the selectielijst at closing applies)."""
    if body.disposal == Disposal.destroy and body.years < 1:
        raise HTTPException(status_code=422, detail="A destroy class needs a term of 1+ years.")
    if await session.get(Product, body.product_id) is None:
        raise HTTPException(status_code=422, detail="Unknown product.")
    cls = await class_for(session, body.product_id, body.channel)
    if cls is None:
        cls = RetentionClass(**body.model_dump())
        session.add(cls)
    else:
        cls.disposal, cls.years, cls.basis = body.disposal, body.years, body.basis
    await session.flush()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="retention.set",
        object_type="retention_class",
        object_id=cls.id,
        origin=client_ip(request),
        detail=body.model_dump(mode="json"),
    )
    await session.commit()
    return RetentionClassPublic.model_validate(cls)


# --- destruction lists (records manager) ----------------------------------------------------


class DestructionItemOut(BaseModel):
    record_id: int
    reference: str
    product_code: str
    channel: str
    closed_at: datetime | None
    disposal_date: date | None
    legal_hold: bool
    decision: str
    reason: str


class DestructionListOut(BaseModel):
    id: int
    workflow_id: str
    status: str
    created_at: datetime
    items: list[DestructionItemOut]
    certificate_id: int | None = None


async def _lists(session, only_open: bool = False) -> list[DestructionListOut]:
    stmt = select(DestructionList).order_by(col(DestructionList.id).desc()).limit(50)
    if only_open:
        stmt = stmt.where(DestructionList.status == "open")
    lists = (await session.exec(stmt)).all()
    out = []
    for dl in lists:
        rows = (
            await session.exec(
                select(DestructionItem, ContactRecord, Product.code)
                .join(ContactRecord, ContactRecord.id == DestructionItem.record_id)
                .join(Product, Product.id == ContactRecord.product_id)
                .where(DestructionItem.list_id == dl.id)
                .order_by(ContactRecord.reference)
            )
        ).all()
        cert = (
            await session.exec(
                select(DestructionCertificate.id).where(DestructionCertificate.list_id == dl.id)
            )
        ).first()
        out.append(
            DestructionListOut(
                id=dl.id,
                workflow_id=dl.workflow_id,
                status=dl.status,
                created_at=dl.created_at,
                certificate_id=cert,
                items=[
                    DestructionItemOut(
                        record_id=r.id,
                        reference=r.reference,
                        product_code=code,
                        channel=r.channel,
                        closed_at=r.closed_at,
                        disposal_date=r.disposal_date,
                        legal_hold=r.legal_hold,
                        decision=i.decision,
                        reason=i.reason,
                    )
                    for i, r, code in rows
                ],
            )
        )
    return out


@router.get("/api/records/destruction-lists", response_model=list[DestructionListOut])
async def api_destruction_lists(viewer: RecordsManager, session: DbSession):
    return await _lists(session)


class DecisionIn(BaseModel):
    list_id: int
    record_id: int
    approve: bool
    reason: str = Field(default="", max_length=2000)


class DecisionOutBody(BaseModel):
    pending: int


async def _decide(session, client, viewer: Viewer, body: DecisionIn, origin) -> int:
    """Send the decision to the list's workflow; refusals raise DecisionRefused."""
    dl = await session.get(DestructionList, body.list_id)
    if dl is None or dl.status != "open":
        raise DecisionRefused("This destruction list is not open.", "ListNotOpen")
    handle = client.get_workflow_handle(dl.workflow_id)
    req = DecideRequest(viewer.id, body.record_id, body.approve, body.reason)
    try:
        result = await handle.execute_update("decide", req, result_type=DecideResult)
    except WorkflowUpdateFailedError as exc:
        cause = exc.cause
        code = cause.type if isinstance(cause, ApplicationError) else None
        raise DecisionRefused(str(getattr(cause, "message", "") or cause), code) from exc
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            raise DecisionRefused("The list's workflow is not active.", "ListNotOpen") from exc
        raise HTTPException(503, "The workflow engine did not answer; try again.") from exc
    return result.pending


@router.post(
    "/api/records/destruction/decide",
    response_model=DecisionOutBody,
    responses={409: {"description": "refused"}},
)
async def api_decide(
    body: DecisionIn,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
    client: TemporalClient,
):
    """Approve or withhold one item of a destruction list (withholding needs a reason)."""
    try:
        pending = await _decide(session, client, viewer, body, client_ip(request))
    except DecisionRefused as exc:
        return JSONResponse({"detail": str(exc), "code": exc.code}, status_code=409)
    return DecisionOutBody(pending=pending)


@router.get("/api/records/certificates", response_model=list[dict])
async def api_certificates(viewer: RecordsManager, session: DbSession):
    rows = await session.exec(
        select(DestructionCertificate).order_by(col(DestructionCertificate.id).desc()).limit(100)
    )
    return [
        {
            "id": c.id,
            "list_id": c.list_id,
            "created_at": c.created_at.isoformat(),
            "sha256": c.sha256,
            "body": c.body,
        }
        for c in rows.all()
    ]


@router.get("/records/destruction", include_in_schema=False)
async def destruction_page(request: Request, viewer: RecordsManager, session: DbSession):
    return render(request, "records/destruction.html", viewer, lists=await _lists(session))


@router.post("/records/destruction/decide", include_in_schema=False)
async def destruction_decide_form(
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
    client: TemporalClient,
    list_id: Annotated[int, Form()],
    record_id: Annotated[int, Form()],
    decision: Annotated[Literal["approve", "withhold"], Form()],
    reason: Annotated[str, Form()] = "",
):
    body = DecisionIn(
        list_id=list_id, record_id=record_id, approve=decision == "approve", reason=reason
    )
    try:
        await _decide(session, client, viewer, body, client_ip(request))
    except DecisionRefused as exc:
        return render(
            request,
            "records/destruction.html",
            viewer,
            status_code=409,
            lists=await _lists(session),
            error=str(exc),
        )
    return RedirectResponse("/records/destruction?done=1", status_code=303)


@router.get("/records/retention", include_in_schema=False)
async def retention_page(request: Request, viewer: RetentionAdmin, session: DbSession):
    classes = (
        await session.exec(
            select(RetentionClass, Product.code)
            .join(Product, Product.id == RetentionClass.product_id)
            .order_by(Product.code, RetentionClass.channel)
        )
    ).all()
    products = (await session.exec(select(Product).order_by(Product.code))).all()
    return render(
        request,
        "records/retention.html",
        viewer,
        classes=classes,
        products=products,
        channels=[c.value for c in Channel],
    )


@router.post("/records/retention", include_in_schema=False)
async def retention_form(
    request: Request,
    viewer: RetentionAdmin,
    session: DbSession,
    product_id: Annotated[int, Form()],
    channel: Annotated[str, Form(max_length=20)],
    disposal: Annotated[Disposal, Form()],
    years: Annotated[int, Form(ge=0, le=200)] = 0,
    basis: Annotated[str, Form(max_length=300)] = "",
):
    body = RetentionClassCreate(
        product_id=product_id, channel=channel, disposal=disposal, years=years, basis=basis
    )
    await api_set_retention_class(body, request, viewer, session)
    return RedirectResponse("/records/retention?done=1", status_code=303)
