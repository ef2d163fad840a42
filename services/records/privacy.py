"""AVG (GDPR) requests about a customer: subject access (art. 15) and erasure (art. 17).

Subject access gathers everything PULSE holds on the customer into one ZIP: a
``data.json`` with the customer, every row of every table that points at the
customer (found through the schema, so a new table that points at customers is included
without changing this file), their contacts with messages, notes, history and
archive state, the processing log (audit events about them), and the original
messages (.eml) and attachments as files.

Erasure is carried out when no duty to keep the data remains, and refused with
the legal ground otherwise (the Archiefwet retention duty for records not yet
past their disposal date, or a contact still being handled).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, or_, select
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import db.models  # noqa: F401  (every table, for the schema walk)
from adapters.dms.local import safe
from db.models.contacts import (
    Attachment,
    AuditEvent,
    Blob,
    Contact,
    ContactEvent,
    ContactStatus,
    Customer,
    Message,
    Note,
)
from db.models.records import ContactRecord, Disposal, RecordStatus

SKIP_TABLES = {"contacts", "messages", "attachments", "notes", "contact_events", "blobs"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return None  # file content goes into the ZIP as a file, not into JSON
    return value


def _row(mapping) -> dict[str, Any]:
    return {k: _plain(v) for k, v in dict(mapping).items()}


async def _rows_pointing_at(session: AsyncSession, customer_id: int) -> dict[str, list[dict]]:
    """Every table with a ``customer_id`` column: the rows about this customer."""
    found: dict[str, list[dict]] = {}
    for name, table in sorted(SQLModel.metadata.tables.items()):
        if name in SKIP_TABLES or "customer_id" not in table.c:
            continue
        stmt = select(table).where(table.c.customer_id == customer_id)
        rows = (await session.execute(stmt)).all()
        if rows:
            found[name] = [_row(r._mapping) for r in rows]
    return found


async def subject_access_export(session: AsyncSession, customer_id: int) -> bytes:
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(customer_id)
    contacts = (
        (await session.execute(select(Contact).where(Contact.customer_id == customer_id)))
        .scalars()
        .all()
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        contact_data = []
        for contact in contacts:
            contact_data.append(await _contact_part(session, zf, contact))
        references = [c.reference for c in contacts]
        log = (
            (
                await session.execute(
                    select(AuditEvent)
                    .where(
                        or_(
                            (AuditEvent.object_type == "customer")
                            & (AuditEvent.object_id == str(customer_id)),
                            AuditEvent.object_id.in_(references or [""]),
                        )
                    )
                    .order_by(AuditEvent.chain_seq)
                )
            )
            .scalars()
            .all()
        )
        data = {
            "generated_at": datetime.now(UTC).isoformat(),
            "controller": "CIBG (Ministerie van VWS), Klantcontactcentrum",
            "customer": _row(customer.model_dump(warnings=False)),
            "related": await _rows_pointing_at(session, customer_id),
            "contacts": contact_data,
            "processing_log": [
                {
                    k: _plain(getattr(e, k))
                    for k in ("at", "actor", "action", "object_type", "object_id", "result")
                }
                for e in log
            ],
        }
        zf.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
        zf.writestr(
            "LEESMIJ.txt",
            "Inzageverzoek (AVG art. 15)\n\ndata.json: alle gegevens die PULSE over u bewaart.\n"
            "berichten/: de oorspronkelijke e-mails (.eml); bijlagen/: de bijlagen.\n",
        )
    return buf.getvalue()


async def _contact_part(session: AsyncSession, zf: zipfile.ZipFile, contact: Contact) -> dict:
    ref = contact.reference
    messages = (
        (
            await session.execute(
                select(Message).where(Message.contact_id == contact.id).order_by(Message.id)
            )
        )
        .scalars()
        .all()
    )
    out_messages = []
    for msg in messages:
        row = _row(msg.model_dump(warnings=False))
        if msg.raw_sha256:
            blob = await session.get(Blob, msg.raw_sha256)
            if blob is not None:
                row["file"] = f"berichten/{ref}/{msg.id}.eml"
                zf.writestr(row["file"], bytes(blob.data))
        atts = (
            (await session.execute(select(Attachment).where(Attachment.message_id == msg.id)))
            .scalars()
            .all()
        )
        row["attachments"] = []
        for att in atts:
            a = _row(att.model_dump(warnings=False))
            blob = await session.get(Blob, att.sha256) if att.sha256 else None
            if blob is not None:
                a["file"] = f"bijlagen/{ref}/{att.id}-{safe(att.filename)}"
                zf.writestr(a["file"], bytes(blob.data))
            row["attachments"].append(a)
        out_messages.append(row)
    notes = (await session.execute(select(Note).where(Note.contact_id == contact.id))).scalars()
    events = (
        await session.execute(select(ContactEvent).where(ContactEvent.contact_id == contact.id))
    ).scalars()
    record = (
        await session.execute(select(ContactRecord).where(ContactRecord.contact_id == contact.id))
    ).scalar_one_or_none()
    return {
        "contact": _row(contact.model_dump(warnings=False)),
        "messages": out_messages,
        "notes": [_row(n.model_dump(warnings=False)) for n in notes],
        "history": [_row(e.model_dump(warnings=False)) for e in events],
        "record": _row(record.model_dump(warnings=False)) if record else None,
    }


# --- erasure -------------------------------------------------------------------------------


RETENTION_GROUND = (
    "AVG art. 17 lid 3 sub b: wettelijke bewaarplicht (Archiefwet 1995, art. 3; "
    "selectielijst): {what}"
)
IN_PROGRESS_GROUND = (
    "AVG art. 17 lid 3 sub b: het klantcontact {ref} wordt nog behandeld (taak van algemeen belang)"
)


async def erasure_refusal(session: AsyncSession, customer_id: int, today: date) -> str | None:
    """The legal ground to refuse erasure, or None when it may be carried out."""
    contacts = (
        (await session.execute(select(Contact).where(Contact.customer_id == customer_id)))
        .scalars()
        .all()
    )
    for contact in contacts:
        ground = await contact_ground(session, contact, today)
        if ground:
            return ground
    return None


async def contact_ground(session: AsyncSession, contact: Contact, today: date) -> str | None:
    """The legal ground to keep this contact (and what of the customer it uses)."""
    if contact.status != ContactStatus.closed:
        return IN_PROGRESS_GROUND.format(ref=contact.reference)
    record = (
        await session.execute(select(ContactRecord).where(ContactRecord.contact_id == contact.id))
    ).scalar_one_or_none()
    if record is None or record.status == RecordStatus.pending:
        return RETENTION_GROUND.format(what=f"{contact.reference} wordt gearchiveerd")
    if record.disposal == Disposal.keep:
        return RETENTION_GROUND.format(what=f"{contact.reference} wordt blijvend bewaard")
    if record.disposal_date and record.disposal_date > today:
        return RETENTION_GROUND.format(
            what=f"{contact.reference} te bewaren tot {record.disposal_date.isoformat()}"
        )
    if record.legal_hold:
        return RETENTION_GROUND.format(what=f"{contact.reference} staat onder juridische blokkade")
    if record.status != RecordStatus.destroyed:
        # Past its disposal date: destruction goes through the approved list.
        return RETENTION_GROUND.format(
            what=f"{contact.reference} wordt vernietigd via de vernietigingslijst"
        )
    return None


async def erase_customer(session: AsyncSession, customer_id: int) -> dict:
    """Remove the customer and what hangs off them (cascades). Only called when
    ``erasure_refusal`` found no ground to keep: any contact left is closed and its
    record destroyed, so nothing here is still under a retention duty."""
    contact_ids = (
        (await session.execute(select(Contact.id).where(Contact.customer_id == customer_id)))
        .scalars()
        .all()
    )
    if contact_ids:
        await session.execute(delete(Contact).where(Contact.id.in_(contact_ids)))
    await session.execute(delete(Customer).where(Customer.id == customer_id))
    return {"contacts_removed": len(contact_ids)}
