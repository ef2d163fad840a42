"""The destruction list: collected daily, decided item by item by the records
manager, carried out in the DMS and in PULSE, certified. Idempotent by list and
record status (Temporal retries every step)."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity

from activities.records.archive import SYSTEM
from activities.records.purge import purge_contact
from adapters.dms import Dms
from contracts.records import (
    CertificateInput,
    CertificateResult,
    CollectInput,
    CollectResult,
    DecisionRecord,
    DestroyInput,
    DestroyResult,
)
from db.models.contacts import Product, User, utcnow
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


class DestructionActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], dms: Dms) -> None:
        self.sessionmaker = sessionmaker
        self.dms = dms

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
            purged = await purge_contact(s, record.contact_id)
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
