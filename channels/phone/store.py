"""The call registry the AMI bridge writes: a call becomes a contact, idempotently
by Linkedid (opened like every contact, services/contacts/opening.py, with its call
row and "call" task); screen pops; agents' queue membership as Asterisk reports it.

All writes are idempotent: a repeated event sets the same absolute values.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.ami.events import MemberAction
from db.events import LiveEvent, publish
from db.models.contacts import (
    Channel,
    Contact,
    ContactEvent,
    ContactStatus,
    Customer,
    CustomerPhone,
    Product,
    Task,
    TaskStatus,
    User,
    utcnow,
)
from db.models.phone import AgentPhoneState, CallState, PhoneCall, PhoneLine, PhoneOffer
from db.session import session_scope
from rules.device_state import member_state
from services.contacts.opening import NewContact, add_contact
from services.customers.phones import normalize_phone
from services.phone.calls import OPEN_CALL_STATES, CallRef, from_epoch

log = logging.getLogger(__name__)


class PhoneStore:
    """What the AMI bridge reads and writes in PostgreSQL."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]):
        self.sessionmaker = sessionmaker
        self._lines: dict[str, tuple[int, str]] = {}
        self._users: dict[str, int | None] = {}

    async def line_for_queue(self, s: AsyncSession, queue: str) -> tuple[int, str] | None:
        if queue not in self._lines:
            row = (
                await s.execute(
                    select(Product.id, Product.code)
                    .join(PhoneLine, PhoneLine.product_id == Product.id)
                    .where(PhoneLine.queue == queue)
                )
            ).first()
            if row is None:
                return None
            self._lines[queue] = (row.id, row.code)
        return self._lines[queue]

    async def user_id(self, username: str) -> int | None:
        """A queue member's PULSE user: MemberName is the user name."""
        if not username:
            return None
        if username not in self._users:
            async with self.sessionmaker() as s:
                self._users[username] = await s.scalar(
                    select(User.id).where(User.username == username)
                )
        return self._users[username]

    async def find_call(self, linkedid: str) -> CallRef | None:
        async with self.sessionmaker() as s:
            return await self._ref(s, linkedid)

    async def _ref(self, s: AsyncSession, linkedid: str) -> CallRef | None:
        row = (
            await s.execute(
                select(PhoneCall.contact_id, Contact.reference, Product.code, Product.id)
                .join(Contact, Contact.id == PhoneCall.contact_id)
                .join(Product, Product.id == PhoneCall.product_id)
                .where(PhoneCall.linkedid == linkedid)
            )
        ).first()
        return CallRef(row[0], row[1], row[2], row[3]) if row else None

    async def register_call(
        self, linkedid: str, queue: str, caller: str, at: float, queued: bool = True
    ) -> CallRef | None:
        """The call's contact, created on first sight (any event with a queue):
        contact, call row and a "call" task in the product queue. None when no
        product has this queue (logged). ``queued`` False: first seen as a callback
        chosen in the IVR, so it never joined the queue."""
        for _ in range(3):
            try:
                async with session_scope(self.sessionmaker) as s:
                    existing = await self._ref(s, linkedid)
                    if existing is not None:
                        return existing
                    line = await self.line_for_queue(s, queue)
                    if line is None:
                        log.warning("AMI: queue %r belongs to no product; call ignored", queue)
                        return None
                    return await self._new_call(s, linkedid, queue, caller, at, queued, *line)
            except IntegrityError:  # registered concurrently: read the winner
                log.info("call %s registered concurrently", linkedid)
        raise RuntimeError(f"could not register call {linkedid}")

    async def note_callback_request(self, linkedid: str, at: float) -> None:
        """The caller chose a callback (first choice kept): for the queue's accounting
        the call left with a key, it was not abandoned."""
        async with session_scope(self.sessionmaker) as s:
            await s.execute(
                update(PhoneCall)
                .where(PhoneCall.linkedid == linkedid, PhoneCall.callback_requested_at.is_(None))
                .values(callback_requested_at=from_epoch(at))
            )

    async def record_offer(self, linkedid: str, queue: str, caller: str, at: float) -> None:
        """A call offered to a product line, before (or without) any queue."""
        async with session_scope(self.sessionmaker) as s:
            line = await self.line_for_queue(s, queue)
            if line is None:
                log.warning("AMI: offer on queue %r, which belongs to no product", queue)
                return
            number = normalize_phone(caller) or caller[:40]
            await s.execute(
                insert(PhoneOffer)
                .values(
                    linkedid=linkedid,
                    product_id=line[0],
                    queue=queue,
                    caller_number=number,
                    offered_at=from_epoch(at),
                )
                .on_conflict_do_nothing(index_elements=["linkedid"])
            )

    async def _new_call(
        self, s, linkedid, queue, caller, at, queued, product_id, product_code
    ) -> CallRef:
        number = normalize_phone(caller) or ""
        customer_id, label = await self._customer(s, number)
        joined = from_epoch(at)
        new = NewContact(Channel.phone, product_id, customer_id=customer_id, at=joined)
        contact = await add_contact(s, new)
        s.add(
            PhoneCall(
                linkedid=linkedid,
                contact_id=contact.id,
                product_id=product_id,
                queue=queue,
                caller_number=number or caller[:40],
                customer_id=customer_id,
                state=CallState.queued,
                joined_at=joined,
                queued=queued,
            )
        )
        s.add(
            Task(
                contact_id=contact.id,
                product_id=product_id,
                kind="call",
                status=TaskStatus.open,
                contact_status=ContactStatus.new,
                reference=contact.reference,
                customer_label=(label or number or caller)[:320],
                created_at=joined,
            )
        )
        s.add(
            ContactEvent(
                contact_id=contact.id,
                kind="call_join",
                at=joined,
                detail={"state": CallState.queued},
            )
        )
        await s.flush()
        await publish(s, LiveEvent("phone", contact.id, product_id, contact.reference, "queued"))
        return CallRef(contact.id, contact.reference, product_code, product_id)

    async def _customer(self, s: AsyncSession, number: str) -> tuple[int | None, str]:
        """The customer with this number; only when exactly one has it (a shared
        practice number is no identification)."""
        if not number:
            return None, ""
        rows = (
            await s.execute(
                select(Customer.id, Customer.display_name)
                .join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
                .where(CustomerPhone.number == number)
                .limit(2)
            )
        ).all()
        return (rows[0].id, rows[0].display_name) if len(rows) == 1 else (None, "")

    async def screen_pop(self, ref: CallRef, agent_user_id: int) -> None:
        """Tell the answering agent's browser at once (the fast path: not through the
        workflow, which records the answer in its own time)."""
        async with session_scope(self.sessionmaker) as s:
            event = LiveEvent(
                "screenpop",
                ref.contact_id,
                ref.product_id,
                ref.reference,
                "connected",
                agent_user_id,
            )
            await publish(s, event)

    async def open_calls(self) -> list[tuple[str, CallRef]]:
        async with self.sessionmaker() as s:
            rows = (
                await s.execute(
                    select(
                        PhoneCall.linkedid,
                        PhoneCall.contact_id,
                        Contact.reference,
                        Product.code,
                        Product.id,
                    )
                    .join(Contact, Contact.id == PhoneCall.contact_id)
                    .join(Product, Product.id == PhoneCall.product_id)
                    .where(PhoneCall.state.in_(OPEN_CALL_STATES))
                )
            ).all()
        return [(r[0], CallRef(r[1], r[2], r[3], r[4])) for r in rows]

    async def apply_member(self, action: MemberAction, user_id: int) -> None:
        """Asterisk's word on an agent's membership of a queue (absolute values)."""
        async with session_scope(self.sessionmaker) as s:
            line = await self.line_for_queue(s, action.queue)
            product_id = line[0] if line else None
            values = {
                "product_id": product_id,
                "interface": action.interface[:120],
                "status": action.status,
                "paused": action.paused,
                "pause_reason": action.pause_reason if action.paused else "",
                "signed_in": action.kind != "removed",
                "updated_at": utcnow(),
            }
            await s.execute(
                insert(AgentPhoneState)
                .values(user_id=user_id, queue=action.queue, **values)
                .on_conflict_do_update(index_elements=["user_id", "queue"], set_=values)
            )
            if product_id is not None:
                state = member_state(action.status, action.paused)
                if action.kind == "removed":
                    state = "signed_out"
                await publish(s, _agent_event(product_id, state, user_id))

    async def sign_out_missing(self, present: set[tuple[int, str]]) -> int:
        """After a reconnect: memberships Asterisk no longer has are signed out."""
        async with session_scope(self.sessionmaker) as s:
            rows = (
                (
                    await s.execute(
                        select(AgentPhoneState).where(AgentPhoneState.signed_in.is_(True))
                    )
                )
                .scalars()
                .all()
            )
            gone = [r for r in rows if (r.user_id, r.queue) not in present]
            for row in gone:
                row.signed_in = False
                row.updated_at = utcnow()
                if row.product_id:
                    await publish(s, _agent_event(row.product_id, "signed_out", row.user_id))
        return len(gone)


def _agent_event(product_id: int, state: str, user_id: int) -> LiveEvent:
    return LiveEvent("phone_agent", 0, product_id, "", state, user_id)
