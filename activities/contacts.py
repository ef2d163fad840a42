"""Activities of the ContactWorkflow: the projection in PostgreSQL and outgoing mail.

Every activity is idempotent, because Temporal retries it: projection writes set
absolute values, and a message is sent only while its row says it is not sent yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from datetime import timedelta

from sqlalchemy import false, func, select, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import aliased
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities import delivery
from activities.projection import add_event_once, apply_work_to_contact, apply_work_to_task
from activities.work import WorkActivities
from adapters.mail.compose import (
    PermanentSendError,
    SmtpPool,
    UncertainDelivery,
    compose_message,
    new_message_id,
)
from config.settings import Settings
from contracts.contact import (
    ContactStatus,
    OpenContactInput,
    OpenContactResult,
    ProjectionResult,
    ProjectionUpdate,
    SendMessageInput,
    SendMessageResult,
    TaskStatus,
)
from contracts.work import StartWorkInput
from db.events import CHANNEL as EVENTS_CHANNEL
from db.events import LiveEvent, publish
from db.models.contacts import (
    Attachment,
    Blob,
    Contact,
    Direction,
    Message,
    Product,
    SendStatus,
    Task,
    utcnow,
)
from db.session import session_scope
from services.mail.templates import render_acknowledgement

log = logging.getLogger(__name__)


def _task_status(status: str, assignee_id: int | None) -> TaskStatus:
    if status == ContactStatus.closed:
        return TaskStatus.done
    return TaskStatus.claimed if assignee_id else TaskStatus.open


PRODUCT_CACHE_SECONDS = 60.0
_UNLOADED = object()  # _upsert_task: the caller did not read the task row yet
# Built once: building an alias of a wide table costs milliseconds of CPU (profiled).
ACK_MESSAGE = aliased(Message, name="ack")
PARENT_MESSAGE = aliased(Message, name="parent")
LOCK_SENDER = text("SELECT pg_advisory_xact_lock(hashtext(:k))")

# "sent" also ends "uncertain" (SMTP's answer does come in); nothing else changes a
# final outcome. The history line only with a change, so a repeated record adds none.
FINISH_SEND = text(
    """
    WITH sent AS (
      UPDATE messages SET send_status = :status, send_error = :error,
        send_attempts = send_attempts + 1,
        sent_at = CASE WHEN :sent THEN now() ELSE NULL END,
        smtp_reply = COALESCE(:reply, smtp_reply),
        delivery_stage = CASE WHEN :uncertain THEN delivery_stage END
      WHERE id = :id AND (send_status = 'sending'
        OR (send_status = 'uncertain' AND CAST(:sent AS boolean)))
      RETURNING id
    ), event AS (
      INSERT INTO contact_events (contact_id, kind, detail)
      SELECT :contact_id, :kind, CAST(:detail AS jsonb) WHERE EXISTS (SELECT 1 FROM sent)
      RETURNING id
    )
    SELECT pg_notify(:channel, :payload), (SELECT count(*) FROM sent), (SELECT count(*) FROM event)
    """
)

# The "received" history line, once (a retried activity finds it), and the live
# event for the inboxes: one round trip (the NOTIFY is delivered at commit).
RECEIVED_ONCE_AND_PUBLISH = text(
    """
    WITH received AS (
      INSERT INTO contact_events (contact_id, kind, detail)
      SELECT :contact_id, 'received', CAST(:detail AS jsonb)
      WHERE NOT EXISTS (
        SELECT 1 FROM contact_events WHERE contact_id = :contact_id AND kind = 'received'
      )
      RETURNING id
    )
    SELECT pg_notify(:channel, :payload), (SELECT count(*) FROM received)
    """
)


class ContactActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings):
        self.sessionmaker = sessionmaker
        self.settings = settings
        self._products: dict[int, Product] = {}
        self._products_loaded = -PRODUCT_CACHE_SECONDS
        self._work = WorkActivities(sessionmaker, settings)  # its plan, folded into open_contact
        self._smtp = SmtpPool(
            host=settings.smtp_host,
            port=settings.smtp_port,
            starttls=settings.smtp_starttls,
            username=settings.smtp_user,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            timeout=30,
        )
        # SMTP took these (message id: its reply) and recording it failed: the next
        # attempt in this process only records (activities/delivery.py).
        self._accepted: dict[int, str] = {}
        self._in_flight: set[asyncio.Future] = set()  # sends that outlive a cancellation

    async def _product_table(self, s: AsyncSession) -> dict[int, Product]:
        """Products change rarely (admins); every contact needs its product's name,
        addresses and signature. A minute's staleness is harmless."""
        now = time.monotonic()
        if now - self._products_loaded >= PRODUCT_CACHE_SECONDS:
            rows = (await s.execute(select(Product))).scalars().all()
            for product in rows:
                s.expunge(product)
            self._products = {p.id: p for p in rows}
            self._products_loaded = now
        return self._products

    async def _product(self, s: AsyncSession, product_id: int) -> Product:
        products = await self._product_table(s)
        if product_id not in products:
            self._products_loaded = -PRODUCT_CACHE_SECONDS  # a new product: reload
            products = await self._product_table(s)
        return products[product_id]

    # --- projection ---------------------------------------------------------------

    @activity.defn(name="open_contact")
    async def open_contact(self, inp: OpenContactInput) -> OpenContactResult:
        """Put the new contact in its product's inbox and decide whether an
        automatic acknowledgement may go out; with ``plan_work`` also load its work
        plan (activities/work.py), all in one transaction.

        Every contact passes here, so it is written for few round trips (measured
        on bench/intake.py): one read of contact, message, task and an earlier
        acknowledgement; the history line and the live event in one statement."""
        async with session_scope(self.sessionmaker) as s:
            contact, message, task, ack = await self._load_for_open(s, inp)
            plan = None
            if inp.plan_work:
                received = StartWorkInput(contact.id, inp.channel, inp.received_at)
                plan = await self._work.plan_in(s, contact, None, received)
            elif contact.due_at is None:
                contact.due_at = contact.created_at + timedelta(hours=inp.due_hours)
            task = await self._upsert_task(s, contact, message, task)
            if ack is None and message is not None:
                ack = await self._reserve_ack(s, contact, message, looked=True)
            if plan is not None:  # last: it may hold a per-product lock until commit
                await s.flush()  # the task row exists before it may be assigned
                plan.auto_assignee = await self._work.auto_assign_new(s, contact, task)
            await s.execute(
                RECEIVED_ONCE_AND_PUBLISH,
                {
                    "contact_id": contact.id,
                    "detail": json.dumps({"message_id": inp.message_id}),
                    "channel": EVENTS_CHANNEL,
                    "payload": LiveEvent(
                        "task", contact.id, contact.product_id, contact.reference, contact.status
                    ).to_json(),
                },
            )
        return OpenContactResult(ack_message_id=ack.id if ack is not None else None, plan=plan)

    async def _load_for_open(self, s: AsyncSession, inp: OpenContactInput):
        """Contact, first message, task and the message's acknowledgement (a retry
        finds it already reserved) in one query."""
        ack = ACK_MESSAGE
        stmt = (
            select(Contact, Task, ack)
            .outerjoin(Task, Task.contact_id == Contact.id)
            .outerjoin(
                ack,
                (ack.in_reply_to_id == inp.message_id) & ack.is_acknowledgement.is_(True)
                if inp.message_id
                else false(),
            )
            .where(Contact.id == inp.contact_id)
            .limit(1)
        )
        if inp.message_id:
            stmt = stmt.add_columns(Message).outerjoin(Message, Message.id == inp.message_id)
        row = (await s.execute(stmt)).first()
        if row is None:
            raise ApplicationError(f"contact {inp.contact_id} not found", non_retryable=True)
        message = row[3] if inp.message_id else None
        return row[0], message, row[1], row[2]

    async def _upsert_task(
        self, s: AsyncSession, contact: Contact, message: Message | None, task=_UNLOADED
    ):
        if task is _UNLOADED:
            task = await s.scalar(select(Task).where(Task.contact_id == contact.id))
        if task is None:
            task = Task(
                contact_id=contact.id,
                product_id=contact.product_id,
                kind=contact.channel,
                reference=contact.reference,
                status=TaskStatus.open,
                contact_status=contact.status,
                line=contact.line,
            )
            s.add(task)
        task.title = (contact.subject or "")[:300]
        if message is not None:
            task.customer_label = (message.from_name or message.from_address or "")[:320]
        task.status = _task_status(contact.status, contact.assignee_id)
        task.contact_status = contact.status
        task.assignee_id = contact.assignee_id
        task.due_at = contact.due_at
        task.unreadable = contact.unreadable
        task.updated_at = utcnow()
        return task

    async def _reserve_ack(
        self, s: AsyncSession, contact: Contact, message: Message, looked: bool = False
    ) -> Message | None:
        """Decide on an acknowledgement and, if allowed, create it now (sent later).

        Creating it in the same transaction as the decision, under a per-sender
        lock, keeps the rate limit exact when many mails of one sender arrive at once.
        """
        if not looked:
            existing = await self._ack_for(s, message.id)
            if existing is not None:
                return existing  # a retry: already decided and reserved
        if message.is_auto_reply or message.parse_error or not message.from_address:
            return None
        if message.sender_unverified:
            return None  # SPF/DKIM/DMARC failed: the From may be forged
        sender = message.from_address.lower()
        await s.execute(LOCK_SENDER, {"k": sender})
        own = {p.reply_from.lower() for p in (await self._product_table(s)).values()}
        if sender in own:
            return None  # never answer ourselves: that is how mail loops start
        recent = await s.scalar(
            select(func.count())
            .select_from(Message)
            .where(
                Message.is_acknowledgement.is_(True),
                Message.to_addresses == sender,
                Message.created_at > utcnow() - timedelta(hours=1),
            )
        )
        if recent >= self.settings.ack_rate_limit_per_hour:
            return None
        return await self._make_ack(s, contact, message)

    async def _ack_for(self, s: AsyncSession, inbound_id: int) -> Message | None:
        return await s.scalar(
            select(Message).where(
                Message.is_acknowledgement.is_(True), Message.in_reply_to_id == inbound_id
            )
        )

    @activity.defn(name="update_projection")
    async def update_projection(self, upd: ProjectionUpdate) -> ProjectionResult:
        async with session_scope(self.sessionmaker) as s:
            if upd.event == "replied" and upd.message_id:
                # The reply's row before the contact's: the send of this reply runs at
                # the same time and locks them in that order (message, then the
                # contact for its history line); the other order deadlocked them.
                await s.execute(
                    update(Message)
                    .where(Message.id == upd.message_id, Message.send_status == SendStatus.draft)
                    .values(send_status=SendStatus.sending)
                )
            contact = await s.get(Contact, upd.contact_id, with_for_update=True)
            if contact is None:
                raise ApplicationError(f"contact {upd.contact_id} not found", non_retryable=True)
            contact.status = ContactStatus(upd.status)
            contact.assignee_id = upd.assignee_id
            contact.updated_at = utcnow()
            apply_work_to_contact(contact, upd.work)  # line, SLA due date
            if upd.status == ContactStatus.closed:
                contact.closed_at = contact.closed_at or utcnow()
                contact.close_reason_id = upd.close_reason_id or contact.close_reason_id
            elif upd.event == "reopened":
                contact.closed_at = None
                contact.close_reason_id = None
            if upd.event in ("customer_wrote", "customer_replied", "reopened"):
                contact.last_message_at = utcnow()
            task = await self._upsert_task(s, contact, None)
            apply_work_to_task(task, upd.work)
            if upd.event:
                detail = dict(upd.event_detail)
                if upd.message_id:
                    detail["message_id"] = upd.message_id
                if upd.close_reason_id:
                    detail["reason_id"] = upd.close_reason_id
                await add_event_once(s, contact.id, upd.event, upd.actor_id, detail)
            await publish(
                s,
                LiveEvent(
                    "task",
                    contact.id,
                    contact.product_id,
                    contact.reference,
                    contact.status,
                    contact.assignee_id,
                ),
            )
        return ProjectionResult()

    # --- mail -------------------------------------------------------------------------

    async def _make_ack(self, s: AsyncSession, contact: Contact, inbound: Message) -> Message:
        product = await self._product(s, contact.product_id)
        subject, body = render_acknowledgement(product, contact, inbound)
        ack = Message(
            contact_id=contact.id,
            direction=Direction.outbound,
            send_status=SendStatus.sending,
            subject=subject,
            text_body=body,
            to_addresses=inbound.from_address,
            from_address=product.reply_from,
            from_name=product.name,
            in_reply_to_id=inbound.id,
            is_acknowledgement=True,
            # Fixed now, so sending needs no write before SMTP (and a resend is the same mail).
            message_id_header=new_message_id(self.settings.mail_domain),
        )
        s.add(ack)
        await s.flush()
        return ack

    @activity.defn(name="send_message")
    async def send_message(self, inp: SendMessageInput) -> SendMessageResult:
        """Send one outbound message by SMTP at most once (activities/delivery.py says
        how: a lock per attempt, a journal line before DATA, an outcome recorded in a
        retried step that never sends again, "uncertain" when SMTP left it unknown).

        The attempt holds one pooled connection and never asks for a second while it
        does (a send holding a guard connection while asking the pool for another
        deadlocked the pool at about 20 sends in flight). The Message-ID is fixed in
        the row before the first attempt.

        The attempt runs shielded from cancellation: Temporal cancels a local
        activity whose workflow task timed out (an overloaded worker), and a send
        cancelled inside DATA could only be held "uncertain". It finishes in the
        background instead, holding its lock, and the retry finds its outcome."""
        attempt = asyncio.ensure_future(self._send_once(inp))
        self._in_flight.add(attempt)
        attempt.add_done_callback(self._forget)
        return await asyncio.shield(attempt)

    def _forget(self, attempt: asyncio.Future) -> None:
        self._in_flight.discard(attempt)
        if not attempt.cancelled() and attempt.exception() is not None:
            log.debug("send attempt ended: %s", attempt.exception())

    async def _send_once(self, inp: SendMessageInput) -> SendMessageResult:
        reply = self._accepted.get(inp.message_id)
        if reply is not None:  # this process saw SMTP take it; only the record failed
            return await self._record_accepted(inp.message_id, reply)
        engine = self.sessionmaker.kw["bind"]
        async with engine.connect() as conn:
            if not await delivery.try_claim(conn, inp.message_id):
                raise ApplicationError(
                    f"message {inp.message_id} is being sent by another attempt",
                    type="SendInProgress",
                )
            try:
                result, reply = await self._attempt(conn, inp.message_id)
                if reply is not None:
                    self._accepted[inp.message_id] = reply
                    with contextlib.suppress(Exception):  # a fresh connection below
                        await self._finish_on(conn, inp.message_id, SendStatus.sent, None, reply)
                        self._accepted.pop(inp.message_id, None)
            finally:
                await delivery.release(conn, inp.message_id)
        if inp.message_id in self._accepted:
            return await self._record_accepted(inp.message_id, reply)
        return result

    async def _attempt(self, conn, message_id: int) -> tuple[SendMessageResult, str | None]:
        """One attempt under the lock: the result, and SMTP's reply when it took the
        message and the outcome still has to be recorded."""
        async with AsyncSession(bind=conn, expire_on_commit=False) as s:
            loaded = await self._load_for_send(s, message_id)
            if loaded is None:
                raise ApplicationError(f"message {message_id} not found", non_retryable=True)
            msg = loaded[0]
            if msg.send_status in (SendStatus.sent, SendStatus.failed, SendStatus.uncertain):
                return SendMessageResult(msg.id, msg.send_status), None
            if msg.delivery_stage == delivery.DATA_STAGE:
                # No live attempt holds the lock, yet one began DATA and recorded
                # nothing: it died there. It may have been delivered: never again.
                await self._finish_on(conn, msg.id, SendStatus.uncertain, "died in DATA", None)
                return SendMessageResult(msg.id, SendStatus.uncertain), None
            email = await self._compose(s, msg)
        await conn.rollback()  # the reads' transaction; the lock stays
        header = email["Message-ID"].strip("<>")
        try:
            sent = await self._smtp.send(email, lambda: delivery.mark_data(conn, msg.id, header))
        except PermanentSendError as exc:
            await self._finish_on(conn, msg.id, SendStatus.failed, str(exc), None)
            return SendMessageResult(msg.id, SendStatus.failed), None
        except UncertainDelivery as exc:
            log.warning("message %s may or may not have been delivered: %s", msg.id, exc)
            await self._finish_on(conn, msg.id, SendStatus.uncertain, str(exc), None)
            return SendMessageResult(msg.id, SendStatus.uncertain), None
        except Exception as exc:
            await delivery.clear_stage(conn, msg.id, str(exc) or type(exc).__name__)
            raise
        return SendMessageResult(msg.id, SendStatus.sent), sent.response or "250"

    async def _record_accepted(self, message_id: int, reply: str) -> SendMessageResult:
        """SMTP took the message: record "sent", retried on fresh connections (one at
        a time), never sending again."""

        async def record() -> None:
            engine = self.sessionmaker.kw["bind"]
            async with engine.connect() as conn:
                await self._finish_on(conn, message_id, SendStatus.sent, None, reply)

        await delivery.retried(record, f"the send of message {message_id}")
        self._accepted.pop(message_id, None)
        return SendMessageResult(message_id, SendStatus.sent)

    async def _load_for_send(self, s: AsyncSession, message_id: int):
        """The message with its contact and the message it answers, in one query.
        Later ``s.get`` calls find them in the session while the caller holds the
        returned row (the session's identity map keeps only weak references)."""
        parent = PARENT_MESSAGE
        row = (
            await s.execute(
                select(Message, Contact, parent)
                .join(Contact, Contact.id == Message.contact_id)
                .outerjoin(parent, parent.id == Message.in_reply_to_id)
                .where(Message.id == message_id)
            )
        ).first()
        return tuple(row) if row is not None else None

    async def _compose(self, s: AsyncSession, msg: Message):
        contact = await s.get(Contact, msg.contact_id)
        product = await self._product(s, contact.product_id)
        parent = await s.get(Message, msg.in_reply_to_id) if msg.in_reply_to_id else None
        if parent is None:
            parent = await s.scalar(
                select(Message)
                .where(Message.contact_id == msg.contact_id, Message.direction == Direction.inbound)
                .order_by(Message.created_at.desc())
                .limit(1)
            )
        attachments = []
        if not msg.is_acknowledgement:
            rows = await s.execute(
                select(Attachment, Blob.data)
                .join(Blob, Blob.sha256 == Attachment.sha256)
                .where(Attachment.message_id == msg.id)
            )
            attachments = [(a.filename, a.content_type, data) for a, data in rows.all()]
        return compose_message(
            from_name=product.name,
            from_address=product.reply_from,
            to=[a for a in (msg.to_addresses or "").split(",") if a.strip()],
            subject=msg.subject,
            reference=contact.reference,
            text_body=msg.text_body,
            signature="" if msg.is_acknowledgement else product.signature,
            parent_message_id=parent.message_id_header if parent else None,
            parent_references=(parent.references or "").split() if parent else (),
            # A reply stores its thread when drafted; older rows fall back to the parent.
            thread=(msg.in_reply_to, (msg.references or "").split())
            if (msg.in_reply_to or msg.references)
            else None,
            auto_reply=msg.is_acknowledgement,
            message_id=msg.message_id_header,
            domain=self.settings.mail_domain,
            attachments=attachments,
        )

    async def _finish_on(self, conn, message_id: int, status, error, reply) -> None:
        """The send's outcome, its history line and the live event in one statement
        (the NOTIFY is delivered at commit), committed on ``conn``."""
        await conn.rollback()
        contact = (
            await conn.execute(
                select(Contact.id, Contact.product_id, Contact.reference, Contact.status)
                .join(Message, Message.contact_id == Contact.id)
                .where(Message.id == message_id)
            )
        ).one()
        await conn.execute(
            FINISH_SEND,
            {
                "id": message_id,
                "status": str(SendStatus(status)),
                "error": error[:2000] if error else None,
                "sent": status == SendStatus.sent,
                "uncertain": status == SendStatus.uncertain,
                "reply": reply,
                "contact_id": contact.id,
                "kind": f"message_{status}",
                "detail": json.dumps({"message_id": message_id}),
                "channel": EVENTS_CHANNEL,
                "payload": LiveEvent(
                    "message", contact.id, contact.product_id, contact.reference, contact.status
                ).to_json(),
            },
        )
        await conn.commit()


def all_activities(acts: ContactActivities) -> list:
    return [acts.open_contact, acts.update_projection, acts.send_message]
