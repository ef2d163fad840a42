"""Each table of an export: how its rows are checked, linked to the rows they
refer to, inserted and updated."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt import contacts, content, customers
from channels.klopt.context import Context
from channels.klopt.export import Row

Done = list[tuple[str, int, str]]  # (old id, new id, row hash)


@dataclass(frozen=True)
class Table:
    name: str
    check: Callable[[Context, Row], Any]
    insert: Callable[..., Awaitable[Any]]
    update: Callable[..., Awaitable[Done]]
    parent: str = ""  # the table its rows refer to
    parent_field: str = ""  # the field of ``clean`` holding the parent's old id
    parent_target: str = ""  # the field of ``clean`` that gets the parent's new id


TABLES = {
    "customers": Table(
        "customers", customers.check, customers.insert_new, customers.update_changed
    ),
    "contacts": Table(
        "contacts",
        contacts.check,
        contacts.insert_new,
        contacts.update_changed,
        "customers",
        "customer",
        "customer_id",
    ),
    "messages": Table(
        "messages",
        content.check_message,
        content.insert_messages,
        content.update_messages,
        "contacts",
        "contact",
        "contact_id",
    ),
    "notes": Table(
        "notes",
        content.check_note,
        content.insert_notes,
        content.update_notes,
        "contacts",
        "contact",
        "contact_id",
    ),
    "attachments": Table(
        "attachments",
        content.check_attachment,
        content.insert_attachments,
        content.update_attachments,
        "messages",
        "message",
        "message_id",
    ),
}


async def link(ctx: Context, s: AsyncSession, table: Table, rows: list[Row]) -> None:
    """Give each row its parent's PULSE id; a parent not imported rejects the row."""
    if not table.parent:
        return
    wanted = {getattr(r.clean, table.parent_field) for r in rows} - {None}
    found = await ctx.resolve(s, table.parent, wanted)
    for row in rows:
        old = getattr(row.clean, table.parent_field)
        if old is None:
            continue
        if old not in found:
            row.error = f"{table.parent_field} {old!r} was not imported"
        else:
            setattr(row.clean, table.parent_target, found[old])
