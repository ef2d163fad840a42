"""Bulk writes for imports: ids taken from a table's sequence in one round trip, and
rows written by COPY in the session's own transaction (so they commit or roll back
with everything else of the batch)."""

from __future__ import annotations

from psycopg.types.json import Jsonb
from sqlalchemy import text
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession


async def next_ids(session: AsyncSession, table: str, n: int) -> list[int]:
    """``n`` new ids of ``table``'s serial primary key ``id``."""
    rows = await session.execute(
        text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": table, "n": n},
    )
    return list(rows.scalars().all())


def _defaults(model: type[SQLModel], given: set[str]) -> dict:
    """The model's plain column defaults (COPY skips them) for columns not given."""
    out = {}
    for column in model.__table__.columns:
        default = column.default
        if column.name in given or default is None or column.server_default is not None:
            continue
        if getattr(default, "is_scalar", False):
            out[column.name] = default.arg
    return out


async def copy_rows(session: AsyncSession, model: type[SQLModel], rows: list[dict]) -> None:
    """COPY ``rows`` (all with the same keys) into the model's table; dicts and lists
    become JSONB, columns left out get the model's default."""
    if not rows:
        return
    extra = _defaults(model, set(rows[0]))
    columns = [*rows[0], *extra]
    conn = await session.connection()
    raw = (await conn.get_raw_connection()).driver_connection
    names = ", ".join(f'"{c}"' for c in columns)
    statement = f"COPY {model.__tablename__} ({names}) FROM STDIN"
    async with raw.cursor() as cur, cur.copy(statement) as copy:
        for row in rows:
            values = [*row.values(), *extra.values()]
            await copy.write_row([Jsonb(v) if isinstance(v, dict | list) else v for v in values])
