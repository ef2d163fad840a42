"""The audit log (BIO): who did what to which object, with what result, from where."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from core.models import AuditEvent


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    result: str = "ok",
    origin: str | None = None,
    actor_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add an audit row to the caller's transaction (so it commits with the change)."""
    session.add(
        AuditEvent(
            actor=actor,
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            result=result,
            origin=origin,
            detail=detail or {},
        )
    )
