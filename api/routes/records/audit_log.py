"""The audit log for auditors: search, export and the hash-chain check."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from api.deps import AuditReader, DbSession, client_ip
from api.rendering import render
from api.validation import IntCount, IntId
from services import audit
from services.records.audit_log import audited_search, record_export

router = APIRouter(tags=["records"])


class AuditEventOut(BaseModel):
    chain_seq: int | None
    at: str | None
    actor: str
    actor_id: IntId | None
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
    offset: Annotated[IntCount, Query()] = 0,
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


@router.get("/api/records/audit", response_model=list[AuditEventOut])
async def api_audit_search(
    request: Request, viewer: AuditReader, session: DbSession, q: AuditFilter
):
    return await audited_search(session, viewer, q, client_ip(request))


@router.get("/api/records/audit/export")
async def api_audit_export(
    request: Request,
    viewer: AuditReader,
    session: DbSession,
    q: AuditFilter,
    format: Literal["csv", "json"] = "csv",
):
    """Every matching row in chain order (no limit), as CSV or JSON lines."""
    await record_export(session, viewer, format, client_ip(request))
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
    rows = await audited_search(session, viewer, q, client_ip(request))
    return render(request, "records/audit.html", viewer, rows=rows, q=q)
