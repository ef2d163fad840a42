"""contacts.jsonl: closed contacts become closed records, open ones open contacts.

A closed contact is written in bulk with its record, whose retention date the
records rule (services/records/retention.py) computes from the close date: no
workflow runs for it. An open contact is opened by services/contacts/opening.py
and marked for its workflow, which the run starts once everything is in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt.context import Context
from channels.klopt.export import BadValue, Row, date_of, ref_of, text_of
from contracts.work import FIRST_LINE
from db.bulk import copy_rows, next_ids
from db.models.contacts import Channel, Contact, ContactStatus, Product
from db.models.klopt import KloptId
from db.models.records import ContactRecord, RecordStatus
from db.session import next_references
from services.contacts.opening import NewContact, add_contact
from services.records.retention import class_for, disposal_for

OPEN, CLOSED = "open", "closed"


@dataclass
class CleanContact:
    customer: str | None
    product_id: int
    reason_id: int | None
    line: int
    channel: str
    closed: bool
    opened_at: datetime
    closed_at: datetime | None
    subject: str
    customer_id: int | None = None


def check(ctx: Context, row: Row) -> CleanContact:
    v, m = row.values, ctx.mapping
    product = ref_of(v, "product")
    if product not in m.products:
        raise BadValue(f"product {product!r} is not in mapping.json")
    product_id = m.products[product]
    reason = ref_of(v, "reason", required=False)
    if reason is not None and (product_id, reason) not in m.reasons:
        raise BadValue(f"reason {reason!r} of product {product!r} is not in mapping.json")
    line = ref_of(v, "line", required=False)
    if line is not None and line not in m.lines:
        raise BadValue(f"line {line!r} is not in mapping.json")
    channel = str(v.get("channel") or "")
    channel = m.channels.get(channel, channel)
    if channel not in set(Channel):
        raise BadValue(f"channel {v.get('channel')!r} is not a PULSE channel nor in mapping.json")
    status = v.get("status")
    if status not in (OPEN, CLOSED):
        raise BadValue(f"status is open or closed, not {status!r}")
    opened = date_of(v, "opened")
    closed_at = date_of(v, "closed", required=status == CLOSED)
    if closed_at is not None and closed_at < opened:
        raise BadValue("closed is before opened")
    return CleanContact(
        customer=ref_of(v, "customer", required=False),
        product_id=product_id,
        reason_id=m.reasons.get((product_id, reason)) if reason else None,
        line=m.lines[line] if line else FIRST_LINE,
        channel=channel,
        closed=status == CLOSED,
        opened_at=opened,
        closed_at=closed_at if status == CLOSED else None,
        subject=text_of(v, "subject", 998),
    )


class Retention:
    """The retention class of each product x channel, read once per run."""

    def __init__(self) -> None:
        self.classes: dict[tuple[int, str], object] = {}

    async def disposal(self, s: AsyncSession, clean: CleanContact):
        key = (clean.product_id, clean.channel)
        if key not in self.classes:
            self.classes[key] = await class_for(s, *key)
        return disposal_for(self.classes[key], clean.closed_at)


async def insert_new(ctx: Context, s: AsyncSession, rows: list[Row], retention: Retention):
    """The closed contacts in bulk with their records; the open ones one by one."""
    closed = [r for r in rows if r.clean.closed]
    done = await _insert_closed(s, closed, retention) if closed else []
    opened = []
    for row in (r for r in rows if not r.clean.closed):
        c: CleanContact = row.clean
        contact = await add_contact(
            s,
            NewContact(Channel(c.channel), c.product_id, c.subject, c.customer_id, at=c.opened_at),
        )
        contact.line, contact.close_reason_id = c.line, c.reason_id
        opened.append((row.old_id, contact.id, row.hash))
    await s.flush()
    return done, opened


async def _insert_closed(s: AsyncSession, rows: list[Row], retention: Retention):
    refs = await next_references(s, [r.clean.opened_at for r in rows])
    values = [
        {
            "reference": ref,
            "channel": r.clean.channel,
            "status": ContactStatus.closed.value,
            "subject": r.clean.subject,
            "product_id": r.clean.product_id,
            "customer_id": r.clean.customer_id,
            "close_reason_id": r.clean.reason_id,
            "line": r.clean.line,
            "created_at": r.clean.opened_at,
            "updated_at": r.clean.closed_at,
            "closed_at": r.clean.closed_at,
        }
        for r, ref in zip(rows, refs, strict=True)
    ]
    new_ids = await next_ids(s, "contacts", len(rows))
    await copy_rows(s, Contact, [{"id": i, **v} for i, v in zip(new_ids, values, strict=True)])
    records = []
    for r, ref, contact_id in zip(rows, refs, new_ids, strict=True):
        disposal, disposal_date = await retention.disposal(s, r.clean)
        records.append(
            {
                "contact_id": contact_id,
                "reference": ref,
                "product_id": r.clean.product_id,
                "channel": r.clean.channel,
                "status": RecordStatus.pending.value,  # closed, not yet in the DMS
                "closed_at": r.clean.closed_at,
                "disposal": disposal.value,
                "disposal_date": disposal_date,
                "documents": [],
                "legal_hold_reason": "",
            }
        )
    await copy_rows(s, ContactRecord, records)
    return [(r.old_id, rec["contact_id"], r.hash) for r, rec in zip(rows, records, strict=True)]


async def update_changed(
    ctx: Context, s: AsyncSession, rows: list[tuple[Row, int]], retention: Retention
):
    """A contact changed in Klopt since the last run: its subject, customer, reason and
    close date. Opening or closing it again is PULSE's work now: such a row is rejected."""
    done = []
    for row, contact_id in rows:
        c: CleanContact = row.clean
        contact = await s.get(Contact, contact_id)
        was_closed = contact.status == ContactStatus.closed
        if was_closed != c.closed:
            row.error = "status changed in Klopt after the import: PULSE holds the contact now"
            continue
        contact.subject, contact.customer_id = c.subject, c.customer_id
        contact.close_reason_id = c.reason_id
        if c.closed:
            contact.closed_at = c.closed_at
            disposal, disposal_date = await retention.disposal(s, c)
            await s.execute(
                update(ContactRecord)
                .where(ContactRecord.contact_id == contact_id)
                .values(closed_at=c.closed_at, disposal=disposal.value, disposal_date=disposal_date)
            )
        done.append((row.old_id, contact_id, row.hash))
    await s.flush()
    return done


async def starts_pending(s: AsyncSession) -> list[tuple[str, int, str, str, str]]:
    """(old id, contact id, reference, product code, channel, line) of open contacts
    whose workflow is not started yet."""
    rows = await s.execute(
        select(
            KloptId.old_id,
            Contact.id,
            Contact.reference,
            Product.code,
            Contact.channel,
            Contact.line,
        )
        .join(Contact, Contact.id == KloptId.new_id)
        .join(Product, Product.id == Contact.product_id)
        .where(KloptId.table == "contacts", KloptId.pending_start.is_(True))
        .order_by(Contact.id)
    )
    return [tuple(r) for r in rows.all()]
