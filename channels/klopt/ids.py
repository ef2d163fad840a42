"""The klopt_ids table: which PULSE row each old row became (one query per batch)."""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

KNOWN = text(
    'SELECT old_id, new_id, row_hash FROM klopt_ids WHERE "table" = :t AND old_id = ANY(:ids)'
)
# A customer merged into another (on import or later by a person) is resolved to the
# one it was merged into, so that later contacts land on the survivor.
CUSTOMERS = text(
    "SELECT k.old_id, coalesce(c.merged_into_id, c.id) FROM klopt_ids k "
    "JOIN customers c ON c.id = k.new_id WHERE k.table = 'customers' AND k.old_id = ANY(:ids)"
)
NEW_IDS = text('SELECT old_id, new_id FROM klopt_ids WHERE "table" = :t AND old_id = ANY(:ids)')


async def known(s: AsyncSession, table: str, old_ids: list[str]) -> dict[str, tuple[int, str]]:
    """old id -> (new id, row hash) of the rows imported before."""
    rows = await s.execute(KNOWN, {"t": table, "ids": old_ids})
    return {old: (new, digest) for old, new, digest in rows.all()}


async def new_ids(s: AsyncSession, table: str, old_ids: set[str]) -> dict[str, int]:
    if not old_ids:
        return {}
    query = CUSTOMERS if table == "customers" else NEW_IDS
    rows = await s.execute(query, {"t": table, "ids": list(old_ids)})
    return dict(rows.all())


REMEMBER = text(
    'INSERT INTO klopt_ids ("table", old_id, new_id, row_hash, pending_start) '
    "SELECT :t, o, n, h, :p FROM unnest(CAST(:o AS text[]), CAST(:n AS bigint[]), "
    "CAST(:h AS text[])) AS u(o, n, h) "
    'ON CONFLICT ("table", old_id) DO UPDATE '
    "SET new_id = excluded.new_id, row_hash = excluded.row_hash"
)


async def remember(
    s: AsyncSession, table: str, rows: list[tuple[str, int, str]], pending_start: bool = False
) -> None:
    """Record (old id, new id, hash) of imported or updated rows: one statement."""
    if not rows:
        return
    olds, news, hashes = (list(x) for x in zip(*rows, strict=True))
    await s.execute(REMEMBER, {"t": table, "p": pending_start, "o": olds, "n": news, "h": hashes})
