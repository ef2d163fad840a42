"""Open a contact from a web form submission, once per submission key.

1. store (one transaction): the submission row (its key is unique), the customer
   (by email address, as mail intake does), the contact, the message with the
   form's fields and the attachments. A second post of the same key finds the row.
2. start the contact's workflow (channel ``webform``; ID from the reference, so a
   second start changes nothing) and mark the message delivered. A start that
   failed (Temporal down) is made by the next post of the same key.

A submission without proof of work (no JavaScript) is stored as *held*: its fields
wait in the row until a trafficer opens it as a contact or rejects it.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from config.settings import Settings
from db.blobs import store_blob
from db.models.contacts import (
    Attachment,
    Blob,
    Channel,
    Contact,
    Direction,
    Message,
    Product,
    SendStatus,
    utcnow,
)
from db.models.webform import WebformSubmission
from db.session import session_scope
from services.contacts.opening import (
    NewContact,
    WorkflowStart,
    add_contact,
    start_contact_workflow,
)
from services.customers.service import customer_for_incoming_email
from services.webform.fields import CleanAttachment, CleanSubmission

log = logging.getLogger(__name__)

OPENED, HELD, REJECTED = "opened", "held", "rejected"
# The agent reads the form's fields above the message (Dutch: the KCC's language).
LABELS = {
    "reason": "Vraagtype",
    "name": "Naam",
    "email": "E-mail",
    "phone": "Telefoon",
    "role": "Rol",
}
ROLE_LABELS = {
    "citizen": "burger",
    "professional": "zorgprofessional",
    "organisation": "organisatie",
}


@dataclass(frozen=True)
class Outcome:
    status: str  # opened / held / rejected
    reference: str | None = None
    started: bool = True  # False: stored, but the workflow could not be started yet


class WebformIntake:
    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], temporal, settings: Settings
    ):
        self.sessionmaker = sessionmaker
        self.temporal = temporal  # a Client, or an async callable returning one
        self.settings = settings

    async def outcome_of(self, key: str) -> Outcome | None:
        """What became of an earlier post with this key (None: there was none); a
        contact whose workflow did not start yet is started now."""
        async with self.sessionmaker() as s:
            row = await s.scalar(
                select(WebformSubmission).where(WebformSubmission.submission_key == key)
            )
            if row is None:
                return None
            if row.status != OPENED:
                return Outcome(row.status)
            contact = await s.get(Contact, row.contact_id)
            message = await s.get(Message, row.message_id)
            product = await s.get(Product, row.product_id)
            delivered = message.delivered_to_workflow
            reference, contact_id, message_id = contact.reference, contact.id, message.id
        if not delivered:
            return await self._start(contact_id, reference, product.code, message_id)
        return Outcome(OPENED, reference)

    async def open(
        self,
        product_id: int,
        key: str,
        clean: CleanSubmission,
        language: str,
        ip_hash: str,
        source: str = "form",
    ) -> Outcome:
        """Store the submission as a contact and start its workflow."""
        try:
            async with session_scope(self.sessionmaker) as s:
                row = WebformSubmission(
                    submission_key=key,
                    product_id=product_id,
                    source=source,
                    status=OPENED,
                    language=language,
                    ip_hash=ip_hash,
                )
                s.add(row)
                await s.flush()  # the key is taken here, or IntegrityError
                contact, message, code = await self._store_contact(s, product_id, clean, language)
                row.contact_id, row.message_id = contact.id, message.id
                ids = (contact.id, contact.reference, code, message.id)
        except IntegrityError:
            log.info("web form submission %s stored before; reading it back", key[:8])
            found = await self.outcome_of(key)
            if found is None:
                raise
            return found
        return await self._start(*ids)

    async def hold(
        self,
        product_id: int,
        key: str,
        clean: CleanSubmission,
        language: str,
        ip_hash: str,
    ) -> Outcome:
        """Store the submission for a trafficer's review (no contact yet)."""
        try:
            async with session_scope(self.sessionmaker) as s:
                files = []
                for a in clean.attachments:
                    sha = await store_blob(s, a.data)
                    files.append(
                        {
                            "filename": a.filename,
                            "kind": a.kind,
                            "type": a.content_type,
                            "sha256": sha,
                        }
                    )
                fields = asdict(clean)
                fields["attachments"] = files
                s.add(
                    WebformSubmission(
                        submission_key=key,
                        product_id=product_id,
                        status=HELD,
                        language=language,
                        ip_hash=ip_hash,
                        held=fields,
                    )
                )
        except IntegrityError:
            found = await self.outcome_of(key)
            if found is None:
                raise
            return found
        return Outcome(HELD)

    async def release(self, submission_id: int, user_id: int) -> Outcome:
        """A trafficer opens a held submission as a contact."""
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(WebformSubmission, submission_id, with_for_update=True)
            if row is None or row.status != HELD:
                return Outcome(row.status if row else REJECTED)
            clean = await _held_submission(s, row.held)
            contact, message, code = await self._store_contact(
                s, row.product_id, clean, row.language
            )
            row.status, row.held = OPENED, {}
            row.contact_id, row.message_id = contact.id, message.id
            row.decided_at, row.decided_by = utcnow(), user_id
            ids = (contact.id, contact.reference, code, message.id)
        return await self._start(*ids)

    async def reject(self, submission_id: int, user_id: int) -> bool:
        async with session_scope(self.sessionmaker) as s:
            row = await s.get(WebformSubmission, submission_id, with_for_update=True)
            if row is None or row.status != HELD:
                return False
            row.status, row.held = REJECTED, {}
            row.decided_at, row.decided_by = utcnow(), user_id
        return True

    # --- store and start -----------------------------------------------------------------

    async def _store_contact(
        self, s: AsyncSession, product_id: int, clean: CleanSubmission, language: str
    ) -> tuple[Contact, Message, str]:
        product = await s.get(Product, product_id)
        customer_id = await customer_for_incoming_email(s, clean.email, clean.name)
        subject = clean.subject(language)
        contact = await add_contact(
            s, NewContact(Channel.webform, product_id, subject=subject, customer_id=customer_id)
        )
        contact.language = language
        message = Message(
            contact_id=contact.id,
            direction=Direction.inbound,
            send_status=SendStatus.received,
            from_address=clean.email[:320],
            from_name=clean.name[:300],
            subject=subject,
            text_body=summary_text(clean),
            headers={"webform": _field_record(clean)},
            sent_date=utcnow(),
        )
        s.add(message)
        await s.flush()
        for a in clean.attachments:
            await _add_attachment(s, message.id, a)
        return contact, message, product.code

    async def _start(self, contact_id: int, reference: str, code: str, message_id: int) -> Outcome:
        try:
            client = self.temporal if isinstance(self.temporal, Client) else await self.temporal()
            await start_contact_workflow(
                client,
                self.settings,
                WorkflowStart(contact_id, reference, code, "webform", first_message_id=message_id),
            )
        except Exception as exc:  # stored: the next post of the same key starts it
            log.warning("web form contact %s stored, workflow not started: %s", reference, exc)
            return Outcome(OPENED, reference, started=False)
        async with self.sessionmaker.kw["bind"].connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(
                update(Message).where(Message.id == message_id).values(delivered_to_workflow=True)
            )
        return Outcome(OPENED, reference)


