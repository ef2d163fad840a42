"""ContactWorkflow: one durable workflow per customer contact.

It decides; activities do the I/O. The workflow owns the contact's status and
assignee. People's decisions arrive as Updates (validated, so a second agent
gets a clear refusal), new customer messages as a signal. After closing, the
workflow stays alive for the reopen window so a late reply reopens the contact;
after that it completes and a further reply starts a new contact.

State changes are applied synchronously at the start of a handler (before any
await), so two updates in one workflow task cannot both win.

No ``from __future__ import annotations`` here: the sandbox re-imports this module
for every workflow run, and string annotations make ``@workflow.defn`` evaluate
them each time (measured: 15.6 -> ~9 ms per contact of worker CPU).
"""

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy, SearchAttributeKey, SearchAttributePair
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
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
        CustomerMessage,
        DecisionResult,
        OpenContactInput,
        OpenContactResult,
        ProjectionUpdate,
        ReleaseRequest,
        ReplyRequest,
        SendMessageInput,
        SendMessageResult,
    )
    from contracts.phone import (
        CallbackRequest,
        CallbackResult,
        CallEvent,
        WrapUpRequest,
        WrapUpResult,
    )
    from workflows.contact.phone import CallLogic  # phone channel (issue 3)
    from workflows.contact.work import (
        WorkMixin,  # lines, SLAs, waiting, complaints (issue 4)
    )
    from workflows.records import start_archive  # records area (issue 6)

KEY_PRODUCT = SearchAttributeKey.for_keyword(SA_PRODUCT)
KEY_CHANNEL = SearchAttributeKey.for_keyword(SA_CHANNEL)
KEY_STATUS = SearchAttributeKey.for_keyword(SA_STATUS)

# Database work is quick: run it as a local activity (no round trip through the
# server's task queue: about half the Temporal load of a contact) and retry it for
# a long time (a DB outage must not lose work).
DB_ACTIVITY = {
    "start_to_close_timeout": timedelta(seconds=30),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(seconds=30)),
}
# Mail goes out until SMTP takes it: "sending" for as long as it takes, never lost.
# A local activity too (measured: +10 % contacts/s on the intake benchmark); after
# 10 s of failures its retries wait on server timers, so during an SMTP outage the
# workflow task is not held and people's updates still get through at once.
SEND_ACTIVITY = {
    "start_to_close_timeout": timedelta(minutes=2),
    "local_retry_threshold": timedelta(seconds=10),
    "retry_policy": RetryPolicy(
        initial_interval=timedelta(seconds=2),
        maximum_interval=timedelta(minutes=5),
        non_retryable_error_types=["PermanentSendError"],
    ),
}

NEW, OPEN, WAITING, CLOSED = "new", "open", "waiting", "closed"


