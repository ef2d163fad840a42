"""Activities of the records workflows: build a closed contact's record and put it
in the DMS; collect, decide and carry out the destruction list; certify it.

All idempotent (Temporal retries them): the record row is keyed by contact, DMS
documents by (reference, file name), destruction by record status.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import date

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from adapters.dms import Dms, DmsDocument, DmsUnavailable, RecordMeta, make_dms
from adapters.dms.local import safe
from adapters.dms.pdf import text_pdf
from adapters.mail.compose import compose_message
from config.settings import Settings
from contracts.records import (
    ArchiveResult,
    CertificateInput,
    CertificateResult,
    CollectInput,
    CollectResult,
    DecisionRecord,
    DestroyInput,
    DestroyResult,
    PendingResult,
    RecordRef,
)
from db.models.contacts import (
    Attachment,
    Blob,
    Contact,
    ContactEvent,
    ContactReason,
    Customer,
    CustomerEmail,
    Direction,
    Message,
    Note,
    Product,
    User,
    utcnow,
)
from db.models.records import (
    ContactRecord,
    DestructionCertificate,
    DestructionItem,
    DestructionList,
    Disposal,
    ItemDecision,
    RecordStatus,
)
from db.session import session_scope
from services import audit
from services.records.retention import class_for, disposal_for

log = logging.getLogger(__name__)
SYSTEM = "system:records"


class RecordsActivities:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        dms: Dms | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.dms = dms or make_dms(settings)

    # --- archiving ------------------------------------------------------------------

    @activity.defn
    async def mark_archiving_pending(self, ref: RecordRef) -> PendingResult:
        """The record exists from the moment of closing: "archiving pending"."""
        async with session_scope(self.sessionmaker) as s:
            record = await self._record_for(s, ref.contact_id, lock=True)
            if record.status == RecordStatus.archived:
                record.status = RecordStatus.pending  # closed again after a reopen
            await s.flush()
            return PendingResult(record_id=record.id)

    async def _record_for(self, s: AsyncSession, contact_id: int, lock: bool = False):
        stmt = select(ContactRecord).where(ContactRecord.contact_id == contact_id)
        record = (await s.execute(stmt.with_for_update() if lock else stmt)).scalar_one_or_none()
        if record is None:
            contact = await s.get(Contact, contact_id)
            record = ContactRecord(
                contact_id=contact.id,
                reference=contact.reference,
                product_id=contact.product_id,
                channel=contact.channel,
                status=RecordStatus.pending,
                closed_at=contact.closed_at,
            )
            s.add(record)
            await s.flush()
        return record

    @activity.defn
    async def archive_contact(self, ref: RecordRef) -> ArchiveResult:
        async with self.sessionmaker() as s:
            contact = await s.get(Contact, ref.contact_id)
            if contact is None:  # purged meanwhile: nothing left to archive
                return ArchiveResult(record_id=0, status="gone")
            meta, documents = await self._build_record(s, contact)
        try:
            stored = [await self.dms.store(meta, doc) for doc in documents]
        except DmsUnavailable as exc:
            await self._note_failure(ref.contact_id, str(exc))
            raise
        async with session_scope(self.sessionmaker) as s:
            contact = await s.get(Contact, ref.contact_id)
            record = await self._record_for(s, ref.contact_id, lock=True)
            cls = await class_for(s, contact.product_id, contact.channel)
            closed_at = contact.closed_at or utcnow()
            disposal, disposal_date = disposal_for(cls, closed_at)
            record.status = RecordStatus.archived
            record.backend = self.dms.backend
            record.documents = [vars(d) for d in stored]
            record.closed_at = closed_at
            record.archived_at = utcnow()
            record.disposal, record.disposal_date = disposal, disposal_date
            record.attempts += 1
            record.last_error = None
            await audit.record(
                s,
                actor=SYSTEM,
                action="record.archived",
                object_type="contact",
                object_id=contact.reference,
                origin="worker",
                detail={
                    "backend": self.dms.backend,
                    "documents": len(stored),
                    "disposal": disposal.value,
                    "disposal_date": disposal_date.isoformat() if disposal_date else None,
                },
            )
            return ArchiveResult(record_id=record.id, status="archived", documents=len(stored))

    async def _note_failure(self, contact_id: int, error: str) -> None:
        async with session_scope(self.sessionmaker) as s:
            await s.execute(
                update(ContactRecord)
                .where(ContactRecord.contact_id == contact_id)
                .values(attempts=ContactRecord.attempts + 1, last_error=error[:2000])
            )

    async def _build_record(self, s: AsyncSession, contact: Contact):
        product = await s.get(Product, contact.product_id)
        messages = (
            (
                await s.execute(
                    select(Message)
                    .where(Message.contact_id == contact.id)
                    .order_by(Message.created_at, Message.id)
                )
            )
            .scalars()
            .all()
        )
        closed_on = (contact.closed_at or utcnow()).date()
        meta = RecordMeta(
            reference=contact.reference,
            product_code=product.code,
            channel=contact.channel,
            closed_on=closed_on,
            title=f"Klantcontact {contact.reference}",
        )
        documents: list[DmsDocument] = []
        listing = []
        for n, msg in enumerate(messages, start=1):
            eml = await self._eml(s, contact, product, msg)
            name = f"{n:03d}-{'in' if msg.direction == Direction.inbound else 'uit'}-{msg.id}.eml"
            documents.append(DmsDocument(name, "message/rfc822", eml, "message", msg.subject))
            listing.append({"message_id": msg.id, "file": name, "direction": msg.direction})
            rows = await s.execute(
                select(Attachment, Blob.data)
                .join(Blob, Blob.sha256 == Attachment.sha256, isouter=True)
                .where(Attachment.message_id == msg.id)
                .order_by(Attachment.id)
            )
            for att, data in rows.all():
                if data is None:  # over the size limit at intake: recorded, not kept
                    listing.append({"attachment_id": att.id, "not_kept": True})
                    continue
                att_name = f"{n:03d}-bijlage-{att.id}-{safe(att.filename)}"
                documents.append(DmsDocument(att_name, att.content_type, data, "attachment"))
        summary = await self._summary_text(s, contact, product, messages)
        documents.append(
            DmsDocument(
                "samenvatting.pdf",
                "application/pdf",
                text_pdf(meta.title, summary, contact.closed_at),
                "summary",
                meta.title,
            )
        )
        metadata = {
            "reference": contact.reference,
            "product": product.code,
            "channel": contact.channel,
            "subject": contact.subject,
            "created_at": contact.created_at.isoformat() if contact.created_at else None,
            "closed_at": contact.closed_at.isoformat() if contact.closed_at else None,
            "customer_id": contact.customer_id,
            "documents": [
                {"file": d.name, "kind": d.kind, "sha256": hashlib.sha256(d.data).hexdigest()}
                for d in documents
            ],
            "thread": listing,
        }
        documents.append(
            DmsDocument(
                "metadata.json",
                "application/json",
                json.dumps(metadata, indent=2, ensure_ascii=False).encode(),
                "metadata",
            )
        )
        return meta, documents

    async def _eml(self, s: AsyncSession, contact: Contact, product: Product, msg: Message):
        if msg.raw_sha256:
            blob = await s.get(Blob, msg.raw_sha256)
            if blob is not None:
                return bytes(blob.data)
        rows = await s.execute(
            select(Attachment, Blob.data)
            .join(Blob, Blob.sha256 == Attachment.sha256)
            .where(Attachment.message_id == msg.id)
        )
        email = compose_message(
            from_name=msg.from_name or product.name,
            from_address=msg.from_address or product.reply_from,
            to=[a for a in (msg.to_addresses or "").split(",") if a.strip()],
            subject=msg.subject,
            reference=contact.reference,
            text_body=msg.text_body,
            signature="",
            parent_message_id=msg.in_reply_to,
            parent_references=(msg.references or "").split(),
            auto_reply=msg.is_acknowledgement,
            message_id=msg.message_id_header,
            domain=self.settings.mail_domain,
            attachments=[(a.filename, a.content_type, data) for a, data in rows.all()],
        )
        return bytes(email)

    async def _summary_text(self, s, contact, product, messages) -> str:
        customer = await s.get(Customer, contact.customer_id) if contact.customer_id else None
        emails = []
        if customer is not None:
            emails = (
                (
                    await s.execute(
                        select(CustomerEmail.address).where(
                            CustomerEmail.customer_id == customer.id
                        )
                    )
                )
                .scalars()
                .all()
            )
        reason = None
        if contact.close_reason_id:
            reason = await s.get(ContactReason, contact.close_reason_id)
        notes = (
            (await s.execute(select(Note).where(Note.contact_id == contact.id).order_by(Note.id)))
            .scalars()
            .all()
        )
        events = (
            (
                await s.execute(
                    select(ContactEvent)
                    .where(ContactEvent.contact_id == contact.id)
                    .order_by(ContactEvent.at, ContactEvent.id)
                )
            )
            .scalars()
            .all()
        )
        lines = [
            f"Klantcontact {contact.reference}",
            f"Product: {product.name} ({product.code})   Kanaal: {contact.channel}",
            f"Onderwerp: {contact.subject}",
            f"Ontvangen: {contact.created_at:%Y-%m-%d %H:%M} UTC" if contact.created_at else "",
            f"Gesloten: {contact.closed_at:%Y-%m-%d %H:%M} UTC" if contact.closed_at else "",
            f"Contactreden: {reason.label_nl}" if reason else "",
            f"Klant: {customer.display_name} <{', '.join(emails)}>" if customer else "Klant: -",
            "",
            "Berichten",
            "=========",
        ]
        for msg in messages:
            who = msg.from_address or ("KCC" if msg.direction == Direction.outbound else "-")
            when = msg.sent_date or msg.sent_at or msg.created_at
            lines += [
                "",
                f"[{'in' if msg.direction == Direction.inbound else 'uit'}] {when:%Y-%m-%d %H:%M} "
                f"van {who}",
                f"Onderwerp: {msg.subject}",
                "",
                msg.text_body or "(geen tekst)",
            ]
        if notes:
            lines += ["", "Interne notities", "================"]
            lines += [f"- {n.created_at:%Y-%m-%d %H:%M}: {n.body}" for n in notes]
        lines += ["", "Verloop", "======="]
        lines += [f"- {e.at:%Y-%m-%d %H:%M} {e.kind}" for e in events]
        return "\n".join(lines)

    # --- destruction ----------------------------------------------------------------

    @activity.defn
    async def collect_destruction_list(self, inp: CollectInput) -> CollectResult:
        """Records past their disposal date, not under legal hold, not on another
        open list. Idempotent: a retry finds the list it made."""
        async with session_scope(self.sessionmaker) as s:
            existing = (
                await s.execute(
                    select(DestructionList).where(DestructionList.workflow_id == inp.workflow_id)
                )
            ).scalar_one_or_none()
            if existing is not None:
                ids = (
                    await s.execute(
                        select(DestructionItem.record_id)
                        .where(DestructionItem.list_id == existing.id)
                        .order_by(DestructionItem.record_id)
                    )
                ).scalars()
                return CollectResult(existing.id, list(ids))
            dlist = DestructionList(workflow_id=inp.workflow_id)
            s.add(dlist)
            await s.flush()
            on_open_list = exists().where(
                DestructionItem.record_id == ContactRecord.id,
                DestructionItem.list_id == DestructionList.id,
                DestructionList.status == "open",
                DestructionList.id != dlist.id,
            )
            due = (
                await s.execute(
                    select(ContactRecord.id)
                    .where(
                        ContactRecord.status == RecordStatus.archived,
                        ContactRecord.disposal == Disposal.destroy,
                        ContactRecord.disposal_date <= date.fromisoformat(inp.as_of),
                        ContactRecord.legal_hold.is_(False),
                        ~on_open_list,
                    )
                    .order_by(ContactRecord.disposal_date, ContactRecord.id)
                )
            ).scalars()
            record_ids = list(due)
            for record_id in record_ids:
                s.add(
                    DestructionItem(
                        list_id=dlist.id, record_id=record_id, decision=ItemDecision.pending
                    )
                )
            await audit.record(
                s,
                actor=SYSTEM,
                action="destruction.list_created",
                object_type="destruction_list",
                object_id=dlist.id,
                origin="worker",
                detail={"as_of": inp.as_of, "items": len(record_ids)},
            )
            if not record_ids:
                dlist.status = "executed"
                dlist.executed_at = utcnow()
            return CollectResult(dlist.id, record_ids)

    @activity.defn
    async def record_destruction_decision(self, d: DecisionRecord) -> None:
        async with session_scope(self.sessionmaker) as s:
            await s.execute(
                update(DestructionItem)
                .where(DestructionItem.list_id == d.list_id)
                .where(DestructionItem.record_id == d.record_id)
                .values(
                    decision=ItemDecision.approved if d.approve else ItemDecision.withheld,
                    decided_by=d.user_id,
                    decided_at=utcnow(),
                    reason=d.reason,
                )
            )
            username = await s.scalar(select(User.username).where(User.id == d.user_id))
            reference = await s.scalar(
                select(ContactRecord.reference).where(ContactRecord.id == d.record_id)
            )
            await audit.record(
                s,
                actor=username or f"user:{d.user_id}",
                actor_id=d.user_id,
                action="destruction.approve" if d.approve else "destruction.withhold",
                object_type="record",
                object_id=reference,
                origin="workflow",
                detail={"list_id": d.list_id, "reason": d.reason},
            )

    @activity.defn
    async def destroy_record(self, inp: DestroyInput) -> DestroyResult:
        async with self.sessionmaker() as s:
            record = await s.get(ContactRecord, inp.record_id)
            if record.status == RecordStatus.destroyed:
                return DestroyResult(inp.record_id, True)
            if record.legal_hold:  # set after the list was made: still blocks
                return DestroyResult(inp.record_id, False, "legal_hold")
            documents = list(record.documents)
        for doc in documents:  # the DMS first: a retry repeats only what is left
            await self.dms.destroy(doc["dms_id"])
        async with session_scope(self.sessionmaker) as s:
            record = await s.get(ContactRecord, inp.record_id, with_for_update=True)
            if record.legal_hold:
                return DestroyResult(inp.record_id, False, "legal_hold")
            purged = await self._purge_contact(s, record.contact_id)
            record.status = RecordStatus.destroyed
            record.destroyed_at = utcnow()
            record.contact_id = None
            # Keep what the certificate needs, not file names (they may name people).
            record.documents = [
                {"dms_id": d["dms_id"], "kind": d["kind"], "sha256": d["sha256"], "size": d["size"]}
                for d in documents
            ]
            await audit.record(
                s,
                actor=SYSTEM,
                action="record.destroyed",
                object_type="record",
                object_id=record.reference,
                origin="worker",
                detail={"list_id": inp.list_id, "documents": len(documents), **purged},
            )
        return DestroyResult(inp.record_id, True)

    async def _purge_contact(self, s: AsyncSession, contact_id: int | None) -> dict:
        """Personal data of a destroyed record leaves PULSE: the contact with its
        messages, attachments, notes and history (cascades), the blobs nobody else
        uses, and the customer when this was their last contact."""
        if contact_id is None:
            return {"contact": "already gone"}
        contact = await s.get(Contact, contact_id)
        if contact is None:
            return {"contact": "already gone"}
        customer_id = contact.customer_id
        shas = set(
            (
                await s.execute(
                    select(Message.raw_sha256).where(
                        Message.contact_id == contact_id, Message.raw_sha256.is_not(None)
                    )
                )
            ).scalars()
        )
        shas |= set(
            (
                await s.execute(
                    select(Attachment.sha256)
                    .join(Message, Message.id == Attachment.message_id)
                    .where(Message.contact_id == contact_id, Attachment.sha256.is_not(None))
                )
            ).scalars()
        )
        await s.execute(delete(Contact).where(Contact.id == contact_id))
        blobs_gone = 0
        for sha in shas:
            still_used = await s.scalar(
                select(
                    or_(
                        exists().where(Message.raw_sha256 == sha),
                        exists().where(Attachment.sha256 == sha),
                    )
                )
            )
            if not still_used:
                async with s.begin_nested():  # another area may still point at it
                    try:
                        await s.execute(delete(Blob).where(Blob.sha256 == sha))
                        blobs_gone += 1
                    except Exception:  # noqa: BLE001 - kept; reported in the audit detail
                        log.warning("blob %s kept: still referenced", sha[:12])
        customer = "kept"
        if customer_id is not None:
            others = await s.scalar(select(exists().where(Contact.customer_id == customer_id)))
            if not others:
                try:
                    async with s.begin_nested():
                        await s.execute(delete(Customer).where(Customer.id == customer_id))
                    customer = "removed"
                except Exception:  # noqa: BLE001
                    customer = "kept: still referenced"
        return {"blobs_removed": blobs_gone, "customer": customer}

    @activity.defn
    async def issue_destruction_certificate(self, inp: CertificateInput) -> CertificateResult:
        async with session_scope(self.sessionmaker) as s:
            found = (
                await s.execute(
                    select(DestructionCertificate).where(
                        DestructionCertificate.list_id == inp.list_id
                    )
                )
            ).scalar_one_or_none()
            if found is not None:
                return CertificateResult(found.id, found.sha256)
            dlist = await s.get(DestructionList, inp.list_id)
            rows = (
                await s.execute(
                    select(
                        DestructionItem, ContactRecord, Product.code, User.username, User.full_name
                    )
                    .join(ContactRecord, ContactRecord.id == DestructionItem.record_id)
                    .join(Product, Product.id == ContactRecord.product_id)
                    .join(User, User.id == DestructionItem.decided_by, isouter=True)
                    .where(DestructionItem.list_id == inp.list_id)
                    .order_by(ContactRecord.reference)
                )
            ).all()
            destroyed, kept = [], []
            for item, record, product_code, username, full_name in rows:
                entry = {
                    "reference": record.reference,
                    "product": product_code,
                    "channel": record.channel,
                    "closed_at": record.closed_at.isoformat() if record.closed_at else None,
                    "disposal_date": record.disposal_date.isoformat()
                    if record.disposal_date
                    else None,
                    "decision": item.decision,
                    "decided_by": username,
                    "decided_by_name": full_name,
                    "decided_at": item.decided_at.isoformat() if item.decided_at else None,
                }
                if record.id in inp.destroyed:
                    entry |= {
                        "destroyed_at": record.destroyed_at.isoformat(),
                        "dms_backend": record.backend,
                        "dms_documents": record.documents,
                    }
                    destroyed.append(entry)
                else:
                    reason = item.reason or ("legal hold" if record.legal_hold else "")
                    kept.append(entry | {"reason": reason})
            body = {
                "title": "Verklaring van vernietiging",
                "organisation": "CIBG, Klantcontactcentrum",
                "list_id": inp.list_id,
                "workflow_id": dlist.workflow_id,
                "list_created_at": dlist.created_at.isoformat(),
                "issued_at": utcnow().isoformat(),
                "destroyed": destroyed,
                "not_destroyed": kept,
            }
            digest = hashlib.sha256(
                json.dumps(body, sort_keys=True, ensure_ascii=False).encode()
            ).hexdigest()
            cert = DestructionCertificate(list_id=inp.list_id, body=body, sha256=digest)
            s.add(cert)
            dlist.status = "executed"
            dlist.executed_at = utcnow()
            await s.flush()
            await audit.record(
                s,
                actor=SYSTEM,
                action="destruction.certificate",
                object_type="destruction_list",
                object_id=inp.list_id,
                origin="worker",
                detail={
                    "certificate_id": cert.id,
                    "sha256": digest,
                    "destroyed": len(destroyed),
                    "not_destroyed": len(kept),
                },
            )
            return CertificateResult(cert.id, digest)


def records_activities(acts: RecordsActivities) -> list:
    return [
        acts.mark_archiving_pending,
        acts.archive_contact,
        acts.collect_destruction_list,
        acts.record_destruction_decision,
        acts.destroy_record,
        acts.issue_destruction_certificate,
    ]
