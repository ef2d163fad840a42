"""Stand-ins for every activity the PULSE workflows call, registered under the real
activity names and taking and returning the real contracts dataclasses.

No database, no SMTP, no AMI, no DMS: each stub answers what the real activity
would answer in the scenario at hand (``StubConfig``) and records the call, with the
ID of the workflow that made it, so a test asserts on the workflow's decisions:
which activities it called, in which order, with which arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from temporalio import activity

from contracts.contact import (
    OpenContactInput,
    OpenContactResult,
    ProjectionResult,
    ProjectionUpdate,
    SendMessageInput,
    SendMessageResult,
)
from contracts.line_state import PushLineStatesInput, PushLineStatesResult
from contracts.phone import OriginateInput, OriginateResult, RecordCallInput, RecordCallResult
from contracts.records import (
    ArchiveResult,
    CertificateInput,
    CertificateResult,
    CollectInput,
    CollectResult,
    DecisionRecord,
    DestroyInput,
    DestroyResult,
    PendingResult,
    RecordRef,
)
from contracts.reports import WeeklyReportInput, WeeklyReportResult
from contracts.signals import SignalScanInput, SignalScanResult
from contracts.survey import SurveyInput, SurveyMail, SurveyPlan
from contracts.topdesk import PollResult
from contracts.work import (
    CustomerLetterInput,
    CustomerLetterResult,
    LineAssignInput,
    LineAssignResult,
    LineTargets,
    SlaSignalInput,
    WorkCalendar,
    WorkPlan,
)
from tests.workflows.topdesk_stubs import TopdeskStubs

# Office open around the clock in UTC: the SLA arithmetic of a scenario does not
# depend on the weekday or hour the test server's clock happens to start at.
ALWAYS_OPEN = WorkCalendar(tz="UTC", open_minute=0, close_minute=24 * 60, workdays=list(range(7)))

# The acknowledgement open_contact reserves for a first message: ACK_OFFSET + its id.
ACK_OFFSET = 9000


def default_plan() -> WorkPlan:
    """The plan of a product without SLA policies of its own (activities/work.py):
    40 working hours to a first response on line 1, 16 and 40 hours to an answer
    on lines 2 and 3."""
    return WorkPlan(
        calendar=ALWAYS_OPEN,
        targets=[
            LineTargets(1, 40 * 60, 0),
            LineTargets(2, 0, 16 * 60),
            LineTargets(3, 0, 40 * 60),
        ],
    )


@dataclass
class StubConfig:
    """What the outside world answers in one scenario."""

    plan: WorkPlan = field(default_factory=default_plan)
    line_assignees: dict[int, int] = field(default_factory=dict)  # line -> auto-assigned user
    letter_ids: dict[str, int] = field(default_factory=dict)  # template -> new message id
    callback_outcome: str = "answered"
    archive_failures: int = 0  # DMS outages before archive_contact succeeds
    collected: list[int] = field(default_factory=list)  # records on the destruction list
    not_destroyable: dict[int, str] = field(default_factory=dict)  # record id -> why not
    report_mail_failures: int = 0  # mail server outages before the weekly report goes out
    topdesk_refusals: int = 0  # create attempts whose login TOPdesk refuses
    topdesk_polls: list[PollResult] = field(default_factory=lambda: [PollResult("Completed", True)])
    # the survey after a closing: none unless a scenario turns it on
    survey_plan: SurveyPlan = field(default_factory=lambda: SurveyPlan(why_not="disabled"))
    survey_mail: SurveyMail = field(default_factory=lambda: SurveyMail(why_not="reopened"))
    scan_failures: int = 0  # database outages before the signal scan gets through


@dataclass
class Call:
    name: str
    arg: Any
    workflow_id: str


class Stubs(TopdeskStubs):
    """The activities of one scenario; ``calls`` in the order they were made."""

    LIST_ID = 77
    CERTIFICATE_ID = 501
    RECORD_OFFSET = 3000  # the contact record of contact N: RECORD_OFFSET + N

    def __init__(self, config: StubConfig | None = None) -> None:
        self.config = config or StubConfig()
        self.calls: list[Call] = []
        self._archive_attempts = 0
        self._report_attempts = 0
        self._scan_attempts = 0

    def _record(self, name: str, arg: Any) -> None:
        self.calls.append(Call(name, arg, activity.info().workflow_id or ""))

    def of(self, workflow_id: str, name: str | None = None) -> list[Call]:
        """The calls one workflow made (of one activity, when ``name`` is given)."""
        return [
            c
            for c in self.calls
            if c.workflow_id == workflow_id and (name is None or c.name == name)
        ]

    def args(self, workflow_id: str, name: str) -> list[Any]:
        return [c.arg for c in self.of(workflow_id, name)]

    def activities(self) -> list:
        return [
            self.open_contact,
            self.update_projection,
            self.send_message,
            self.sla_signal,
            self.make_customer_letter,
            self.auto_assign_line,
            self.record_call,
            self.originate_callback,
            self.mark_archiving_pending,
            self.archive_contact,
            self.collect_destruction_list,
            self.record_destruction_decision,
            self.destroy_record,
            self.issue_destruction_certificate,
            self.mail_weekly_report,
            *self.topdesk_activities(),
            self.plan_survey,
            self.prepare_survey_mail,
            self.push_line_states,
            self.scan_signals,
        ]

    def _plan(self, received_at: str) -> WorkPlan:
        return replace(self.config.plan, received_at=received_at)

    # --- contacts -------------------------------------------------------------------

    @activity.defn(name="open_contact")
    async def open_contact(self, inp: OpenContactInput) -> OpenContactResult:
        self._record("open_contact", inp)
        ack = ACK_OFFSET + inp.message_id if inp.message_id is not None else None
        plan = self._plan(inp.received_at) if inp.plan_work else None
        return OpenContactResult(ack_message_id=ack, plan=plan)

    @activity.defn(name="update_projection")
    async def update_projection(self, upd: ProjectionUpdate) -> ProjectionResult:
        self._record("update_projection", upd)
        return ProjectionResult()

    @activity.defn(name="send_message")
    async def send_message(self, inp: SendMessageInput) -> SendMessageResult:
        self._record("send_message", inp)
        return SendMessageResult(inp.message_id, "sent")

    # --- work -------------------------------------------------------------------------

    @activity.defn(name="sla_signal")
    async def sla_signal(self, inp: SlaSignalInput) -> None:
        self._record("sla_signal", inp)

    @activity.defn(name="make_customer_letter")
    async def make_customer_letter(self, inp: CustomerLetterInput) -> CustomerLetterResult:
        self._record("make_customer_letter", inp)
        return CustomerLetterResult(self.config.letter_ids.get(inp.template))

    @activity.defn(name="auto_assign_line")
    async def auto_assign_line(self, inp: LineAssignInput) -> LineAssignResult:
        self._record("auto_assign_line", inp)
        return LineAssignResult(self.config.line_assignees.get(inp.line))

    # --- phone ------------------------------------------------------------------------

    @activity.defn(name="record_call")
    async def record_call(self, inp: RecordCallInput) -> RecordCallResult:
        self._record("record_call", inp)
        return RecordCallResult()

    @activity.defn(name="originate_callback")
    async def originate_callback(self, inp: OriginateInput) -> OriginateResult:
        self._record("originate_callback", inp)
        return OriginateResult(self.config.callback_outcome)

    # --- phone lines' open/closed state -------------------------------------------------

    @activity.defn(name="push_line_states")
    async def push_line_states(self, inp: PushLineStatesInput) -> PushLineStatesResult:
        self._record("push_line_states", inp)
        return PushLineStatesResult(lines=6, open=False, closing_day=inp.at[:10])

    # --- records ----------------------------------------------------------------------

    @activity.defn(name="mark_archiving_pending")
    async def mark_archiving_pending(self, ref: RecordRef) -> PendingResult:
        self._record("mark_archiving_pending", ref)
        return PendingResult(self.RECORD_OFFSET + ref.contact_id)

    @activity.defn(name="archive_contact")
    async def archive_contact(self, ref: RecordRef) -> ArchiveResult:
        self._record("archive_contact", ref)
        self._archive_attempts += 1
        if self._archive_attempts <= self.config.archive_failures:
            raise RuntimeError("DMS unavailable")
        # record_id 0: the record was made by mark_archiving_pending, not by this upload
        return ArchiveResult(record_id=0, status="archived", documents=2)

    @activity.defn(name="collect_destruction_list")
    async def collect_destruction_list(self, inp: CollectInput) -> CollectResult:
        self._record("collect_destruction_list", inp)
        return CollectResult(self.LIST_ID, list(self.config.collected))

    @activity.defn(name="record_destruction_decision")
    async def record_destruction_decision(self, d: DecisionRecord) -> None:
        self._record("record_destruction_decision", d)

    @activity.defn(name="destroy_record")
    async def destroy_record(self, inp: DestroyInput) -> DestroyResult:
        self._record("destroy_record", inp)
        why_not = self.config.not_destroyable.get(inp.record_id, "")
        return DestroyResult(inp.record_id, destroyed=not why_not, why_not=why_not)

    @activity.defn(name="issue_destruction_certificate")
    async def issue_destruction_certificate(self, inp: CertificateInput) -> CertificateResult:
        self._record("issue_destruction_certificate", inp)
        return CertificateResult(self.CERTIFICATE_ID, "0" * 64)

    # --- reports ----------------------------------------------------------------------

    @activity.defn(name="mail_weekly_report")
    async def mail_weekly_report(self, inp: WeeklyReportInput) -> WeeklyReportResult:
        self._record("mail_weekly_report", inp)
        self._report_attempts += 1
        if self._report_attempts <= self.config.report_mail_failures:
            raise RuntimeError("mail server unavailable")
        return WeeklyReportResult(week_first="2026-03-02", sent=2)

    # --- survey -----------------------------------------------------------------------

    @activity.defn(name="plan_survey")
    async def plan_survey(self, inp: SurveyInput) -> SurveyPlan:
        self._record("plan_survey", inp)
        return self.config.survey_plan

    @activity.defn(name="prepare_survey_mail")
    async def prepare_survey_mail(self, inp: SurveyInput) -> SurveyMail:
        self._record("prepare_survey_mail", inp)
        return self.config.survey_mail

    # --- signals ----------------------------------------------------------------------

    @activity.defn(name="scan_signals")
    async def scan_signals(self, inp: SignalScanInput) -> SignalScanResult:
        self._record("scan_signals", inp)
        self._scan_attempts += 1
        if self._scan_attempts <= self.config.scan_failures:
            raise RuntimeError("database unavailable")
        return SignalScanResult(day=inp.day, found=3, added=3)


def signatures(activities: list) -> dict[str, tuple]:
    """Each activity's name -> (argument types, result type), as Temporal sees them."""
    found = {}
    for fn in activities:
        defn = activity._Definition.must_from_callable(fn)
        found[defn.name] = (tuple(defn.arg_types or ()), defn.ret_type)
    return found
