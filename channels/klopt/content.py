"""messages.jsonl, notes.jsonl and attachments.jsonl: what a contact holds, in bulk.

Messages are history: stored as delivered to the workflow, so none is signalled,
acknowledged or sent again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert, update
from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt.context import Context
from channels.klopt.export import BadValue, Row, date_of, ref_of, text_of
from db.blobs import store_blob
from db.bulk import copy_rows, next_ids
from db.models.contacts import Attachment, Direction, Message, Note, SendStatus

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


@dataclass
class CleanMessage:
    contact: str
    direction: str
    from_address: str
    to_addresses: str
    at: datetime
    subject: str
    body: str
    contact_id: int = 0


def check_message(ctx: Context, row: Row) -> CleanMessage:
    v = row.values
    direction = v.get("direction")
    if direction not in (Direction.inbound.value, Direction.outbound.value):
        raise BadValue(f"direction is in or out, not {direction!r}")
    return CleanMessage(
        contact=ref_of(v, "contact"),
        direction=direction,
        from_address=text_of(v, "from", 320),
        to_addresses=text_of(v, "to", 10_000),
        at=date_of(v, "date"),
        subject=text_of(v, "subject", 10_000),
        body=text_of(v, "body", 10_000_000),
    )


def _message_values(c: CleanMessage) -> dict:
    inbound = c.direction == Direction.inbound.value
    return {
        "contact_id": c.contact_id,
        "direction": c.direction,
        "send_status": (SendStatus.received if inbound else SendStatus.sent).value,
        "from_address": c.from_address or None,
        "to_addresses": c.to_addresses or None,
        "subject": c.subject,
        "text_body": c.body,
        "sent_date": c.at,
        "created_at": c.at,
        "sent_at": None if inbound else c.at,
        "headers": {},
        "delivered_to_workflow": True,
        "is_auto_reply": False,
        "is_acknowledgement": False,
        "send_attempts": 0,
    }


async def insert_messages(ctx: Context, s: AsyncSession, rows: list[Row]):
    new_ids = await next_ids(s, "messages", len(rows))
    values = [{"id": mid, **_message_values(r.clean)} for r, mid in zip(rows, new_ids, strict=True)]
    await copy_rows(s, Message, values)
    return [(r.old_id, mid, r.hash) for r, mid in zip(rows, new_ids, strict=True)]


async def update_messages(ctx: Context, s: AsyncSession, rows: list[tuple[Row, int]]):
    for row, message_id in rows:
        values = _message_values(row.clean)
        values.pop("headers")
        await s.execute(update(Message).where(Message.id == message_id).values(**values))
    return [(row.old_id, mid, row.hash) for row, mid in rows]


@dataclass
class CleanNote:
    contact: str
    author_id: int
    at: datetime
    body: str
    contact_id: int = 0


def check_note(ctx: Context, row: Row) -> CleanNote:
    v = row.values
    author = ref_of(v, "author", required=False)
    if author is not None and author not in ctx.mapping.users:
        raise BadValue(f"author {author!r} is not in mapping.json")
    return CleanNote(
        contact=ref_of(v, "contact"),
        author_id=ctx.mapping.users[author] if author else ctx.mapping.actor.id,
        at=date_of(v, "date"),
        body=text_of(v, "body", 1_000_000, required=True),
    )


def _note_values(c: CleanNote) -> dict:
    return {
        "contact_id": c.contact_id,
        "author_id": c.author_id,
        "body": c.body,
        "created_at": c.at,
    }


async def insert_notes(ctx: Context, s: AsyncSession, rows: list[Row]):
    new_ids = (
        await s.execute(
            insert(Note).returning(Note.id, sort_by_parameter_order=True),
            [_note_values(r.clean) for r in rows],
        )
    ).scalars()
    return [(r.old_id, nid, r.hash) for r, nid in zip(rows, new_ids, strict=True)]


async def update_notes(ctx: Context, s: AsyncSession, rows: list[tuple[Row, int]]):
    for row, note_id in rows:
        await s.execute(update(Note).where(Note.id == note_id).values(**_note_values(row.clean)))
    return [(row.old_id, nid, row.hash) for row, nid in rows]


@dataclass
class CleanAttachment:
    message: str
    file_name: str
    path: Path
    content_type: str
    message_id: int = 0


def check_attachment(ctx: Context, row: Row) -> CleanAttachment:
    v = row.values
    relative = text_of(v, "path", 1000, required=True)
    root = ctx.export_dir.resolve()
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise BadValue(f"path {relative!r} is outside the export folder")
    if not path.is_file():
        raise BadValue(f"file {relative!r} is not in the export")
    if path.stat().st_size > MAX_ATTACHMENT_BYTES:
        raise BadValue(f"file {relative!r} is larger than {MAX_ATTACHMENT_BYTES} bytes")
    content_type = text_of(v, "content_type", 200) or "application/octet-stream"
    if "/" not in content_type:
        raise BadValue(f"content_type is not a media type: {content_type!r}")
    return CleanAttachment(
        message=ref_of(v, "message"),
        file_name=text_of(v, "file_name", 500) or path.name,
        path=path,
        content_type=content_type,
    )


async def _attachment_values(s: AsyncSession, c: CleanAttachment) -> dict:
    data = c.path.read_bytes()
    return {
        "message_id": c.message_id,
        "filename": c.file_name,
        "content_type": c.content_type,
        "size": len(data),
        "sha256": await store_blob(s, data),
    }


async def insert_attachments(ctx: Context, s: AsyncSession, rows: list[Row]):
    done = []
    for row in rows:  # one file in memory at a time
        values = await _attachment_values(s, row.clean)
        new_id = (await s.execute(insert(Attachment).returning(Attachment.id), values)).scalar_one()
        done.append((row.old_id, new_id, row.hash))
    return done


async def update_attachments(ctx: Context, s: AsyncSession, rows: list[tuple[Row, int]]):
    for row, attachment_id in rows:
        values = await _attachment_values(s, row.clean)
        await s.execute(update(Attachment).where(Attachment.id == attachment_id).values(**values))
    return [(row.old_id, aid, row.hash) for row, aid in rows]
