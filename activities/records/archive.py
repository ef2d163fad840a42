"""Archiving: a closed contact's record is marked pending and put in the DMS,
retried for as long as the DMS is away (the record row is keyed by contact, DMS
documents by reference and file name)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from activities.records.documents import build_record
from adapters.dms import Dms, DmsUnavailable
from config.settings import Settings
from contracts.records import ArchiveResult, PendingResult, RecordRef
from db.models.contacts import Contact, utcnow
from db.models.records import ContactRecord, RecordStatus
from db.session import session_scope
from services import audit
from services.records.retention import class_for, disposal_for

SYSTEM = "system:records"  # the actor of the records worker's audit lines


class ArchiveActivities:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings, dms: Dms
    ) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.dms = dms

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
            meta, documents = await build_record(s, contact, self.settings.mail_domain)
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
