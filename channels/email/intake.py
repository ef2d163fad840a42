"""Mail intake: store an arrived message durably, then hand it to its contact workflow.

``MailIntake.handle`` is what the IMAP watcher calls for every message in a product
mailbox; the watcher moves the message out of INBOX only after ``handle`` returned.
Every step is idempotent, so a crash anywhere loses nothing and doubles nothing:

1. store (one transaction): raw bytes, parsed message, attachments and -- for a
   message that does not belong to an existing thread (channels/email/threading.py)
   -- a new contact. A message already stored (same mailbox UID, or the same raw
   bytes in the mailbox) is reused; one that only shares a Message-ID is not the
   same message. Spam goes to the product's junk instead (channels/email/junk.py).
   Messages of one mailbox are stored one at a time, in the order the watcher
   hands them over (UID order), so a reply fetched with its parent finds it.
2. deliver: start the new contact's workflow (ID from its reference, so a second
   start is refused and harmless) or signal the thread's workflow (which ignores a
   message it has seen). A thread whose workflow has finished -- closed longer than
   the reopen window -- gets a new contact instead; machine mail (auto replies,
   bounces) stays on the finished contact. A thread whose workflow was not started
   yet (its first message is still being delivered) is started here.
3. mark the message delivered.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from adapters.mail.parse import ParsedMail, parse_message
from channels.email.junk import store_junk
from channels.email.threading import thread_target
from config.settings import Settings
from contracts.contact import CustomerMessage, contact_workflow_id
from db.blobs import store_blob
from db.models.contacts import (
    Attachment,
    Channel,
    Contact,
    CustomerEmail,
    Direction,
    Message,
    Product,
    SendStatus,
    utcnow,
)
from db.session import session_scope
from services.contacts.opening import (
    NewContact,
    WorkflowStart,
    add_contact,
    start_contact_workflow,
)
from services.customers.service import customer_for_incoming_email
from workflows.contact.workflow import ContactWorkflow

log = logging.getLogger(__name__)

REFERENCE_RE = re.compile(r"KCC-\d{4}-\d{6}")


@dataclass
class Stored:
    message_id: int
    contact_id: int
    reference: str
    product_code: str
    new_contact: bool
    delivered: bool
    machine_kind: str = ""


class MailIntake:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        temporal: Client,
        settings: Settings,
    ):
        self.sessionmaker = sessionmaker
        self.temporal = temporal
        self.settings = settings
        self._products: dict[str, tuple[int, str]] = {}
        # asyncio.Lock wakes waiters first come, first served: stores run in the
        # order the watcher started the handlers (UID order)
        self._store_order: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def handle(
        self, raw: bytes, mailbox: str, uidvalidity: int, uid: int, *, release: bool = False
    ) -> None:
        """Store and deliver one message; ``release``: a trafficer released it from
        the junk, so spam rules no longer apply."""
        async with self._store_order[mailbox]:
            stored = await self.store(raw, mailbox, uidvalidity, uid, release=release)
        if stored is None or stored.delivered:
            return
        await self.deliver(stored)

    # --- 1. store -----------------------------------------------------------------------

    async def store(
        self, raw: bytes, mailbox: str, uidvalidity: int, uid: int, *, release: bool = False
    ) -> Stored | None:
        """The stored message (None: it was junk, kept in the product's junk view)."""
        product_id, product_code = await self._product_for(mailbox)
        parsed = parse_message(raw)
        for _ in range(3):  # a concurrent insert of the same message: read the winner
            try:
                async with session_scope(self.sessionmaker) as s:
                    existing = await self._find_existing(s, mailbox, uidvalidity, uid, parsed)
                    if existing is not None:
                        return await self._stored_from(s, existing, product_code)
                    if parsed.spam_reason and not release:
                        await store_junk(s, raw, parsed, mailbox, uidvalidity, uid, product_id)
                        return None
                    return await self._store_new(
                        s, raw, parsed, mailbox, uidvalidity, uid, product_id, product_code
                    )
            except IntegrityError:
                log.info("message %s/%s stored concurrently; reading it back", mailbox, uid)
        raise RuntimeError(f"could not store message {mailbox}/{uidvalidity}/{uid}")

    async def _product_for(self, mailbox: str) -> tuple[int, str]:
        if mailbox not in self._products:
            async with self.sessionmaker() as s:
                product = await s.scalar(select(Product).where(Product.mailbox == mailbox))
            if product is None:
                raise LookupError(f"no product has mailbox {mailbox!r}")
            self._products[mailbox] = (product.id, product.code)
        return self._products[mailbox]

    async def _find_existing(self, s, mailbox, uidvalidity, uid, parsed) -> Message | None:
        return await s.scalar(
            select(Message)
            .where(
                Message.direction == Direction.inbound,
                Message.mailbox == mailbox,
                or_(
                    (Message.uidvalidity == uidvalidity) & (Message.imap_uid == uid),
                    Message.dedupe_key == parsed.dedupe_key,
                ),
            )
            .limit(1)
        )

    async def _stored_from(self, s, message: Message, product_code: str) -> Stored:
        """A message stored by an earlier attempt. It opened its contact when no
        earlier message belongs to that contact: then delivering it again must start
        that contact's workflow (the crash may have come before the start), not treat
        it as a reply to a finished thread and split off another contact."""
        contact = await s.get(Contact, message.contact_id)
        earlier = await s.scalar(
            select(Message.id)
            .where(Message.contact_id == contact.id, Message.id < message.id)
            .limit(1)
        )
        return Stored(
            message.id,
            contact.id,
            contact.reference,
            product_code,
            earlier is None,
            message.delivered_to_workflow,
            message.machine_kind,
        )

    async def _store_new(
        self, s, raw, parsed: ParsedMail, mailbox, uidvalidity, uid, product_id, product_code
    ) -> Stored:
        raw_sha = await store_blob(s, raw)
        choice = await thread_target(s, parsed, product_id)
        contact = choice.contact
        new_contact = contact is None
        if contact is None:
            contact = await self._new_contact(
                s,
                product_id,
                parsed.subject,
                bool(parsed.parse_error),
                await self._customer_for(s, parsed),
            )
            if choice.mentions is not None:
                contact.mentions_contact_id = choice.mentions.id
        message = Message(
            contact_id=contact.id,
            direction=Direction.inbound,
            send_status=SendStatus.received,
            mailbox=mailbox,
            uidvalidity=uidvalidity,
            imap_uid=uid,
            dedupe_key=parsed.dedupe_key[:998],
            message_id_header=(parsed.message_id or None) and parsed.message_id[:998],
            in_reply_to=(parsed.in_reply_to or None) and parsed.in_reply_to[:998],
            references=" ".join(parsed.references) or None,
            from_address=(parsed.from_address or None) and parsed.from_address[:320],
            from_name=(parsed.from_name or None) and parsed.from_name[:300],
            to_addresses=",".join(parsed.to) or None,
            cc_addresses=",".join(parsed.cc) or None,
            subject=parsed.subject or "",
            sent_date=parsed.date,
            headers=parsed.headers,
            text_body=parsed.text_body or "",
            html_sanitized=parsed.html_sanitized,
            raw_sha256=raw_sha,
            parse_error=parsed.parse_error,
            is_auto_reply=parsed.is_auto_reply,
            machine_kind=parsed.machine_kind,
            sender_unverified=parsed.sender_unverified,
        )
        s.add(message)
        await s.flush()
        await self._store_attachments(s, message.id, parsed)
        if not new_contact and parsed.parse_error:
            contact.unreadable = True
        if parsed.machine_kind == "bounce":
            await self._note_bounce(s, contact, parsed)
        return Stored(
            message.id,
            contact.id,
            contact.reference,
            product_code,
            new_contact,
            False,
            parsed.machine_kind,
        )

    async def _note_bounce(self, s, contact: Contact, parsed: ParsedMail) -> None:
        """A reply did not arrive: the contact says so, the address is failing."""
        contact.reply_undelivered = True
        if parsed.bounced_recipients:
            await s.execute(
                update(CustomerEmail)
                .where(
                    CustomerEmail.address.in_(parsed.bounced_recipients),
                    CustomerEmail.failing_since.is_(None),
                )
                .values(failing_since=utcnow())
            )

    async def _new_contact(
        self, s, product_id: int, subject: str, unreadable: bool, customer_id: int | None
    ) -> Contact:
        return await add_contact(
            s,
            NewContact(
                Channel.email,
                product_id,
                subject=subject,
                customer_id=customer_id,
                unreadable=unreadable,
            ),
        )

    async def _customer_for(self, s, parsed: ParsedMail) -> int | None:
        # Match by the sender's address, or a new customer holding it (services.customers.service).
        return await customer_for_incoming_email(s, parsed.from_address, parsed.from_name)

    async def _store_attachments(self, s, message_id: int, parsed: ParsedMail) -> None:
        limit = self.settings.attachment_max_bytes
        for part in parsed.attachments:
            too_large = len(part.data) > limit
            sha = None if too_large else await store_blob(s, part.data)
            s.add(
                Attachment(
                    message_id=message_id,
                    filename=part.filename[:500],
                    content_type=(part.content_type or "application/octet-stream")[:200],
                    size=len(part.data),
                    sha256=sha,
                    content_id=(part.content_id or None) and part.content_id[:998],
                    inline=part.inline,
                    too_large=too_large,
                )
            )

    # --- 2. deliver ---------------------------------------------------------------------

    async def deliver(self, stored: Stored) -> None:
        if stored.new_contact or not await self._signal_thread(stored):
            if not stored.new_contact and not stored.machine_kind:
                stored = await self._split_off_new_contact(stored)
            if stored.new_contact:
                await self._start_workflow(stored)
        # One statement, committed on its own: no BEGIN/COMMIT round trips per email.
        async with self.sessionmaker.kw["bind"].connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(
                update(Message)
                .where(Message.id == stored.message_id)
                .values(delivered_to_workflow=True)
            )

    async def _start_workflow(self, stored: Stored) -> None:
        # A retry after a crash finds the workflow already started with this message.
        await start_contact_workflow(
            self.temporal,
            self.settings,
            WorkflowStart(
                stored.contact_id,
                stored.reference,
                stored.product_code,
                "email",
                first_message_id=stored.message_id,
            ),
        )

    async def _signal_thread(self, stored: Stored) -> bool:
        """Signal the thread's workflow; False when it no longer runs."""
        handle = self.temporal.get_workflow_handle(contact_workflow_id(stored.reference))
        signal = CustomerMessage(stored.message_id, kind=stored.machine_kind)
        for _ in range(2):
            try:
                await handle.signal(ContactWorkflow.customer_message, signal)
                return True
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
            if not await self._start_unstarted_thread(stored):
                return False
        return False

    async def _start_unstarted_thread(self, stored: Stored) -> bool:
        """The thread's first message may still be on its way (stored, its workflow
        not yet started): start that workflow now, with that message, rather than
        splitting this one off. False when the workflow ran and finished."""
        try:
            await self.temporal.get_workflow_handle(
                contact_workflow_id(stored.reference)
            ).describe()
            return False  # it exists, so it has finished
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        async with self.sessionmaker() as s:
            first = await s.scalar(
                select(Message.id)
                .where(
                    Message.contact_id == stored.contact_id,
                    Message.direction == Direction.inbound,
                )
                .order_by(Message.id)
                .limit(1)
            )
        await start_contact_workflow(
            self.temporal,
            self.settings,
            WorkflowStart(stored.contact_id, stored.reference, stored.product_code, "email", first),
        )
        return True

    async def _split_off_new_contact(self, stored: Stored) -> Stored:
        """The thread is finished: this message starts a new contact."""
        async with session_scope(self.sessionmaker) as s:
            message = await s.get(Message, stored.message_id, with_for_update=True)
            current = await s.get(Contact, message.contact_id)
            if current.id != stored.contact_id:  # already split by an earlier attempt
                return Stored(
                    message.id, current.id, current.reference, stored.product_code, True, False
                )
            old = await s.get(Contact, stored.contact_id)
            # the same customer as the finished thread
            contact = await self._new_contact(
                s, old.product_id, message.subject, bool(message.parse_error), old.customer_id
            )
            message.contact_id = contact.id
            return Stored(
                message.id, contact.id, contact.reference, stored.product_code, True, False
            )
