"""One import run: every table of the export in order, in batches that each commit
with their klopt_ids rows (an interrupted run resumes: what was committed is
unchanged the next time), then the workflows of the open contacts."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt import contacts, ids
from channels.klopt.context import Context
from channels.klopt.customers import ORIGIN
from channels.klopt.export import TABLES, BadValue, Row, batches, read_rows
from channels.klopt.mapping import load_mapping
from channels.klopt.tables import TABLES as SPECS
from channels.klopt.tables import Table, link
from config.settings import Settings
from db.models.klopt import KloptId
from db.session import session_scope
from services import audit
from services.contacts.opening import WorkflowStart, start_contact_workflow
from services.customers.identifiers import identifier_keys

log = logging.getLogger(__name__)

BATCH = 1000
COUNTS = ("imported", "updated", "unchanged", "rejected")


@dataclass
class Summary:
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {t: dict.fromkeys(COUNTS, 0) for t in TABLES}
    )
    seconds: dict[str, float] = field(default_factory=dict)  # per table
    workflows_started: int = 0
    workflows_waiting: int = 0  # open contacts whose workflow could not be started yet

    def all_unchanged(self) -> bool:
        return all(
            c["imported"] == c["updated"] == c["rejected"] == 0 for c in self.counts.values()
        )


class Rejects:
    """The rejects file: one JSON line per bad row, with its table, line and reason."""

    def __init__(self, out: IO[str] | None) -> None:
        self.out = out

    def write(self, table: str, row: Row) -> None:
        if self.out is not None:
            line = {"table": table, "line": row.line, "id": row.old_id, "reason": row.error}
            self.out.write(json.dumps({**line, "row": row.values}, ensure_ascii=False) + "\n")


@dataclass
class Options:
    dry_run: bool = False
    batch_size: int = BATCH
    # called after each batch committed (progress; a test injects an interruption)
    on_batch: Callable[[str, int], None] = lambda table, rows: None
    temporal: Callable[[], Awaitable[object]] | None = None  # a Temporal client, when needed


async def run_import(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    export_dir: Path,
    rejects: Rejects,
    options: Options,
) -> Summary:
    async with sessionmaker() as s:
        mapping = await load_mapping(s, export_dir / "mapping.json")
    ctx = Context(settings, identifier_keys(settings), mapping, export_dir, options.dry_run)
    summary = Summary()
    retention = contacts.Retention()
    for name in TABLES:
        path = export_dir / f"{name}.jsonl"
        if not path.exists():
            continue
        began = time.perf_counter()
        for batch in batches(read_rows(path), options.batch_size):
            counts = summary.counts[name]
            await _batch(sessionmaker, ctx, SPECS[name], batch, counts, rejects, retention)
            options.on_batch(name, len(batch))
        summary.seconds[name] = time.perf_counter() - began
    if not options.dry_run:
        await _start_workflows(sessionmaker, settings, options, summary)
        async with session_scope(sessionmaker) as s:  # who imported what, once per run
            await audit.record(
                s,
                actor=mapping.actor.username,
                actor_id=mapping.actor.id,
                action="klopt.import",
                object_type="export",
                object_id=str(export_dir)[-100:],
                origin=ORIGIN,
                detail={"counts": summary.counts, "workflows_started": summary.workflows_started},
            )
    return summary


async def _batch(sessionmaker, ctx: Context, table: Table, batch, counts, rejects, retention):
    scope = sessionmaker() if ctx.dry_run else session_scope(sessionmaker)
    async with scope as s:  # a dry run's session ends without a commit
        # A batch lost to a crash right after its commit is imported again by the
        # next run (klopt_ids commits with it), so the import need not wait for fsync.
        await s.execute(text("SET LOCAL synchronous_commit = off"))
        before = await ids.known(s, table.name, [r.old_id for r in batch if not r.error])
        seen: set[str] = set()
        todo: list[Row] = []
        for row in batch:
            if not row.error and row.old_id in seen:
                row.error = "the same id twice in one batch"
            if row.error:
                continue
            seen.add(row.old_id)
            if row.old_id in before and before[row.old_id][1] == row.hash:
                counts["unchanged"] += 1
                continue
            try:
                row.clean = table.check(ctx, row)
            except BadValue as exc:
                row.error = str(exc)
                continue
            todo.append(row)
        await link(ctx, s, table, [r for r in todo if not r.error])
        good = [r for r in todo if not r.error]
        new = [r for r in good if r.old_id not in before]
        changed = [(r, before[r.old_id][0]) for r in good if r.old_id in before]
        if ctx.dry_run:
            ctx.dry_new.setdefault(table.name, set()).update(r.old_id for r in new)
            counts["imported"] += len(new)
            counts["updated"] += len(changed)
        else:
            await _write(ctx, s, table, new, changed, counts, retention)
        for row in batch:
            if row.error:
                counts["rejected"] += 1
                rejects.write(table.name, row)


async def _write(ctx, s: AsyncSession, table: Table, new, changed, counts, retention) -> None:
    extra = (retention,) if table.name == "contacts" else ()
    if new:
        done = await table.insert(ctx, s, new, *extra)
        if table.name == "contacts":
            closed, opened = done
            await ids.remember(s, table.name, closed)
            await ids.remember(s, table.name, opened, pending_start=True)
            done = closed + opened
        else:
            await ids.remember(s, table.name, done)
        counts["imported"] += len(done)
    if changed:
        done = await table.update(ctx, s, changed, *extra)
        await ids.remember(s, table.name, done)
        counts["updated"] += len(done)


async def _start_workflows(sessionmaker, settings: Settings, options: Options, summary: Summary):
    """Start the workflow of every open contact not started yet (also those of an
    earlier, interrupted run). A start is idempotent by the contact's reference."""
    async with sessionmaker() as s:
        pending = await contacts.starts_pending(s)
    if not pending:
        return
    try:
        client = await options.temporal()
    except Exception as exc:  # the contacts are stored: the next run starts them
        log.warning("Temporal unreachable, %d workflows not started: %s", len(pending), exc)
        summary.workflows_waiting = len(pending)
        return
    for old_id, contact_id, reference, code, channel, line in pending:
        start = WorkflowStart(contact_id, reference, code, channel, line=line)
        await start_contact_workflow(client, settings, start)
        async with session_scope(sessionmaker) as s:
            await s.execute(
                update(KloptId)
                .where(KloptId.table == "contacts", KloptId.old_id == old_id)
                .values(pending_start=False)
            )
        summary.workflows_started += 1
