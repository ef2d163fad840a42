"""Activities of the work area: the work plan a contact runs on (SLA policies,
office calendar with Dutch public holidays), SLA flags, letters to the customer
(waiting reminder, complaint extension), and the work fields of the projection.

All idempotent: Temporal retries them.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.projection import (
    activity_key,
    add_event_once,
    apply_work_to_contact,
    apply_work_to_task,
)
from adapters.mail.compose import new_message_id
from config.settings import Settings
from contracts.contact import ContactStatus, TaskStatus
from contracts.work import (
    LINES,
    CustomerLetterInput,
    CustomerLetterResult,
    LineAssignInput,
    LineAssignResult,
    LineTargets,
    SlaSignalInput,
    StartWorkInput,
    WorkPlan,
)
from db.events import LiveEvent, publish
from db.models.contacts import (
    Accreditation,
    Contact,
    ContactEvent,
    Direction,
    Message,
    SendStatus,
    Task,
    User,
    WebSession,
    utcnow,
)
from db.models.work import (
    LineAccreditation,
    ProductWorkSettings,
    QueueAutoAssign,
    ReplyTemplate,
    SlaPolicy,
)
from db.session import session_scope
from rules.sla import WorkCalendar
from rules.templates import fill
from rules.work_clocks import earliest_due, start_clocks
from services.contacts.replies import customer_address, reply_thread
from services.work.calendar import dutch_holidays, load_calendar  # noqa: F401 (re-exported)

CACHE_SECONDS = 60.0
HOURS = 60  # minutes
# Targets when a product has no SLA policy for a line (working minutes).
DEFAULT_LINE_ANSWER = {2: 16 * HOURS, 3: 40 * HOURS}

# Built-in letters, used when the product has no reply template with this code.
BUILTIN_LETTERS = {
    ("waiting_reminder", "nl"): (
        "Herinnering: {subject}",
        "Beste klant,\n\nWij wachten nog op uw antwoord op onze vorige e-mail over "
        "{reference}. Zonder reactie sluiten wij uw vraag over enkele werkdagen.",
    ),
    ("waiting_reminder", "en"): (
        "Reminder: {subject}",
        "Dear customer,\n\nWe are still waiting for your answer to our previous e-mail "
        "about {reference}. Without an answer we will close your question in a few "
        "working days.",
    ),
    ("complaint_extension", "nl"): (
        "Verlenging behandeltermijn klacht {reference}",
        "Beste klant,\n\nWij hebben meer tijd nodig om uw klacht zorgvuldig te behandelen. "
        "Op grond van artikel 9:11, tweede lid, van de Algemene wet bestuursrecht "
        "verlengen wij de behandeltermijn met vier weken, tot {due_date}.",
    ),
    ("complaint_extension", "en"): (
        "Extension of the handling term of complaint {reference}",
        "Dear customer,\n\nWe need more time to handle your complaint with care. Under "
        "article 9:11(2) of the General Administrative Law Act we extend the term by "
        "four weeks, to {due_date}.",
    ),
}


class WorkActivities:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings):
        self.sessionmaker = sessionmaker
        self.settings = settings
        self._calendar: WorkCalendar | None = None
        self._calendar_loaded = -CACHE_SECONDS
        self._plan_cache: dict[tuple[int, str], tuple[float, dict]] = {}

    async def _load_calendar(self, s: AsyncSession, year: int) -> WorkCalendar:
        """Office hours change rarely: cached a minute per worker."""
        now = time.monotonic()
        if self._calendar is None or now - self._calendar_loaded >= CACHE_SECONDS:
            self._calendar = await load_calendar(s, year)
            self._calendar_loaded = now
        return self._calendar

    async def _targets(self, s: AsyncSession, product_id: int, channel: str) -> list[LineTargets]:
        rows = (
            await s.execute(
                select(SlaPolicy).where(
                    SlaPolicy.product_id == product_id, SlaPolicy.channel.in_(["", channel])
                )
            )
        ).scalars()
        chosen: dict[int, SlaPolicy] = {}
        for row in rows:  # a channel's own policy beats the product's default
            if row.line not in chosen or row.channel:
                chosen[row.line] = row
        targets = []
        for line in LINES:
            row = chosen.get(line)
            if row is not None:
                targets.append(
                    LineTargets(line, row.first_response_minutes, row.resolution_minutes)
                )
            elif line == 1:
                targets.append(LineTargets(1, self.settings.first_response_hours * HOURS, 0))
            else:
                targets.append(LineTargets(line, 0, DEFAULT_LINE_ANSWER[line]))
        return targets

    async def _product_work_fields(self, s: AsyncSession, product_id: int, channel: str) -> dict:
        """The plan's per-product part, cached a minute per worker like the calendar
        (admins change SLA policies rarely; new contacts follow within a minute)."""
        key, now = (product_id, channel), time.monotonic()
        cached = self._plan_cache.get(key)
        if cached is None or now - cached[0] >= CACHE_SECONDS:
            conf = await s.get(ProductWorkSettings, product_id) or ProductWorkSettings()
            fields = {
                "targets": await self._targets(s, product_id, channel),
                "warn_share": conf.warn_share,
                "raise_priority_on_breach": conf.raise_priority_on_breach,
                "direct_reply_lines": [int(x) for x in conf.direct_reply_lines.split(",") if x],
                "waiting_reminder_days": conf.waiting_reminder_days,
                "waiting_close_days": conf.waiting_close_days,
            }
            cached = self._plan_cache[key] = (now, fields)
        return {k: list(v) if isinstance(v, list) else v for k, v in cached[1].items()}

    async def plan_in(
        self, s: AsyncSession, contact: Contact, task: Task | None, inp: StartWorkInput
    ) -> WorkPlan:
        """The work plan inside the caller's transaction: sets the first SLA due date
        on the contact and its task, and picks an automatic assignee if the queue has
        one (open_contact folds this in: one activity and one commit less a contact)."""
        received = datetime.fromisoformat(inp.received_at)
        plan = WorkPlan(
            calendar=await self._load_calendar(s, received.year),
            received_at=inp.received_at,
            **await self._product_work_fields(s, contact.product_id, inp.channel),
        )
        due = earliest_due(start_clocks(plan, received), plan.calendar)
        contact.due_at = due
        if task is not None:
            task.due_at = due
            plan.auto_assignee = await self.auto_assign_new(s, contact, task)
        return plan

    async def auto_assign_new(self, s: AsyncSession, contact: Contact, task: Task) -> int | None:
        """Who gets a new contact of this queue, when it assigns automatically: among
        the agents accredited for the product and signed in now (a web session seen
        within the idle timeout), the least loaded, or the one whose last new contact
        is oldest (round robin). The pick is written on the task at once, under a
        per-product lock, so contacts arriving together spread (the workflow then
        makes it its decision: the "auto_assigned" step)."""
        if contact.status != ContactStatus.new or task.assignee_id is not None:
            return task.assignee_id if task.assignee_id else None
        mode = await s.scalar(
            select(QueueAutoAssign.mode).where(
                QueueAutoAssign.product_id == contact.product_id, QueueAutoAssign.line == 1
            )
        )
        if mode is None:
            return None
        await s.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
            {"k": f"auto-assign:{contact.product_id}"},
        )
        chosen = await self._pick(s, contact.product_id, mode)
        if chosen is not None:
            task.assignee_id, task.status = chosen, TaskStatus.claimed
        return chosen

    async def _pick(self, s: AsyncSession, product_id: int, mode: str) -> int | None:
        signed_in = (
            select(WebSession.user_id)
            .where(
                WebSession.mfa_passed.is_(True),
                WebSession.last_seen_at
                > utcnow() - timedelta(minutes=self.settings.session_idle_minutes),
            )
            .scalar_subquery()
        )
        if mode == "round_robin":
            last = (
                select(func.max(Task.created_at))
                .where(Task.assignee_id == User.id, Task.product_id == product_id)
                .scalar_subquery()
            )
            order = (last.asc().nulls_first(), User.id)
        else:
            load = (
                select(func.count())
                .select_from(Task)
                .where(Task.assignee_id == User.id, Task.status == TaskStatus.claimed)
                .scalar_subquery()
            )
            order = (load.asc(), User.id)
        return await s.scalar(
            select(User.id)
            .join(Accreditation, Accreditation.user_id == User.id)
            .where(
                Accreditation.product_id == product_id,
                User.is_active.is_(True),
                User.role == "agent",
                User.id.in_(signed_in),
            )
            .order_by(*order)
            .limit(1)
        )

    @activity.defn(name="auto_assign_line")
    async def auto_assign_line(self, inp: LineAssignInput) -> LineAssignResult:
        """Who gets a contact that landed on a 2nd/3rd line list, when that product x
        line assigns automatically: among the people signed in now and accredited for
        the product and that line, the least loaded, or the next in turn after the
        last one this list picked (round robin). Written on the task at once, under a
        per-list lock, so escalations arriving together spread. A retry finds its own
        pick on the task and returns it."""
        async with session_scope(self.sessionmaker) as s:
            contact = await s.get(Contact, inp.contact_id)
            task = await s.scalar(select(Task).where(Task.contact_id == inp.contact_id))
            if contact is None or task is None:
                return LineAssignResult(None)
            mode = await s.scalar(
                select(QueueAutoAssign.mode).where(
                    QueueAutoAssign.product_id == contact.product_id,
                    QueueAutoAssign.line == inp.line,
                )
            )
            if mode is None:
                return LineAssignResult(None)
            await s.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:k))"),
                {"k": f"auto-assign:{contact.product_id}:{inp.line}"},
            )
            await s.refresh(task)
            if task.assignee_id is not None:  # our own earlier try, or a claim that won
                return LineAssignResult(task.assignee_id)
            people = await self._line_people(s, contact.product_id, inp.line)
            chosen = await self._pick_on_line(s, contact.product_id, inp.line, mode, people)
            if chosen is not None:
                task.assignee_id, task.status = chosen, TaskStatus.claimed
            return LineAssignResult(chosen)

    async def _line_people(self, s: AsyncSession, product_id: int, line: int) -> list[int]:
        """Signed-in, active people accredited for the product and for this line."""
        signed_in = select(WebSession.user_id).where(
            WebSession.mfa_passed.is_(True),
            WebSession.last_seen_at
            > utcnow() - timedelta(minutes=self.settings.session_idle_minutes),
        )
        rows = await s.execute(
            select(User.id)
            .join(Accreditation, Accreditation.user_id == User.id)
            .join(
                LineAccreditation,
                (LineAccreditation.user_id == User.id)
                & (LineAccreditation.product_id == Accreditation.product_id),
            )
            .where(
                Accreditation.product_id == product_id,
                LineAccreditation.line == line,
                User.is_active.is_(True),
                User.role.in_(["agent", "trafficer"]),
                User.id.in_(signed_in),
            )
            .order_by(User.id)
        )
        return list(dict.fromkeys(rows.scalars().all()))

    async def _pick_on_line(
        self, s: AsyncSession, product_id: int, line: int, mode: str, people: list[int]
    ) -> int | None:
        if not people:
            return None
        if mode == "round_robin":
            # The list's last automatic pick (its history line), then the next person.
            last = await s.scalar(
                select(ContactEvent.detail["to_user_id"].as_integer())
                .join(Contact, Contact.id == ContactEvent.contact_id)
                .where(
                    ContactEvent.kind == "auto_assigned",
                    ContactEvent.detail["line"].as_integer() == line,
                    Contact.product_id == product_id,
                )
                .order_by(ContactEvent.id.desc())
                .limit(1)
            )
            later = [p for p in people if last is not None and p > last]
            return (later or people)[0]
        loads = dict(
            (
                await s.execute(
                    select(Task.assignee_id, func.count())
                    .where(Task.assignee_id.in_(people), Task.status == TaskStatus.claimed)
                    .group_by(Task.assignee_id)
                )
            ).all()
        )
        return min(people, key=lambda p: (loads.get(p, 0), p))

    @activity.defn(name="sla_signal")
    async def sla_signal(self, inp: SlaSignalInput) -> None:
        """Flag the task (warning/breached), note it in the history, tell the trafficers."""
        async with session_scope(self.sessionmaker) as s:
            contact = await s.get(Contact, inp.contact_id, with_for_update=True)
            if contact is None:
                raise ApplicationError(f"contact {inp.contact_id} not found", non_retryable=True)
            apply_work_to_contact(contact, inp.work)
            task = await s.scalar(select(Task).where(Task.contact_id == contact.id))
            if task is not None:
                task.due_at = contact.due_at
                apply_work_to_task(task, inp.work)
                task.updated_at = utcnow()
            await add_event_once(s, contact.id, f"sla_{inp.level}", None, {"clock": inp.clock})
            for kind in ("task", "sla"):  # inboxes re-sort; trafficers are told
                await publish(
                    s,
                    LiveEvent(
                        kind,
                        contact.id,
                        contact.product_id,
                        contact.reference,
                        inp.level if kind == "sla" else str(contact.status),
                        contact.assignee_id,
                    ),
                )

    @activity.defn(name="make_customer_letter")
    async def make_customer_letter(self, inp: CustomerLetterInput) -> CustomerLetterResult:
        """An outbound message from a template (reply_templates, else built in), in
        the contact's language; the workflow sends it like a reply."""
        key = activity_key()
        async with session_scope(self.sessionmaker) as s:
            existing = await s.scalar(
                select(Message.id).where(Message.headers["pulse_activity"].astext == key)
            )
            if existing is not None:
                return CustomerLetterResult(existing)
            contact = await s.get(Contact, inp.contact_id)
            if contact is None:
                raise ApplicationError(f"contact {inp.contact_id} not found", non_retryable=True)
            address = await customer_address(s, contact)
            to_address, last_in = address.to, address.last_inbound
            if to_address is None:
                return CustomerLetterResult(None)
            subject, body = await self._letter_text(s, contact, inp.template)
            thread = reply_thread(last_in)
            message = Message(
                contact_id=contact.id,
                direction=Direction.outbound,
                send_status=SendStatus.sending,
                subject=subject,
                text_body=body,
                to_addresses=to_address,
                in_reply_to_id=last_in.id if last_in else None,
                in_reply_to=thread[0],
                references=thread[1],
                headers={"pulse_activity": key, "pulse_template": inp.template},
                message_id_header=new_message_id(self.settings.mail_domain),
            )
            s.add(message)
            await s.flush()
            s.add(
                ContactEvent(
                    contact_id=contact.id,
                    kind=f"letter_{inp.template}",
                    detail={"message_id": message.id},
                )
            )
            return CustomerLetterResult(message.id)

    async def _letter_text(self, s: AsyncSession, contact: Contact, code: str) -> tuple[str, str]:
        language = contact.language if contact.language in ("nl", "en") else "nl"
        template = await s.scalar(
            select(ReplyTemplate).where(
                ReplyTemplate.product_id == contact.product_id,
                ReplyTemplate.code == code,
                ReplyTemplate.language == language,
                ReplyTemplate.active,
            )
        )
        subject, body = (
            (template.title, template.body) if template else BUILTIN_LETTERS[(code, language)]
        )
        values = {
            "reference": contact.reference,
            "subject": contact.subject or contact.reference,
            "due_date": contact.complaint_due_at.date().isoformat()
            if contact.complaint_due_at
            else "",
        }
        return fill(subject, values) + f" [{contact.reference}]", fill(body, values)


def all_work_activities(acts: WorkActivities) -> list:
    return [
        acts.sla_signal,
        acts.make_customer_letter,
        acts.auto_assign_line,
    ]
