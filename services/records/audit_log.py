"""Reading the audit log is itself audited: who searched it with which filter, and
who exported it in which format."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from services import audit
from services.access import Viewer


async def audited_search(
    session: AsyncSession, viewer: Viewer, q: audit.AuditQuery, origin: str | None
) -> list[dict[str, Any]]:
    """The rows matching ``q``, after recording the search and its filter."""
    rows = [audit.as_dict(e) for e in await audit.search(session, q)]
    filters = {k: str(v) for k, v in vars(q).items() if v not in (None, "")}
    await audit.record_for(
        session, viewer, "audit.search", "audit_log", origin=origin, detail=filters
    )
    return rows


async def record_export(
    session: AsyncSession, viewer: Viewer, format: str, origin: str | None
) -> None:
    await audit.record_for(
        session, viewer, "audit.export", "audit_log", origin=origin, detail={"format": format}
    )
