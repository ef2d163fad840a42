"""The phone part of the ContactWorkflow: a call's life, decided here; I/O in
activities/phone.py. Deterministic: contracts and the contact's state only.

A call (one Asterisk Linkedid) is one contact. Asterisk's queue events arrive as the
``call_event`` signal; the call moves queued -> ringing -> connected -> ended, or to
abandoned when the caller gives up. Answered: the contact is the agent's and their
browser pops it. Ended: a wrap-up task for that agent (the ``wrap_up`` update closes
the contact). Abandoned: a callback task in the product queue (``call_back``).

``decide`` is a pure function so the whole table is unit-tested without Temporal.
"""

import asyncio
from dataclasses import dataclass

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import PhoneActivityApi
    from contracts.contact import ContactStatus
    from contracts.phone import (
        ABANDON,
        COMPLETE,
        CONNECT,
        GONE,
        HANGUP,
        JOIN,
        RING_NO_ANSWER,
        RINGING,
        CallbackRequest,
        CallbackResult,
        CallEvent,
        OriginateInput,
        OriginateResult,
        RecordCallInput,
        WrapUpRequest,
        WrapUpResult,
    )
    from workflows.contact.state import (
        ABANDONED,
        CONNECTED,
        ENDED,
        QUEUED,
        RINGING_STATE,
        Change,
        ContactData,
    )
    from workflows.options import DB_ACTIVITY, ORIGINATE_ACTIVITY

FINAL = frozenset({ENDED, ABANDONED})
# No projection write for these (a worker's time goes to what people see): the bridge
# registered the queued call itself, and ringing changes nothing on a screen.
UNRECORDED = frozenset({JOIN, RINGING})


@dataclass(frozen=True)
class Step:
    """What a call event does: the new call state and the task it leaves."""

    state: str
    task_kind: str
    answered: bool = False  # the contact becomes the agent's
    wrap_up: bool = False  # the call ended: after-call work for the agent
    callback: bool = False  # the caller gave up: callback task in the product queue


def decide(state: str, kind: str) -> Step | None:
    """The call's next step, or None when the event changes nothing (late/repeated)."""
    if state == ABANDONED and kind == ABANDON:
        # Local channels hang up before Asterisk reports the abandon: its hold time
        # still belongs on the record.
        return Step(ABANDONED, "callback")
    if state in FINAL:
        return None
    if kind == JOIN:
        return Step(QUEUED, "call") if state == QUEUED else None
    if kind == RINGING and state in (QUEUED, RINGING_STATE):
        return Step(RINGING_STATE, "call")
    if kind == RING_NO_ANSWER and state in (QUEUED, RINGING_STATE):
        return Step(QUEUED, "call")
    if kind == CONNECT and state in (QUEUED, RINGING_STATE):
        return Step(CONNECTED, "call", answered=True)  # the bridge has popped the caller
    if kind in (COMPLETE, HANGUP, GONE) and state == CONNECTED:
        return Step(ENDED, "wrapup", wrap_up=True)
    if kind in (ABANDON, HANGUP, GONE) and state in (QUEUED, RINGING_STATE):
        return Step(ABANDONED, "callback", callback=True)
    return None