@workflow.defn
class ContactWorkflow(WorkMixin):
    @workflow.init
    def __init__(self, inp: ContactInput) -> None:
        self._inp = inp
        self._status = NEW
        self._assignee: int | None = None
        self._seen_messages: set[int] = set()
        if inp.first_message_id is not None:
            self._seen_messages.add(inp.first_message_id)
        self._inbound: list[int] = []
        self._outbound: list[int] = []
        self._lock = asyncio.Lock()  # serialises projection writes in handler order
        self._init_work()  # lines and SLA clocks (workflows/contact/work.py)
        self._phone = CallLogic()  # a phone contact's call (workflows/contact/phone.py)

    # --- main loop -----------------------------------------------------------------

    @workflow.run
    async def run(self, inp: ContactInput) -> ContactResult:
        self._ensure_search_attributes(inp)
        if workflow.patched("open-with-work-plan"):
            # One local activity opens the contact and loads its work plan (intake
            # throughput: one activity and one commit less per contact).
            opened = await self._open(inp, plan_work=True)
            await self._adopt_plan(opened.plan)  # workflows/contact/work.py
        else:
            opened = await self._open(inp, plan_work=False)
            await self._start_work()  # SLA plan and timers (workflows/contact/work.py)
        if opened.ack_message_id is not None:
            await self._send(opened.ack_message_id)

        while True:
            await self._work_until_closed()
            if workflow.patched("archive-on-close"):  # records area: to the DMS (issue 6)
                await start_archive(inp.contact_id, inp.reference)
            if not await self._reopened_within_window():
                break
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._stop_work()
        return ContactResult(contact_id=inp.contact_id, status=self._status)

    async def _open(self, inp: ContactInput, plan_work: bool) -> OpenContactResult:
        return await workflow.execute_local_activity(
            "open_contact",
            OpenContactInput(
                inp.contact_id,
                inp.first_message_id,
                inp.first_response_hours,
                plan_work=plan_work,
                channel=inp.channel,
                received_at=workflow.info().workflow_start_time.isoformat(),
            ),
            result_type=OpenContactResult,
            **DB_ACTIVITY,
        )

    def _ensure_search_attributes(self, inp: ContactInput) -> None:
        """Set what the starter did not already set at start (each upsert is a
        visibility write on the server)."""
        wanted = [
            SearchAttributePair(KEY_PRODUCT, inp.product_code),
            SearchAttributePair(KEY_CHANNEL, inp.channel),
            SearchAttributePair(KEY_STATUS, self._status),
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
                lambda: bool(self._outbound or self._inbound) or self._status == CLOSED
            )
            if self._outbound:
                await self._send(self._outbound.pop(0))
            elif self._inbound:
                await self._take_in(self._inbound.pop(0))
            elif self._status == CLOSED:
                return

    async def _reopened_within_window(self) -> bool:
        """After closing, wait for a customer reply for ``reopen_days``."""
        try:
            await workflow.wait_condition(
                lambda: bool(self._inbound), timeout=timedelta(days=self._inp.reopen_days)
            )
        except TimeoutError:
            return bool(self._inbound)  # a message that raced the timer still reopens
        return True

    async def _take_in(self, message_id: int) -> None:
        """A customer wrote again: back to the agent who holds it, or to the queue."""
        if self._status == CLOSED:
            await self._change(NEW, None, "reopened", message_id=message_id)
        elif self._status == WAITING:
            await self._change(
                OPEN if self._assignee else NEW,
                self._assignee,
                "customer_replied",
                message_id=message_id,
            )
        else:
            await self._change(
                self._status, self._assignee, "customer_wrote", message_id=message_id
            )

    async def _send(self, message_id: int) -> None:
        await workflow.execute_local_activity(
            "send_message",
            SendMessageInput(message_id),
            result_type=SendMessageResult,
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
        self._on_change(status, event)  # SLA clocks follow the status (workflows/contact/work.py)
        self._status, self._assignee = status, assignee
        workflow.upsert_search_attributes([SearchAttributePair(KEY_STATUS, status)])
        update = ProjectionUpdate(
            contact_id=self._inp.contact_id,
            status=status,
            assignee_id=assignee,
            actor_id=actor_id,
            event=event,
            event_detail=detail or {},
            close_reason_id=close_reason_id,
            message_id=message_id,
            work=self._work_projection(),
        )
        async with self._lock:
            await workflow.execute_local_activity("update_projection", update, **DB_ACTIVITY)

    # --- signals -------------------------------------------------------------------

    @workflow.signal(name="customer_message")
    def customer_message(self, msg: CustomerMessage) -> None:
        # Intake may deliver the same message twice after a crash: take it once.
        if msg.message_id not in self._seen_messages:
            self._seen_messages.add(msg.message_id)
            self._inbound.append(msg.message_id)

    # --- updates (people's decisions) ---------------------------------------------------

    @workflow.update(name="claim")
    async def claim(self, req: ClaimRequest) -> DecisionResult:
        self._refuse_claim(req)  # again: a claim validated in the same task may have won
        await self._change(OPEN, req.user_id, "claimed", actor_id=req.user_id)
        return DecisionResult(self._status, self._assignee)

    @claim.validator
    def _validate_claim(self, req: ClaimRequest) -> None:
        if req.deadline is not None and workflow.now().timestamp() > req.deadline:
            raise ApplicationError("This claim arrived too late.", type="ClaimTooLate")
        self._refuse_claim(req)

    def _refuse_claim(self, req: ClaimRequest) -> None:
        if self._status == CLOSED:
            raise ApplicationError("This contact is closed.", type="ContactClosed")
        self._refuse_wrong_line(req.lines)
        if self._assignee is not None and self._assignee != req.user_id:
            raise ApplicationError(
                "Another agent has already claimed this contact.", type="AlreadyClaimed"
            )

    @workflow.update(name="release")
    async def release(self, req: ReleaseRequest) -> DecisionResult:
        self._require_holder(req.user_id)
        await self._change(NEW, None, "released", actor_id=req.user_id)
        return DecisionResult(self._status, self._assignee)

    @release.validator
    def _validate_release(self, req: ReleaseRequest) -> None:
        self._require_holder(req.user_id)

    @workflow.update(name="assign")
    async def assign(self, req: AssignRequest) -> DecisionResult:
        self._refuse_when_closed()
        self._refuse_wrong_line([req.line] if req.line else [])  # an escalation may have won
        await self._change(
            OPEN,
            req.to_user_id,
            "assigned",
            actor_id=req.by_user_id,
            detail={"to_user_id": req.to_user_id},
        )
        return DecisionResult(self._status, self._assignee)

    @assign.validator
    def _validate_assign(self, req: AssignRequest) -> None:
        self._refuse_when_closed()
        self._refuse_wrong_line([req.line] if req.line else [])

    @workflow.update(name="reply")
    async def reply(self, req: ReplyRequest) -> DecisionResult:
        self._require_holder(req.user_id)
        # Queue first, so the main loop sends it even if the projection write is slow.
        self._outbound.append(req.message_id)
        status = WAITING if req.wait_for_customer else OPEN
        await self._change(
            status, self._assignee, "replied", actor_id=req.user_id, message_id=req.message_id
        )
        return DecisionResult(self._status, self._assignee)

    @reply.validator
    def _validate_reply(self, req: ReplyRequest) -> None:
        self._require_holder(req.user_id)
        self._refuse_reply_on_this_line()

    @workflow.update(name="close")
    async def close(self, req: CloseRequest) -> DecisionResult:
        self._require_holder(req.user_id)
        await self._change(
            CLOSED, self._assignee, "closed", actor_id=req.user_id, close_reason_id=req.reason_id
        )
        return DecisionResult(self._status, self._assignee)

    @close.validator
    def _validate_close(self, req: CloseRequest) -> None:
        self._require_holder(req.user_id)

    def _refuse_when_closed(self) -> None:
        if self._status == CLOSED:
            raise ApplicationError("This contact is closed.", type="ContactClosed")

    def _require_holder(self, user_id: int) -> None:
        self._refuse_when_closed()
        if self._assignee != user_id:
            raise ApplicationError(
                "Claim this contact first: only its holder may do this.", type="NotHolder"
            )

    # --- phone channel (issue 3; logic in workflows/contact/phone.py) -------------------------

    @workflow.signal(name="call_event")
    async def call_event(self, ev: CallEvent) -> None:
        await self._phone.on_event(self, self._inp.contact_id, ev)

    @workflow.update(name="wrap_up")
    async def wrap_up(self, req: WrapUpRequest) -> WrapUpResult:
        return await self._phone.wrap_up(self, self._inp.contact_id, req)

    @wrap_up.validator
    def _validate_wrap_up(self, req: WrapUpRequest) -> None:
        self._phone.refuse_wrap_up(req)

    @workflow.update(name="call_back")
    async def call_back(self, req: CallbackRequest) -> CallbackResult:
        return await self._phone.call_back(self, self._inp.contact_id, req)

    @call_back.validator
    def _validate_call_back(self, req: CallbackRequest) -> None:
        self._phone.refuse_callback(req)

    # --- queries --------------------------------------------------------------------

    @workflow.query(name="state")
    def state(self) -> ContactState:
        return ContactState(
            contact_id=self._inp.contact_id,
            status=self._status,
            assignee_id=self._assignee,
            message_ids=sorted(self._seen_messages),
            pending_sends=list(self._outbound),
            closed=self._status == CLOSED,
        )
