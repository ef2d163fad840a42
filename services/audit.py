"""The audit log (BIO 8.15): who did what to which object, with what result, from where.

Append-only and tamper-evident: a database trigger (migration rec001) gives every
row its place in a hash chain (``chain_seq``, ``prev_hash``, ``row_hash``) and
another refuses UPDATE and DELETE. ``verify_chain`` recomputes every hash here in
Python, so a row changed behind the triggers' back (a superuser disabling them,
an edited backup) is detected, as is a removed row (a gap in ``chain_seq``).

    python -m services.audit verify       # exit code 1 when the chain is broken
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import AuditEvent

GENESIS = "0" * 64

# The same canonical text the trigger hashes (migrations/versions/rec_001_audit_chain.py),
# rendered by PostgreSQL so that timestamps and JSON read exactly as they were hashed.
CANONICAL_SQL = text(
    """
    SELECT id, chain_seq, prev_hash, row_hash,
      chain_seq::text || '|' ||
      to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') || '|' ||
      coalesce(actor_id::text, '') || '|' || actor || '|' || action || '|' ||
      object_type || '|' || coalesce(object_id, '') || '|' || result || '|' ||
      coalesce(origin, '') || '|' || detail::text AS body
    FROM audit_events WHERE chain_seq > :after ORDER BY chain_seq LIMIT :batch
    """
)


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
    """Add an audit row to the caller's transaction (so it commits with the change).

    The chain trigger takes a transaction-wide lock until commit, so callers record
    the audit row as the last write before committing."""
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


async def record_for(
    session: AsyncSession,
    viewer: Any,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    *,
    result: str = "ok",
    origin: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """One audit row for what a signed-in person did (a ``Viewer``), committed with
    whatever the caller changed before it."""
    await record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        result=result,
        origin=origin,
        detail=detail,
    )
    await session.commit()


# --- verification -------------------------------------------------------------------


@dataclass
class ChainReport:
    rows: int
    head_hash: str
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def row_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}|{body}".encode()).hexdigest()


async def verify_chain(session: AsyncSession, batch: int = 5000) -> ChainReport:
    """Walk the chain in order and recompute every hash; report each break."""
    problems: list[str] = []
    prev, expected_seq, rows, after = GENESIS, 1, 0, 0
    while True:
        page = (await session.execute(CANONICAL_SQL, {"after": after, "batch": batch})).all()
        if not page:
            break
        for r in page:
            rows += 1
            if r.chain_seq != expected_seq:
                problems.append(f"row id {r.id}: chain_seq {r.chain_seq}, expected {expected_seq}")
            if r.prev_hash != prev:
                problems.append(f"row id {r.id} (seq {r.chain_seq}): prev_hash does not link")
            if r.row_hash != row_hash(r.prev_hash or "", r.body):
                problems.append(f"row id {r.id} (seq {r.chain_seq}): content changed")
            prev, expected_seq, after = r.row_hash, r.chain_seq + 1, r.chain_seq
    unchained = (
        await session.execute(text("SELECT count(*) FROM audit_events WHERE chain_seq IS NULL"))
    ).scalar_one()
    if unchained:
        problems.append(f"{unchained} rows outside the chain")
    return ChainReport(rows=rows, head_hash=prev, problems=problems)


# --- search and export ----------------------------------------------------------------


@dataclass
class AuditQuery:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    result: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 200
    offset: int = 0


def _filtered(q: AuditQuery):
    stmt = select(AuditEvent)
    for column, value in (
        (AuditEvent.actor, q.actor),
        (AuditEvent.action, q.action),
        (AuditEvent.object_type, q.object_type),
        (AuditEvent.object_id, q.object_id),
        (AuditEvent.result, q.result),
    ):
        if value:
            stmt = stmt.where(column == value)
    if q.since:
        stmt = stmt.where(col(AuditEvent.at) >= q.since)
    if q.until:
        stmt = stmt.where(col(AuditEvent.at) < q.until)
    return stmt


async def search(session: AsyncSession, q: AuditQuery) -> list[AuditEvent]:
    stmt = _filtered(q).order_by(col(AuditEvent.chain_seq).desc()).offset(q.offset).limit(q.limit)
    return list((await session.exec(stmt)).all())


EXPORT_FIELDS = (
    "chain_seq",
    "at",
    "actor",
    "actor_id",
    "action",
    "object_type",
    "object_id",
    "result",
    "origin",
    "detail",
    "prev_hash",
    "row_hash",
)


def as_dict(event: AuditEvent) -> dict[str, Any]:
    out = {name: getattr(event, name) for name in EXPORT_FIELDS}
    out["at"] = event.at.isoformat() if event.at else None
    return out


async def export_rows(
    session: AsyncSession, q: AuditQuery, batch: int = 2000
) -> AsyncIterator[dict[str, Any]]:
    """Every matching row in chain order, in batches (exports may be large)."""
    after = 0
    while True:
        stmt = (
            _filtered(q)
            .where(col(AuditEvent.chain_seq) > after)
            .order_by(col(AuditEvent.chain_seq))
            .limit(batch)
        )
        page = list((await session.exec(stmt)).all())
        if not page:
            return
        for event in page:
            yield as_dict(event)
        after = page[-1].chain_seq or after


def csv_line(row: dict[str, Any] | None) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    if row is None:
        writer.writerow(EXPORT_FIELDS)
    else:
        writer.writerow(
            [
                json.dumps(row[f], ensure_ascii=False, sort_keys=True) if f == "detail" else row[f]
                for f in EXPORT_FIELDS
            ]
        )
    return buf.getvalue()


# --- command line ------------------------------------------------------------------------


async def _verify_command() -> int:
    from config.settings import get_settings
    from db.session import make_engine, make_sessionmaker

    engine = make_engine(get_settings())
    try:
        async with make_sessionmaker(engine)() as session:
            report = await verify_chain(session)
    finally:
        await engine.dispose()
    for problem in report.problems:
        print(f"BROKEN: {problem}")
    print(f"rows={report.rows} head={report.head_hash} ok={str(report.ok).lower()}")
    return 0 if report.ok else 1


def main(argv: list[str]) -> int:
    if argv[1:] != ["verify"]:
        print("usage: python -m services.audit verify", file=sys.stderr)
        return 2
    return asyncio.run(_verify_command())


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