class CallPart:
    """A phone contact's call, on the contact's ``ContactData`` (its ``call`` part).
    Status changes go through ``change``, the contact's own, so the contact
    projection stays one."""

    def __init__(self, data: ContactData, change: Change) -> None:
        self.data = data
        self.call = data.call
        self._change = change
        self._lock = asyncio.Lock()  # call events are applied in the order they arrived

    async def on_event(self, ev: CallEvent) -> None:
        key = (ev.kind, ev.agent_user_id, ev.at)
        if key in self.call.seen:
            return  # the bridge re-sent it (reconnect, restart): harmless
        self.call.seen.add(key)
        async with self._lock:
            step = decide(self.call.state, ev.kind)
            if step is None:
                if ev.kind == RING_NO_ANSWER:  # recorded even when it changes nothing
                    await self._record(ev, self.call.state, "call", "ring_no_answer")
                return
            self.call.state = step.state
            if step.answered:
                self.call.agent = ev.agent_user_id
            if ev.kind in UNRECORDED:
                return  # the bridge wrote it with the call (join); ringing lives here only
            event = f"call_{ev.kind}"
            await self._record(ev, step.state, step.task_kind, event)
            if step.answered and self.call.agent is not None:
                await self._change(
                    ContactStatus.open, self.call.agent, "call_answered", actor_id=self.call.agent
                )
            elif step.callback:
                await self._change(ContactStatus.new, None, "callback_requested")

    async def _record(self, ev: CallEvent, state: str, task_kind: str, event: str) -> None:
        await workflow.execute_local_activity_method(
            PhoneActivityApi.record_call,
            RecordCallInput(
                contact_id=self.data.contact_id,
                event=event,
                state=state,
                task_kind=task_kind,
                agent_user_id=ev.agent_user_id if ev.agent_user_id is not None else self.call.agent,
                hold_seconds=ev.hold_seconds,
                talk_seconds=ev.talk_seconds,
                ring_ms=ev.ring_ms,
                at=ev.at,
            ),
            **DB_ACTIVITY,
        )

    # --- wrap-up --------------------------------------------------------------------

    def refuse_wrap_up(self, req: WrapUpRequest) -> None:
        if self.call.state != ENDED:
            raise ApplicationError("This call has not ended yet.", type="CallNotEnded")
        if self.call.wrapped_up:
            raise ApplicationError("This call is already wrapped up.", type="AlreadyWrappedUp")
        if req.user_id != self.call.agent:
            raise ApplicationError("Only the agent who took the call wraps it up.", type="NotAgent")

    async def wrap_up(self, req: WrapUpRequest) -> WrapUpResult:
        self.refuse_wrap_up(req)
        self.call.wrapped_up = True
        detail = {"linked_contact_id": req.linked_contact_id, "note_id": req.note_id}
        await self._change(
            ContactStatus.closed,
            self.call.agent,
            "wrapped_up",
            actor_id=req.user_id,
            detail=detail,
            close_reason_id=req.reason_id,
        )
        return WrapUpResult(status=ContactStatus.closed, linked_contact_id=req.linked_contact_id)

    # --- callback -------------------------------------------------------------------

    def refuse_callback(self, req: CallbackRequest) -> None:
        if self.call.state != ABANDONED:
            raise ApplicationError("This call needs no callback.", type="NoCallback")
        if self.call.callback_running:
            raise ApplicationError("A callback is already being made.", type="CallbackRunning")

    async def call_back(self, req: CallbackRequest) -> CallbackResult:
        self.refuse_callback(req)
        self.call.callback_running = True
        try:
            await self._change(
                ContactStatus.open, req.user_id, "callback_started", actor_id=req.user_id
            )
            result: OriginateResult = await workflow.execute_activity_method(
                PhoneActivityApi.originate_callback,
                OriginateInput(contact_id=self.data.contact_id, user_id=req.user_id),
                **ORIGINATE_ACTIVITY,
            )
            outcome = result.outcome
        except Exception as exc:  # the activity failed: one failed attempt
            workflow.logger.warning("callback originate failed: %s", exc)
            outcome = "failed"
        finally:
            self.call.callback_running = False
        self.call.attempts += 1
        answered = outcome == "answered"
        if answered:
            self.call.state, self.call.agent = ENDED, req.user_id
        await workflow.execute_local_activity_method(
            PhoneActivityApi.record_call,
            RecordCallInput(
                contact_id=self.data.contact_id,
                event="callback_" + outcome,
                state=self.call.state,
                task_kind="wrapup" if answered else "callback",
                agent_user_id=req.user_id,
                callback_attempts=self.call.attempts,
                callback_outcome=outcome,
            ),
            **DB_ACTIVITY,
        )
        if not answered:  # the task goes back to the product queue, attempts counted
            await self._change(ContactStatus.new, None, "callback_failed", actor_id=req.user_id)
        return CallbackResult(outcome=outcome, attempts=self.call.attempts)
