"""Activities of a phone contact's workflow: ``record_call`` and
``originate_callback``. Writes are idempotent: a retried activity sets the same
absolute values, and history lines are written once per activity.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.projection import add_event_once
from adapters.ami.client import AmiClient, AmiConfig, AmiError
from config.settings import Settings
from contracts.contact import TaskStatus
from contracts.phone import (
    CallState,
    OriginateInput,
    OriginateResult,
    RecordCallInput,
    RecordCallResult,
)
from db.events import LiveEvent, publish
from db.models.contacts import (
    Contact,
    Task,
    User,
    utcnow,
)
from db.models.phone import PhoneCall, PhoneLine
from db.session import session_scope
from services.phone.calls import from_epoch

log = logging.getLogger(__name__)


class PhoneActivities:
    """Activities of a phone contact's ContactWorkflow."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        ami: AmiClient | None = None,
    ):
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.ami = ami or AmiClient(AmiConfig.from_settings(settings))

    @activity.defn(name="record_call")
    async def record_call(self, inp: RecordCallInput) -> RecordCallResult:
        async with session_scope(self.sessionmaker) as s:
            call = await s.scalar(
                select(PhoneCall).where(PhoneCall.contact_id == inp.contact_id).with_for_update()
            )
            contact = await s.get(Contact, inp.contact_id)
            if call is None or contact is None:
                raise ApplicationError(
                    f"call of contact {inp.contact_id} not found", non_retryable=True
                )
            first_time = await self._event_once(s, contact.id, inp)
            self._apply(call, inp, first_time)
            await self._task(s, contact, inp)
            await publish(
                s,
                LiveEvent(
                    "phone",
                    contact.id,
                    contact.product_id,
                    contact.reference,
                    inp.state,
                    call.agent_user_id,
                ),
            )
        return RecordCallResult()

    def _apply(self, call: PhoneCall, inp: RecordCallInput, first_time: bool) -> None:
        at = from_epoch(inp.at)
        call.state = inp.state
        if inp.event == "call_connect":
            call.answered_at = call.answered_at or at
            call.agent_user_id = inp.agent_user_id
            if inp.hold_seconds is not None:
                call.hold_seconds = inp.hold_seconds
        elif inp.state in (CallState.ended, CallState.abandoned) and call.ended_at is None:
            call.ended_at = at
            if inp.talk_seconds is not None:
                call.talk_seconds = inp.talk_seconds
        if inp.state == CallState.abandoned and inp.hold_seconds is not None:
            call.hold_seconds = inp.hold_seconds
        if inp.event == "ring_no_answer" or inp.event == "call_ring_no_answer":
            call.ring_no_answer += 1 if first_time else 0
        if inp.callback_attempts is not None:
            call.callback_attempts = inp.callback_attempts
            call.callback_outcome = inp.callback_outcome
            if inp.callback_outcome == "answered":  # answered_at stays empty: it was abandoned
                call.agent_user_id = inp.agent_user_id

    async def _task(self, s: AsyncSession, contact: Contact, inp: RecordCallInput) -> None:
        values: dict = {"kind": inp.task_kind, "updated_at": utcnow()}
        if inp.task_kind == "wrapup" and inp.agent_user_id is not None:
            # After-call work is the agent's own, in their inbox until done.
            values.update(assignee_id=inp.agent_user_id, status=TaskStatus.claimed)
        await s.execute(update(Task).where(Task.contact_id == contact.id).values(**values))

    async def _event_once(self, s: AsyncSession, contact_id: int, inp: RecordCallInput) -> bool:
        """The call's history line, once per activity execution; True when written now."""
        detail: dict = {"state": inp.state}
        for name in ("hold_seconds", "talk_seconds", "ring_ms", "callback_attempts"):
            if getattr(inp, name) is not None:
                detail[name] = getattr(inp, name)
        if inp.callback_outcome:
            detail["outcome"] = inp.callback_outcome
        return await add_event_once(s, contact_id, inp.event, inp.agent_user_id, detail)

    @activity.defn(name="originate_callback")
    async def originate_callback(self, inp: OriginateInput) -> OriginateResult:
        """Ring the agent's softphone; when they answer, Asterisk dials the caller
        through the trunk (dialplan context ``phone_callback_context``)."""
        async with self.sessionmaker() as s:
            call = await s.scalar(select(PhoneCall).where(PhoneCall.contact_id == inp.contact_id))
            user = await s.get(User, inp.user_id)
            line = await s.scalar(select(PhoneLine).where(PhoneLine.product_id == call.product_id))
        if call is None or user is None or not call.caller_number.startswith("+"):
            return OriginateResult(outcome="failed")  # no number to call back
        channel = self.settings.phone_agent_interface.format(username=user.username)
        caller_id = line.inbound_number if line and line.inbound_number else "PULSE"
        try:
            outcome = await self.ami.originate(
                channel,
                self.settings.phone_callback_context,
                call.caller_number,
                caller_id,
                self.settings.phone_callback_timeout_s,
            )
        except AmiError as exc:
            log.warning("callback originate for contact %s failed: %s", inp.contact_id, exc)
            outcome = "failed"
        return OriginateResult(outcome=outcome)


def phone_activities(acts: PhoneActivities) -> list:
    return [acts.record_call, acts.originate_callback]
