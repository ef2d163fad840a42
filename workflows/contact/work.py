"""The work side of a contact's workflow: lines and escalation, SLA clocks on
working hours, waiting for the customer, and the Awb complaint term.

``WorkPart`` is a collaborator of ContactWorkflow, which declares the Updates and
the query and hands them here. It works on the contact's ``ContactData`` (its
``work`` part, and status and assignee) and talks to the contact through three
points: ``adopt_plan`` (after the contact is opened), ``on_change`` (every status
change, before the projection is written; ``projection`` rides along with that
write) and ``stop`` (the contact's workflow ends).

One watcher coroutine sleeps until the earliest of the contact's deadlines (an
SLA warning or breach, a waiting reminder or automatic closure, the complaint
term); any change of state wakes it to recompute. So a contact holds exactly one
timer however many clocks it has.

No ``from __future__ import annotations`` (see workflows/contact/workflow.py).
"""

import asyncio
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from contracts.activities import WorkActivityApi
    from contracts.contact import ContactStatus, DecisionResult
    from contracts.work import (
        COMPLAINTS_QUEUE,
        FIRST_LINE,
        LINES,
        PRIORITY_MAX,
        PRIORITY_MIN,
        THIRD_LINE,
        AnswerRequest,
        ComplaintRequest,
        CustomerLetterInput,
        CustomerLetterResult,
        EscalateRequest,
        ExtendComplaintRequest,
        LineAssignInput,
        LineAssignResult,
        PriorityRequest,
        SlaSignalInput,
        WorkPlan,
        WorkProjection,
        WorkState,
    )
    from rules.sla import SlaClock
    from rules.work_clocks import (
        FIRST_RESPONSE,
        LINE_ANSWER,
        RESOLUTION,
        start_clocks,
    )
    from workflows.contact.checks import refuse_when_closed, require_holder
    from workflows.contact.deadlines import pending_deadlines, sla_state, work_due
    from workflows.contact.state import Change, ContactData
    from workflows.options import WORK_ACTIVITY

REARM_BEFORE = timedelta(seconds=30)


