"""ContactWorkflow: one durable workflow per customer contact.

It decides; activities do the I/O. The workflow owns the contact's status and
assignee. People's decisions arrive as Updates (validated, so a second agent
gets a clear refusal), new customer messages as a signal. After closing, the
workflow stays alive for the reopen window so a late reply reopens the contact;
after that it completes and a further reply starts a new contact.

Its whole state is one ``ContactData`` (workflows/contact/state.py). The lines,
SLA clocks and complaints (``WorkPart``) and a phone contact's call (``CallPart``)
are collaborators working on that state; their Updates, signal and query are
declared here, where Temporal looks for them, and handed on.

State changes are applied synchronously at the start of a handler (before any
await), so two updates in one workflow task cannot both win.

No ``from __future__ import annotations`` here: the sandbox re-imports this module
for every workflow run, and string annotations make ``@workflow.defn`` evaluate
them each time (measured: 15.6 -> ~9 ms per contact of worker CPU).
"""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import SearchAttributeKey, SearchAttributePair
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import ContactActivityApi
    from contracts.contact import (
        SA_CHANNEL,
        SA_PRODUCT,
        SA_STATUS,
        AssignRequest,
        ClaimRequest,
        CloseRequest,
        ContactInput,
        ContactResult,
        ContactState,
        ContactStatus,
        CustomerMessage,
        DecisionResult,
        JoinRequest,
        OpenContactInput,
        OpenContactResult,
        ProjectionUpdate,
        ReleaseRequest,
        ReplyRequest,
        SendMessageInput,
    )
    from contracts.phone import (
        CallbackRequest,
        CallbackResult,
        CallEvent,
        WrapUpRequest,
        WrapUpResult,
    )
    from contracts.topdesk import ANSWERED_SIGNAL, TopdeskAnswered
    from contracts.work import (
        AnswerRequest,
        ComplaintRequest,
        EscalateRequest,
        ExtendComplaintRequest,
        PriorityRequest,
        WorkState,
    )
    from workflows.contact.checks import refuse_when_closed, require_holder
    from workflows.contact.phone import CallPart
    from workflows.contact.state import ContactData
    from workflows.contact.work import WorkPart
    from workflows.options import DB_ACTIVITY, SEND_ACTIVITY
    from workflows.records import start_archive
    from workflows.survey.workflow import start_survey

KEY_PRODUCT = SearchAttributeKey.for_keyword(SA_PRODUCT)
KEY_CHANNEL = SearchAttributeKey.for_keyword(SA_CHANNEL)
KEY_STATUS = SearchAttributeKey.for_keyword(SA_STATUS)


