"""The work side of a contact's workflow: lines and escalation, SLA clocks on
working hours, waiting for the customer, and the Awb complaint term.

``WorkMixin`` is a base class of ContactWorkflow: its Updates, query and timers
become the contact workflow's. It keeps its own state and talks to the contact
through three points: ``_init_work`` (constructor), ``_start_work`` (after the
contact is opened) and ``_on_change`` (every status change, before the
projection is written; ``_work_projection`` rides along with that write).

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
    from contracts.contact import DecisionResult
    from contracts.work import (
        COMPLAINTS_QUEUE,
        FIRST_LINE,
        LINES,
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
    from rules.sla import SlaClock, add_working_days
    from rules.work_clocks import (
        FIRST_RESPONSE,
        LINE_ANSWER,
        RESOLUTION,
        earliest_due,
        start_clocks,
    )
    from workflows.options import WORK_ACTIVITY

REARM_BEFORE = timedelta(seconds=30)


class WorkMixin:
    # --- the three connection points ----------------------------------------------

    def _init_work(self) -> None:
        self._plan = WorkPlan()
        self._work_started = False
        self._line = FIRST_LINE
        self._queue = ""
        self._hops: list[list] = []  # [line, assignee, queue] to return to
        self._clocks: dict[str, SlaClock] = {}
        self._priority = 0
        self._complaint = False
        self._complaint_due: str | None = None
        self._complaint_extended = False
        self._complaint_warned = False
        self._complaint_breached = False
        self._waiting_since: str | None = None
        self._reminded = False
        self._work_version = 0
        self._watcher: asyncio.Task | None = None

    async def _adopt_plan(self, plan: WorkPlan) -> None:
        """Start the SLA clocks and the watcher on the plan; take the queue's automatic
        assignee. (The plan comes with open_contact.)"""
        self._plan = plan
        self._clocks = start_clocks(plan, datetime.fromisoformat(plan.received_at))
        if self._status == "waiting":  # a reply went out before the plan was loaded
            self._pause_clocks(workflow.now())
        self._work_started = True
        self._watcher = asyncio.create_task(self._watch_work())
        if plan.auto_assignee is not None and self._assignee is None and self._status == "new":
            await self._change(
                "open",
                plan.auto_assignee,
                "auto_assigned",
                detail={"to_user_id": plan.auto_assignee},
            )

    def _stop_work(self) -> None:
        if self._watcher is not None:
            self._watcher.cancel()

    def _on_change(self, status: str, event: str) -> None:
        """Move the clocks with the contact's status (called before it is set)."""
        now = workflow.now()
        before = self._status
        if event in ("replied", "replied_by_line") and FIRST_RESPONSE in self._clocks:
            self._clocks[FIRST_RESPONSE].stop(now, self._plan.calendar)
        if status == "closed":
            for clock in self._clocks.values():
                clock.stop(now, self._plan.calendar)
            self._waiting_since = None
        elif status == "waiting" and before != "waiting":
            self._pause_clocks(now)
            self._waiting_since, self._reminded = now.isoformat(), False
        elif before == "waiting" and status != "waiting":
            for clock in self._clocks.values():
                clock.start(now)
            self._waiting_since = None
        if event == "reopened":
            self._reopen_clocks(now)
        self._work_version += 1

    def _pause_clocks(self, now: datetime) -> None:
        for clock in self._clocks.values():
            clock.pause(now, self._plan.calendar)

    def _reopen_clocks(self, now: datetime) -> None:
        target = self._plan.for_line(FIRST_LINE).resolution_minutes
        self._clocks.pop(LINE_ANSWER, None)
        if target > 0:
            self._clocks[RESOLUTION] = SlaClock(RESOLUTION, target, self._plan.warn_share)
            self._clocks[RESOLUTION].start(now)
        self._line, self._queue, self._hops = FIRST_LINE, "", []

    def _work_projection(self) -> WorkProjection | None:
        """The work fields for the projection; None until the plan is loaded (open_contact
        wrote the first due date itself)."""
        if not self._work_started:
            return None
        due = earliest_due(self._clocks, self._plan.calendar)
        if self._complaint and self._complaint_due and self._status != "closed":
            complaint_due = datetime.fromisoformat(self._complaint_due)
            due = complaint_due if due is None else min(due, complaint_due)
        return WorkProjection(
            line=self._line,
            queue=self._queue,
            due_at=due.isoformat() if due else None,
            sla_state=self._sla_state(),
            priority=self._priority,
            complaint=self._complaint,
            complaint_due_at=self._complaint_due,
        )

    def _sla_state(self) -> str:
        if self._complaint_breached or any(c.breached for c in self._clocks.values()):
            return "breached"
        if self._complaint_warned or any(c.warned and not c.stopped for c in self._clocks.values()):
            return "warning"
        if self._status == "waiting":
            return "paused"
        return ""

    # --- the watcher: one timer for every deadline ------------------------------------

    def _deadlines(self) -> list[tuple[datetime, str]]:
        cal = self._plan.calendar
        found: list[tuple[datetime, str]] = []
        for name, clock in self._clocks.items():
            if not clock.running:
                continue
            if not clock.warned and clock.warn_share < 1:
                found.append((clock.warn_at(cal), f"warn:{name}"))
            if not clock.breached:
                found.append((clock.due_at(cal), f"breach:{name}"))
        if self._waiting_since and self._status == "waiting":
            since = datetime.fromisoformat(self._waiting_since)
            if self._plan.waiting_reminder_days > 0 and not self._reminded:
                found.append(
                    (add_working_days(since, self._plan.waiting_reminder_days, cal), "remind")
                )
            if self._plan.waiting_close_days > 0:
                found.append(
                    (add_working_days(since, self._plan.waiting_close_days, cal), "auto_close")
                )
        if self._complaint and self._complaint_due and self._status != "closed":
            due = datetime.fromisoformat(self._complaint_due)
            if not self._complaint_warned:
                warn = due - timedelta(days=self._plan.complaint_warn_days)
                found.append((warn, "warn:complaint"))
            if not self._complaint_breached:
                found.append((due, "breach:complaint"))
        return found

    async def _watch_work(self) -> None:
        while True:
            deadlines = self._deadlines()
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
        version = self._work_version
        return lambda: self._work_version != version

    async def _act_on_due(self) -> None:
        """Act on every deadline that has passed, earliest first; each action changes
        state (a flag, a status), so the list is recomputed after every one."""
        while True:
            now = workflow.now()
            due = [d for d in self._deadlines() if d[0] <= now]
            if not due:
                return
            await self._act(min(due)[1])

    async def _act(self, action: str) -> None:
        if action == "remind":
            self._reminded = True
            self._work_version += 1
            await self._letter("waiting_reminder")
        elif action == "auto_close":
            await self._change("closed", self._assignee, "auto_closed")
        elif action.startswith(("warn:", "breach:")):
            level, clock = action.split(":", 1)
            await self._flag(clock, "warning" if level == "warn" else "breached")

    async def _flag(self, clock: str, level: str) -> None:
        if clock == "complaint":
            if level == "warning":
                self._complaint_warned = True
            else:
                self._complaint_breached = True
        else:
            target = self._clocks[clock]
            if level == "warning":
                target.warned = True
            else:
                target.breached = True
        if level == "breached":
            self._priority += self._plan.raise_priority_on_breach
        self._work_version += 1
        signal = SlaSignalInput(self._inp.contact_id, clock, level, self._work_projection())
        async with self._lock:
            await workflow.execute_local_activity_method(
                WorkActivityApi.sla_signal, signal, **WORK_ACTIVITY
            )

    async def _letter(self, template: str) -> None:
        """A letter to the customer (reminder, complaint extension), sent by the main loop."""
        made: CustomerLetterResult = await workflow.execute_local_activity_method(
            WorkActivityApi.make_customer_letter,
            CustomerLetterInput(self._inp.contact_id, template),
            **WORK_ACTIVITY,
        )
        if made.message_id is not None:
            self._outbound.append(made.message_id)

    # --- checks the contact's own validators call ------------------------------------

    def _refuse_wrong_line(self, lines: list[int]) -> None:
        if lines and self._line not in lines:
            raise ApplicationError(
                "This contact is on another line's task list.", type="NotOnYourLine"
            )

    def _refuse_reply_on_this_line(self) -> None:
        if self._queue == COMPLAINTS_QUEUE:
            return  # complaints handlers answer the customer themselves
        if self._line not in self._plan.direct_reply_lines:
            raise ApplicationError(
                "On this line the answer goes back to the line before, not to the customer.",
                type="NoDirectReply",
            )

    # --- updates: lines and escalation -----------------------------------------------

    @workflow.update(name="escalate")
    async def escalate(self, req: EscalateRequest) -> DecisionResult:
        self._refuse_escalation(req)
        self._hops.append([self._line, self._assignee, self._queue])
        from_line = self._line
        self._line, self._queue = req.to_line, req.queue
        self._start_line_clock(req.to_line)
        await self._change(
            "new",
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
        return DecisionResult(self._status, self._assignee)

    async def _auto_assign_on_line(self) -> None:
        """A contact that landed on a 2nd/3rd line list with nobody holding it: the
        list's automatic assignment (when that product x line has one) picks someone
        signed in and accredited for the line. Under the projection lock, so a claim
        racing it is written after the pick and wins (checked again below)."""
        if self._line == FIRST_LINE or self._assignee is not None or self._status != "new":
            return
        line, queue = self._line, self._queue
        async with self._lock:
            picked: LineAssignResult = await workflow.execute_local_activity_method(
                WorkActivityApi.auto_assign_line,
                LineAssignInput(self._inp.contact_id, line, queue),
                **WORK_ACTIVITY,
            )
        moved = (self._line, self._queue) != (line, queue)
        if picked.user_id is None or moved or self._assignee is not None or self._status != "new":
            return  # nobody to give it to, or a person decided in the meantime
        await self._change(
            "open",
            picked.user_id,
            "auto_assigned",
            detail={"to_user_id": picked.user_id, "line": line, "queue": queue},
        )

    @escalate.validator
    def _validate_escalate(self, req: EscalateRequest) -> None:
        self._refuse_escalation(req)

    def _refuse_escalation(self, req: EscalateRequest) -> None:
        self._require_holder(req.user_id)
        if req.to_line not in LINES or req.to_line <= self._line:
            raise ApplicationError(
                "Escalate to a higher line (2nd or 3rd).", type="InvalidEscalation"
            )

    def _start_line_clock(self, line: int) -> None:
        minutes = self._plan.for_line(line).resolution_minutes
        self._clocks.pop(LINE_ANSWER, None)
        if line > FIRST_LINE and minutes > 0:
            clock = SlaClock(LINE_ANSWER, minutes, self._plan.warn_share)
            clock.start(workflow.now())
            self._clocks[LINE_ANSWER] = clock

    @workflow.update(name="answer_escalation")
    async def answer_escalation(self, req: AnswerRequest) -> DecisionResult:
        self._refuse_answer(req)
        back_line, back_assignee, back_queue = self._hops.pop()
        while req.to_line and back_line != req.to_line:  # skipping a line on the way back
            back_line, back_assignee, back_queue = self._hops.pop()
        from_line = self._line
        self._line, self._queue = back_line, back_queue
        self._start_line_clock(back_line)
        await self._change(
            "open" if back_assignee else "new",
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
        return DecisionResult(self._status, self._assignee)

    @answer_escalation.validator
    def _validate_answer(self, req: AnswerRequest) -> None:
        self._refuse_answer(req)

    def _refuse_answer(self, req: AnswerRequest) -> None:
        self._require_holder(req.user_id)
        if not self._hops:
            raise ApplicationError("This contact was not escalated.", type="NotEscalated")
        if req.to_line and req.to_line not in [hop[0] for hop in self._hops]:
            raise ApplicationError(
                "The contact never came from that line.", type="InvalidEscalation"
            )

    # --- updates: complaints ---------------------------------------------------------

    @workflow.update(name="mark_complaint")
    async def mark_complaint(self, req: ComplaintRequest) -> DecisionResult:
        self._refuse_complaint(req)
        received = self._plan.received_at or workflow.now().isoformat()
        due = datetime.fromisoformat(received) + timedelta(days=self._plan.complaint_term_days)
        self._complaint, self._complaint_due = True, due.isoformat()
        self._hops.append([self._line, self._assignee, self._queue])
        from_line = self._line
        self._line, self._queue = THIRD_LINE, COMPLAINTS_QUEUE
        self._clocks.pop(LINE_ANSWER, None)
        await self._change(
            "new",
            None,
            "complaint_marked",
            actor_id=req.user_id,
            detail={
                "from_line": from_line,
                "to_line": THIRD_LINE,
                "note_id": req.note_id,
                "due_at": self._complaint_due,
            },
        )
        await self._auto_assign_on_line()
        return DecisionResult(self._status, self._assignee)

    @mark_complaint.validator
    def _validate_complaint(self, req: ComplaintRequest) -> None:
        self._refuse_complaint(req)

    def _refuse_complaint(self, req: ComplaintRequest) -> None:
        self._require_holder(req.user_id)
        if self._complaint:
            raise ApplicationError("This contact is already a complaint.", type="AlreadyComplaint")

    @workflow.update(name="extend_complaint")
    async def extend_complaint(self, req: ExtendComplaintRequest) -> DecisionResult:
        self._refuse_extension(req)
        due = datetime.fromisoformat(self._complaint_due)
        due += timedelta(days=self._plan.complaint_extension_days)
        self._complaint_due, self._complaint_extended = due.isoformat(), True
        self._complaint_warned = False
        await self._letter("complaint_extension")
        await self._change(
            self._status,
            self._assignee,
            "complaint_extended",
            actor_id=req.user_id,
            detail={"due_at": self._complaint_due},
        )
        return DecisionResult(self._status, self._assignee)

    @extend_complaint.validator
    def _validate_extension(self, req: ExtendComplaintRequest) -> None:
        self._refuse_extension(req)

    def _refuse_extension(self, req: ExtendComplaintRequest) -> None:
        self._require_holder(req.user_id)
        if not self._complaint:
            raise ApplicationError("This contact is not a complaint.", type="NotComplaint")
        if self._complaint_extended:
            raise ApplicationError(
                "The complaint term can be extended only once.", type="AlreadyExtended"
            )
        if self._complaint_breached:
            raise ApplicationError(
                "The complaint term has passed; it can no longer be extended.",
                type="TermPassed",
            )

    # --- updates: priority -----------------------------------------------------------

    @workflow.update(name="set_priority")
    async def set_priority(self, req: PriorityRequest) -> DecisionResult:
        self._refuse_when_closed()
        self._priority = req.priority
        await self._change(
            self._status,
            self._assignee,
            "priority_set",
            actor_id=req.by_user_id,
            detail={"priority": req.priority},
        )
        return DecisionResult(self._status, self._assignee)

    @set_priority.validator
    def _validate_priority(self, req: PriorityRequest) -> None:
        self._refuse_when_closed()
        if not -5 <= req.priority <= 10:
            raise ApplicationError("Priority goes from -5 to 10.", type="InvalidPriority")

    # --- query -----------------------------------------------------------------------

    @workflow.query(name="work_state")
    def work_state(self) -> WorkState:
        return WorkState(
            line=self._line,
            queue=self._queue,
            hops=[[h[0], h[1] or 0] for h in self._hops],
            clocks={
                name: {
                    "target": c.target_minutes,
                    "used": c.used_at(workflow.now(), self._plan.calendar),
                    "running": c.running,
                    "warned": c.warned,
                    "breached": c.breached,
                    "stopped": c.stopped,
                }
                for name, c in self._clocks.items()
            },
            complaint=self._complaint,
            complaint_due_at=self._complaint_due,
            complaint_extended=self._complaint_extended,
            priority=self._priority,
        )