class WorkPart:
    """The work side of one contact, on the contact's ``ContactData``. ``change`` is
    the contact's status change (it writes the projection); ``lock`` serialises
    projection writes in handler order, shared with the contact."""

    def __init__(self, data: ContactData, change: Change, lock: asyncio.Lock) -> None:
        self.data = data
        self.work = data.work
        self._change = change
        self._lock = lock
        self._watcher: asyncio.Task | None = None

    # --- the contact's connection points -----------------------------------------------

    async def adopt_plan(self, plan: WorkPlan) -> None:
        """Start the SLA clocks and the watcher on the plan; take the queue's automatic
        assignee. (The plan comes with open_contact.)"""
        self.work.plan = plan
        self.work.clocks = start_clocks(plan, datetime.fromisoformat(plan.received_at))
        if self.data.status == ContactStatus.waiting:  # a reply went out before the plan was loaded
            self._pause_clocks(workflow.now())
        self.work.started = True
        self._watcher = asyncio.create_task(self._watch_work())
        if (
            plan.auto_assignee is not None
            and self.data.assignee is None
            and self.data.status == ContactStatus.new
        ):
            await self._change(
                ContactStatus.open,
                plan.auto_assignee,
                "auto_assigned",
                detail={"to_user_id": plan.auto_assignee},
            )

    def stop(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()

    def on_change(self, status: str, event: str) -> None:
        """Move the clocks with the contact's status (called before it is set)."""
        now = workflow.now()
        before = self.data.status
        if event in ("replied", "replied_by_line") and FIRST_RESPONSE in self.work.clocks:
            self.work.clocks[FIRST_RESPONSE].stop(now, self.work.plan.calendar)
        if status == ContactStatus.closed:
            for clock in self.work.clocks.values():
                clock.stop(now, self.work.plan.calendar)
            self.work.waiting_since = None
        elif status == ContactStatus.waiting and before != ContactStatus.waiting:
            self._pause_clocks(now)
            self.work.waiting_since, self.work.reminded = now.isoformat(), False
        elif before == ContactStatus.waiting and status != ContactStatus.waiting:
            for clock in self.work.clocks.values():
                clock.start(now)
            self.work.waiting_since = None
        if event == "reopened":
            self._reopen_clocks(now)
        self.work.version += 1

    def _pause_clocks(self, now: datetime) -> None:
        for clock in self.work.clocks.values():
            clock.pause(now, self.work.plan.calendar)

    def _reopen_clocks(self, now: datetime) -> None:
        target = self.work.plan.for_line(FIRST_LINE).resolution_minutes
        self.work.clocks.pop(LINE_ANSWER, None)
        if target > 0:
            self.work.clocks[RESOLUTION] = SlaClock(RESOLUTION, target, self.work.plan.warn_share)
            self.work.clocks[RESOLUTION].start(now)
        self.work.line, self.work.queue, self.work.hops = FIRST_LINE, "", []

    def projection(self) -> WorkProjection | None:
        """The work fields for the projection; None until the plan is loaded (open_contact
        wrote the first due date itself)."""
        if not self.work.started:
            return None
        due = work_due(self.work, self.data.status)
        return WorkProjection(
            line=self.work.line,
            queue=self.work.queue,
            due_at=due.isoformat() if due else None,
            sla_state=sla_state(self.work, self.data.status),
            priority=self.work.priority,
            complaint=self.work.complaint,
            complaint_due_at=self.work.complaint_due,
        )

    # --- the watcher: one timer for every deadline ------------------------------------

    async def _watch_work(self) -> None:
        while True:
            deadlines = pending_deadlines(self.work, self.data.status)
            timeout = None
            if deadlines:
                timeout = self._timer_for(min(when for when, _ in deadlines))
            try:
                await workflow.wait_condition(self._changed_since(), timeout=timeout)
            except TimeoutError:
                await self._act_on_due()

    @staticmethod
    def _timer_for(deadline: datetime) -> timedelta:
        """How long to sleep until ``deadline``. ``workflow.now()`` is the start of the
        current workflow task, and the server starts the timer only when the task
        completes (after its local activities: seconds under load), so a far deadline
        is slept to just short of it, and the rest is measured from a fresh task."""
        left = deadline - workflow.now()
        if left > 2 * REARM_BEFORE:
            return left - REARM_BEFORE
        return max(timedelta(seconds=1), left)

    def _changed_since(self):
        """A condition that holds once the work state changed after this call."""
        version = self.work.version
        return lambda: self.work.version != version

    async def _act_on_due(self) -> None:
        """Act on every deadline that has passed, earliest first; each action changes
        state (a flag, a status), so the list is recomputed after every one."""
        while True:
            now = workflow.now()
            due = [d for d in pending_deadlines(self.work, self.data.status) if d[0] <= now]
            if not due:
                return
            await self._act(min(due)[1])

    async def _act(self, action: str) -> None:
        if action == "remind":
            self.work.reminded = True
            self.work.version += 1
            await self._letter("waiting_reminder")
        elif action == "auto_close":
            await self._change(ContactStatus.closed, self.data.assignee, "auto_closed")
        elif action.startswith(("warn:", "breach:")):
            level, clock = action.split(":", 1)
            await self._flag(clock, "warning" if level == "warn" else "breached")

    async def _flag(self, clock: str, level: str) -> None:
        if clock == "complaint":
            if level == "warning":
                self.work.complaint_warned = True
            else:
                self.work.complaint_breached = True
        else:
            target = self.work.clocks[clock]
            if level == "warning":
                target.warned = True
            else:
                target.breached = True
        if level == "breached":
            self.work.priority += self.work.plan.raise_priority_on_breach
        self.work.version += 1
        signal = SlaSignalInput(self.data.contact_id, clock, level, self.projection())
        async with self._lock:
            await workflow.execute_local_activity_method(
                WorkActivityApi.sla_signal, signal, **WORK_ACTIVITY
            )

    async def _letter(self, template: str) -> None:
        """A letter to the customer (reminder, complaint extension), sent by the main loop."""
        made: CustomerLetterResult = await workflow.execute_local_activity_method(
            WorkActivityApi.make_customer_letter,
            CustomerLetterInput(self.data.contact_id, template),
            **WORK_ACTIVITY,
        )
        if made.message_id is not None:
            self.data.outbound.append(made.message_id)

    # --- checks the contact's own validators call ------------------------------------

    def refuse_wrong_line(self, lines: list[int]) -> None:
        if lines and self.work.line not in lines:
            raise ApplicationError(
                "This contact is on another line's task list.", type="NotOnYourLine"
            )

    def refuse_reply_on_this_line(self) -> None:
        if self.work.queue == COMPLAINTS_QUEUE:
            return  # complaints handlers answer the customer themselves
        if self.work.line not in self.work.plan.direct_reply_lines:
            raise ApplicationError(
                "On this line the answer goes back to the line before, not to the customer.",
                type="NoDirectReply",
            )

    # --- updates: lines and escalation -----------------------------------------------

    async def escalate(self, req: EscalateRequest) -> DecisionResult:
        self.refuse_escalation(req)
        self.work.hops.append([self.work.line, self.data.assignee, self.work.queue])
        from_line = self.work.line
        self.work.line, self.work.queue = req.to_line, req.queue
        self._start_line_clock(req.to_line)
        await self._change(
            ContactStatus.new,
            None,
            "escalated",
            actor_id=req.user_id,
            detail={
                "from_line": from_line,
                "to_line": req.to_line,
                "note_id": req.note_id,
                "queue": req.queue,
            },
        )
        await self._auto_assign_on_line()
        return DecisionResult(self.data.status, self.data.assignee)

    async def _auto_assign_on_line(self) -> None:
        """A contact that landed on a 2nd/3rd line list with nobody holding it: the
        list's automatic assignment (when that product x line has one) picks someone
        signed in and accredited for the line. Under the projection lock, so a claim
        racing it is written after the pick and wins (checked again below)."""
        if (
            self.work.line == FIRST_LINE
            or self.data.assignee is not None
            or self.data.status != ContactStatus.new
        ):
            return
        line, queue = self.work.line, self.work.queue
        async with self._lock:
            picked: LineAssignResult = await workflow.execute_local_activity_method(
                WorkActivityApi.auto_assign_line,
                LineAssignInput(self.data.contact_id, line, queue),
                **WORK_ACTIVITY,
            )
        moved = (self.work.line, self.work.queue) != (line, queue)
        if (
            picked.user_id is None
            or moved
            or self.data.assignee is not None
            or self.data.status != ContactStatus.new
        ):
            return  # nobody to give it to, or a person decided in the meantime
        await self._change(
            ContactStatus.open,
            picked.user_id,
            "auto_assigned",
            detail={"to_user_id": picked.user_id, "line": line, "queue": queue},
        )

    def refuse_escalation(self, req: EscalateRequest) -> None:
        require_holder(self.data, req.user_id)
        if req.to_line not in LINES or req.to_line <= self.work.line:
            raise ApplicationError(
                "Escalate to a higher line (2nd or 3rd).", type="InvalidEscalation"
            )

    def _start_line_clock(self, line: int) -> None:
        minutes = self.work.plan.for_line(line).resolution_minutes
        self.work.clocks.pop(LINE_ANSWER, None)
        if line > FIRST_LINE and minutes > 0:
            clock = SlaClock(LINE_ANSWER, minutes, self.work.plan.warn_share)
            clock.start(workflow.now())
            self.work.clocks[LINE_ANSWER] = clock

    async def answer_escalation(self, req: AnswerRequest) -> DecisionResult:
        self.refuse_answer(req)
        back_line, back_assignee, back_queue = self.work.hops.pop()
        while req.to_line and back_line != req.to_line:  # skipping a line on the way back
            back_line, back_assignee, back_queue = self.work.hops.pop()
        from_line = self.work.line
        self.work.line, self.work.queue = back_line, back_queue
        self._start_line_clock(back_line)
        await self._change(
            ContactStatus.open if back_assignee else ContactStatus.new,
            back_assignee,
            "handed_back" if req.hand_back else "escalation_answered",
            actor_id=req.user_id,
            detail={
                "from_line": from_line,
                "to_line": back_line,
                "note_id": req.note_id,
                "to_user_id": back_assignee,
            },
        )
        await self._auto_assign_on_line()
        return DecisionResult(self.data.status, self.data.assignee)

    def refuse_answer(self, req: AnswerRequest) -> None:
        require_holder(self.data, req.user_id)
        if not self.work.hops:
            raise ApplicationError("This contact was not escalated.", type="NotEscalated")
        if req.to_line and req.to_line not in [hop[0] for hop in self.work.hops]:
            raise ApplicationError(
                "The contact never came from that line.", type="InvalidEscalation"
            )

    # --- updates: complaints ---------------------------------------------------------

    async def mark_complaint(self, req: ComplaintRequest) -> DecisionResult:
        self.refuse_complaint(req)
        received = self.work.plan.received_at or workflow.now().isoformat()
        due = datetime.fromisoformat(received) + timedelta(days=self.work.plan.complaint_term_days)
        self.work.complaint, self.work.complaint_due = True, due.isoformat()
        self.work.hops.append([self.work.line, self.data.assignee, self.work.queue])
        from_line = self.work.line
        self.work.line, self.work.queue = THIRD_LINE, COMPLAINTS_QUEUE
        self.work.clocks.pop(LINE_ANSWER, None)
        await self._change(
            ContactStatus.new,
            None,
            "complaint_marked",
            actor_id=req.user_id,
            detail={
                "from_line": from_line,
                "to_line": THIRD_LINE,
                "note_id": req.note_id,
                "due_at": self.work.complaint_due,
            },
        )
        await self._auto_assign_on_line()
        return DecisionResult(self.data.status, self.data.assignee)

    def refuse_complaint(self, req: ComplaintRequest) -> None:
        require_holder(self.data, req.user_id)
        if self.work.complaint:
            raise ApplicationError("This contact is already a complaint.", type="AlreadyComplaint")

    async def extend_complaint(self, req: ExtendComplaintRequest) -> DecisionResult:
        self.refuse_extension(req)
        due = datetime.fromisoformat(self.work.complaint_due)
        due += timedelta(days=self.work.plan.complaint_extension_days)
        self.work.complaint_due, self.work.complaint_extended = due.isoformat(), True
        self.work.complaint_warned = False
        await self._letter("complaint_extension")
        await self._change(
            self.data.status,
            self.data.assignee,
            "complaint_extended",
            actor_id=req.user_id,
            detail={"due_at": self.work.complaint_due},
        )
        return DecisionResult(self.data.status, self.data.assignee)

    def refuse_extension(self, req: ExtendComplaintRequest) -> None:
        require_holder(self.data, req.user_id)
        if not self.work.complaint:
            raise ApplicationError("This contact is not a complaint.", type="NotComplaint")
        if self.work.complaint_extended:
            raise ApplicationError(
                "The complaint term can be extended only once.", type="AlreadyExtended"
            )
        if self.work.complaint_breached:
            raise ApplicationError(
                "The complaint term has passed; it can no longer be extended.",
                type="TermPassed",
            )

    # --- updates: priority -----------------------------------------------------------

    async def set_priority(self, req: PriorityRequest) -> DecisionResult:
        refuse_when_closed(self.data)
        self.work.priority = req.priority
        await self._change(
            self.data.status,
            self.data.assignee,
            "priority_set",
            actor_id=req.by_user_id,
            detail={"priority": req.priority},
        )
        return DecisionResult(self.data.status, self.data.assignee)

    def refuse_priority(self, req: PriorityRequest) -> None:
        refuse_when_closed(self.data)
        if not PRIORITY_MIN <= req.priority <= PRIORITY_MAX:
            raise ApplicationError(
                f"Priority goes from {PRIORITY_MIN} to {PRIORITY_MAX}.", type="InvalidPriority"
            )

    # --- query -----------------------------------------------------------------------

    def state(self) -> WorkState:
        return WorkState(
            line=self.work.line,
            queue=self.work.queue,
            hops=[[h[0], h[1] or 0] for h in self.work.hops],
            clocks={
                name: {
                    "target": c.target_minutes,
                    "used": c.used_at(workflow.now(), self.work.plan.calendar),
                    "running": c.running,
                    "warned": c.warned,
                    "breached": c.breached,
                    "stopped": c.stopped,
                }
                for name, c in self.work.clocks.items()
            },
            complaint=self.work.complaint,
            complaint_due_at=self.work.complaint_due,
            complaint_extended=self.work.complaint_extended,
            priority=self.work.priority,
        )