@workflow.defn
class ContactWorkflow:
    @workflow.init
    def __init__(self, inp: ContactInput) -> None:
        self.data = ContactData(inp)
        if inp.first_message_id is not None:
            self.data.seen_messages.add(inp.first_message_id)
        self._lock = asyncio.Lock()  # serialises projection writes in handler order
        self.work = WorkPart(self.data, self._change, self._lock)  # lines, SLAs, complaints
        self.call = CallPart(self.data, self._change)  # a phone contact's call

    # --- main loop -----------------------------------------------------------------

    @workflow.run
    async def run(self, inp: ContactInput) -> ContactResult:
        self._ensure_search_attributes(inp)
        # One local activity opens the contact and loads its work plan (intake
        # throughput: one activity and one commit less per contact).
        opened = await self._open(inp)
        await self.work.adopt_plan(opened.plan)
        if opened.ack_message_id is not None:
            await self._send(opened.ack_message_id)

        closings = 0
        while True:
            await self._work_until_closed()
            closings += 1
            await start_archive(inp.contact_id, inp.reference)  # the record, to the DMS
            await start_survey(inp.contact_id, closings)  # it decides whether one goes out
            if not await self._reopened_within_window():
                break
        await workflow.wait_condition(workflow.all_handlers_finished)
        self.work.stop()
        return ContactResult(contact_id=inp.contact_id, status=self.data.status)

    async def _open(self, inp: ContactInput) -> OpenContactResult:
        return await workflow.execute_local_activity_method(
            ContactActivityApi.open_contact,
            OpenContactInput(
                inp.contact_id,
                inp.first_message_id,
                inp.first_response_hours,
                plan_work=True,
                channel=inp.channel,
                received_at=workflow.info().workflow_start_time.isoformat(),
            ),
            **DB_ACTIVITY,
        )

    def _ensure_search_attributes(self, inp: ContactInput) -> None:
        """Set what the starter did not already set at start (each upsert is a
        visibility write on the server)."""
        wanted = [
            SearchAttributePair(KEY_PRODUCT, inp.product_code),
            SearchAttributePair(KEY_CHANNEL, inp.channel),
            SearchAttributePair(KEY_STATUS, self.data.status),
        ]
        present = workflow.info().typed_search_attributes
        missing = [pair for pair in wanted if present.get(pair.key) != pair.value]
        if missing:
            workflow.upsert_search_attributes(missing)

    async def _work_until_closed(self) -> None:
        """Send queued replies and take in customer messages until the contact is
        closed and nothing is left to send."""
        while True:
            await workflow.wait_condition(
                lambda: (
                    bool(self.data.outbound or self.data.inbound)
                    or self.data.status == ContactStatus.closed
                )
            )
            if self.data.outbound:
                await self._send(self.data.outbound.pop(0))
            elif self.data.inbound:
                await self._take_in(self.data.inbound.pop(0))
            elif self.data.status == ContactStatus.closed:
                return

    async def _reopened_within_window(self) -> bool:
        """After closing, wait for a customer reply for ``reopen_days``."""
        try:
            await workflow.wait_condition(
                lambda: bool(self.data.inbound), timeout=timedelta(days=self.data.inp.reopen_days)
            )
        except TimeoutError:
            return bool(self.data.inbound)  # a message that raced the timer still reopens
        return True

    async def _take_in(self, message_id: int) -> None:
        """A customer wrote again: back to the agent who holds it, or to the queue."""
        if self.data.status == ContactStatus.closed:
            await self._change(ContactStatus.new, None, "reopened", message_id=message_id)
        elif self.data.status == ContactStatus.waiting:
            await self._change(
                ContactStatus.open if self.data.assignee else ContactStatus.new,
                self.data.assignee,
                "customer_replied",
                message_id=message_id,
            )
        else:
            await self._change(
                self.data.status, self.data.assignee, "customer_wrote", message_id=message_id
            )

    async def _send(self, message_id: int) -> None:
        await workflow.execute_local_activity_method(
            ContactActivityApi.send_message,
            SendMessageInput(message_id),
            **SEND_ACTIVITY,
        )

    async def _change(
        self,
        status: str,
        assignee: int | None,
        event: str,
        *,
        actor_id: int | None = None,
        detail: dict | None = None,
        close_reason_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        """Set status/assignee now; write the projection (in handler order)."""
        self.work.on_change(status, event)  # the SLA clocks follow the status
        self.data.status, self.data.assignee = status, assignee
        workflow.upsert_search_attributes([SearchAttributePair(KEY_STATUS, status)])
        update = ProjectionUpdate(
            contact_id=self.data.contact_id,
            status=status,
            assignee_id=assignee,
            actor_id=actor_id,
            event=event,
            event_detail=detail or {},
            close_reason_id=close_reason_id,
            message_id=message_id,
            work=self.work.projection(),
        )
        async with self._lock:
            await workflow.execute_local_activity_method(
                ContactActivityApi.update_projection, update, **DB_ACTIVITY
            )

    # --- signals -------------------------------------------------------------------

    @workflow.signal(name="customer_message")
    async def customer_message(self, msg: CustomerMessage) -> None:
        # Intake may deliver the same message twice after a crash: take it once.
        if msg.message_id in self.data.seen_messages:
            return
        self.data.seen_messages.add(msg.message_id)
        if msg.kind:
            await self._note_machine_mail(msg)
        else:
            self.data.inbound.append(msg.message_id)

    async def _note_machine_mail(self, msg: CustomerMessage) -> None:
        """An auto reply or a bounce: on the contact's history, status unchanged (an
        out-of-office must not reopen a contact or end its waiting)."""
        event = "reply_undelivered" if msg.kind == "bounce" else "machine_mail"
        update = ProjectionUpdate(
            contact_id=self.data.contact_id,
            status=self.data.status,
            assignee_id=self.data.assignee,
            event=event,
            event_detail={"kind": msg.kind},
            message_id=msg.message_id,
            work=self.work.projection(),
        )
        async with self._lock:
            await workflow.execute_local_activity_method(
                ContactActivityApi.update_projection, update, **DB_ACTIVITY
            )

    # --- updates (people's decisions) ---------------------------------------------------

    @workflow.update(name="claim")
    async def claim(self, req: ClaimRequest) -> DecisionResult:
        self._refuse_claim(req)  # again: a claim validated in the same task may have won
        await self._change(ContactStatus.open, req.user_id, "claimed", actor_id=req.user_id)
        return DecisionResult(self.data.status, self.data.assignee)

    @claim.validator
    def _validate_claim(self, req: ClaimRequest) -> None:
        if req.deadline is not None and workflow.now().timestamp() > req.deadline:
            raise ApplicationError("This claim arrived too late.", type="ClaimTooLate")
        self._refuse_claim(req)

    def _refuse_claim(self, req: ClaimRequest) -> None:
        refuse_when_closed(self.data)
        self.work.refuse_wrong_line(req.lines)
        if self.data.assignee is not None and self.data.assignee != req.user_id:
            raise ApplicationError(
                "Another agent has already claimed this contact.", type="AlreadyClaimed"
            )

    @workflow.update(name="release")
    async def release(self, req: ReleaseRequest) -> DecisionResult:
        require_holder(self.data, req.user_id)
        await self._change(ContactStatus.new, None, "released", actor_id=req.user_id)
        return DecisionResult(self.data.status, self.data.assignee)

    @release.validator
    def _validate_release(self, req: ReleaseRequest) -> None:
        require_holder(self.data, req.user_id)

    @workflow.update(name="assign")
    async def assign(self, req: AssignRequest) -> DecisionResult:
        refuse_when_closed(self.data)
        self.work.refuse_wrong_line([req.line] if req.line else [])  # an escalation may have won
        await self._change(
            ContactStatus.open,
            req.to_user_id,
            "assigned",
            actor_id=req.by_user_id,
            detail={"to_user_id": req.to_user_id},
        )
        return DecisionResult(self.data.status, self.data.assignee)

    @assign.validator
    def _validate_assign(self, req: AssignRequest) -> None:
        refuse_when_closed(self.data)
        self.work.refuse_wrong_line([req.line] if req.line else [])

    @workflow.update(name="reply")
    async def reply(self, req: ReplyRequest) -> DecisionResult:
        require_holder(self.data, req.user_id)
        # Queue first, so the main loop sends it even if the projection write is slow.
        self.data.outbound.append(req.message_id)
        status = ContactStatus.waiting if req.wait_for_customer else ContactStatus.open
        await self._change(
            status, self.data.assignee, "replied", actor_id=req.user_id, message_id=req.message_id
        )
        return DecisionResult(self.data.status, self.data.assignee)

    @reply.validator
    def _validate_reply(self, req: ReplyRequest) -> None:
        require_holder(self.data, req.user_id)
        self.work.refuse_reply_on_this_line()

    @workflow.update(name="close")
    async def close(self, req: CloseRequest) -> DecisionResult:
        require_holder(self.data, req.user_id)
        await self._change(
            ContactStatus.closed,
            self.data.assignee,
            "closed",
            actor_id=req.user_id,
            close_reason_id=req.reason_id,
        )
        return DecisionResult(self.data.status, self.data.assignee)

    @close.validator
    def _validate_close(self, req: CloseRequest) -> None:
        require_holder(self.data, req.user_id)

    @workflow.update(name="join")
    async def join(self, req: JoinRequest) -> DecisionResult:
        refuse_when_closed(self.data)
        await self._change(
            ContactStatus.closed,
            self.data.assignee,
            "joined",
            actor_id=req.user_id,
            detail={"into_contact_id": req.into_contact_id},
        )
        return DecisionResult(self.data.status, self.data.assignee)

    @join.validator
    def _validate_join(self, req: JoinRequest) -> None:
        refuse_when_closed(self.data)

    # --- updates: lines, escalation, complaints, priority (workflows/contact/work.py)

    @workflow.update(name="escalate")
    async def escalate(self, req: EscalateRequest) -> DecisionResult:
        return await self.work.escalate(req)

    @escalate.validator
    def _validate_escalate(self, req: EscalateRequest) -> None:
        self.work.refuse_escalation(req)

    @workflow.update(name="answer_escalation")
    async def answer_escalation(self, req: AnswerRequest) -> DecisionResult:
        return await self.work.answer_escalation(req)

    @answer_escalation.validator
    def _validate_answer(self, req: AnswerRequest) -> None:
        self.work.refuse_answer(req)

    @workflow.update(name="mark_complaint")
    async def mark_complaint(self, req: ComplaintRequest) -> DecisionResult:
        return await self.work.mark_complaint(req)

    @mark_complaint.validator
    def _validate_complaint(self, req: ComplaintRequest) -> None:
        self.work.refuse_complaint(req)

    @workflow.update(name="extend_complaint")
    async def extend_complaint(self, req: ExtendComplaintRequest) -> DecisionResult:
        return await self.work.extend_complaint(req)

    @extend_complaint.validator
    def _validate_extension(self, req: ExtendComplaintRequest) -> None:
        self.work.refuse_extension(req)

    @workflow.update(name="set_priority")
    async def set_priority(self, req: PriorityRequest) -> DecisionResult:
        return await self.work.set_priority(req)

    @set_priority.validator
    def _validate_priority(self, req: PriorityRequest) -> None:
        self.work.refuse_priority(req)

    # --- the phone channel (workflows/contact/phone.py) ----------------------------

    @workflow.signal(name="call_event")
    async def call_event(self, ev: CallEvent) -> None:
        await self.call.on_event(ev)

    @workflow.update(name="wrap_up")
    async def wrap_up(self, req: WrapUpRequest) -> WrapUpResult:
        return await self.call.wrap_up(req)

    @wrap_up.validator
    def _validate_wrap_up(self, req: WrapUpRequest) -> None:
        self.call.refuse_wrap_up(req)

    @workflow.update(name="call_back")
    async def call_back(self, req: CallbackRequest) -> CallbackResult:
        return await self.call.call_back(req)

    @call_back.validator
    def _validate_call_back(self, req: CallbackRequest) -> None:
        self.call.refuse_callback(req)

    # --- a TOPdesk incident of this contact (workflows/incident/) -------------------

    @workflow.signal(name=ANSWERED_SIGNAL)
    async def topdesk_answered(self, msg: TopdeskAnswered) -> None:
        """TOPdesk completed the incident: back to the agent's inbox (or the queue); its
        answer is on the contact's history already. A closed contact stays closed."""
        status = self.data.status
        if status != ContactStatus.closed:
            status = ContactStatus.open if self.data.assignee else ContactStatus.new
        detail = {"incident_id": msg.incident_id, "number": msg.number}
        await self._change(status, self.data.assignee, "topdesk_answered", detail=detail)

    # --- queries --------------------------------------------------------------------

    @workflow.query(name="state")
    def state(self) -> ContactState:
        return ContactState(
            contact_id=self.data.contact_id,
            status=self.data.status,
            assignee_id=self.data.assignee,
            message_ids=sorted(self.data.seen_messages),
            pending_sends=list(self.data.outbound),
            closed=self.data.status == ContactStatus.closed,
        )

    @workflow.query(name="work_state")
    def work_state(self) -> WorkState:
        return self.work.state()