def summary_text(clean: CleanSubmission) -> str:
    """The message as the agent reads it: the form's fields, then the text."""
    lines = [f"{LABELS['reason']}: {clean.reason_nl}"] if clean.reason_nl else []
    lines += [f"{LABELS['name']}: {clean.name}", f"{LABELS['email']}: {clean.email}"]
    if clean.phone:
        lines.append(f"{LABELS['phone']}: {clean.phone}")
    if clean.role:
        lines.append(f"{LABELS['role']}: {ROLE_LABELS.get(clean.role, clean.role)}")
    if clean.identifier:
        kind = clean.identifier_kind.upper()
        lines.append(f"{kind}-nummer (opgegeven, niet gecontroleerd): {clean.identifier}")
    return "\n".join(lines) + "\n\n" + clean.message


def _field_record(clean: CleanSubmission) -> dict:
    record = asdict(clean)
    record["attachments"] = [a.filename for a in clean.attachments]
    return record


async def _add_attachment(s: AsyncSession, message_id: int, a: CleanAttachment) -> None:
    sha = await store_blob(s, a.data)
    s.add(
        Attachment(
            message_id=message_id,
            filename=a.filename[:500],
            content_type=a.content_type,
            size=len(a.data),
            sha256=sha,
        )
    )


async def _held_submission(s: AsyncSession, held: dict) -> CleanSubmission:
    files = []
    for f in held.get("attachments", []):
        blob = await s.get(Blob, f["sha256"])
        files.append(CleanAttachment(f["filename"], f["kind"], f["type"], bytes(blob.data)))
    fields = {k: v for k, v in held.items() if k != "attachments"}
    return CleanSubmission(**fields, attachments=files)
