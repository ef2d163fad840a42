"""The activities workflows call, as typed interfaces (the Temporal samples' way).

Workflows may not import activities/ (it does I/O), yet want typed calls:
``workflow.execute_local_activity_method(ContactActivityApi.update_projection, upd)``
takes the activity's name and result type from these declarations. The real
implementations in activities/ register under the same names with the same
types (tests/test_activity_interfaces.py holds the two together).

No ``from __future__ import annotations``: ``activity.defn`` reads the types once,
here, when the workflow sandbox passes this module through.
"""

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
from contracts.topdesk import CreatedIncident, IncidentRef, PollResult, TroubleInput
from contracts.work import (
    CustomerLetterInput,
    CustomerLetterResult,
    LineAssignInput,
    LineAssignResult,
    SlaSignalInput,
)


def _declared_only() -> NotImplementedError:
    return NotImplementedError("an activity interface: the worker runs activities/")


class ContactActivityApi:
    """The contact projection and outgoing mail (activities/contacts.py)."""

    @activity.defn(name="open_contact")
    async def open_contact(self, inp: OpenContactInput) -> OpenContactResult:
        raise _declared_only()

    @activity.defn(name="update_projection")
    async def update_projection(self, upd: ProjectionUpdate) -> ProjectionResult:
        raise _declared_only()

    @activity.defn(name="send_message")
    async def send_message(self, inp: SendMessageInput) -> SendMessageResult:
        raise _declared_only()


class WorkActivityApi:
    """Work plans, SLA flags, customer letters, line assignment (activities/work.py)."""

    @activity.defn(name="sla_signal")
    async def sla_signal(self, inp: SlaSignalInput) -> None:
        raise _declared_only()

    @activity.defn(name="make_customer_letter")
    async def make_customer_letter(self, inp: CustomerLetterInput) -> CustomerLetterResult:
        raise _declared_only()

    @activity.defn(name="auto_assign_line")
    async def auto_assign_line(self, inp: LineAssignInput) -> LineAssignResult:
        raise _declared_only()


class PhoneActivityApi:
    """A call's projection and callbacks through Asterisk (activities/phone.py)."""

    @activity.defn(name="record_call")
    async def record_call(self, inp: RecordCallInput) -> RecordCallResult:
        raise _declared_only()

    @activity.defn(name="originate_callback")
    async def originate_callback(self, inp: OriginateInput) -> OriginateResult:
        raise _declared_only()


class RecordsActivityApi:
    """Archiving to the DMS and the destruction list (activities/records/)."""

    @activity.defn(name="mark_archiving_pending")
    async def mark_archiving_pending(self, ref: RecordRef) -> PendingResult:
        raise _declared_only()

    @activity.defn(name="archive_contact")
    async def archive_contact(self, ref: RecordRef) -> ArchiveResult:
        raise _declared_only()

    @activity.defn(name="collect_destruction_list")
    async def collect_destruction_list(self, inp: CollectInput) -> CollectResult:
        raise _declared_only()

    @activity.defn(name="record_destruction_decision")
    async def record_destruction_decision(self, d: DecisionRecord) -> None:
        raise _declared_only()

    @activity.defn(name="destroy_record")
    async def destroy_record(self, inp: DestroyInput) -> DestroyResult:
        raise _declared_only()

    @activity.defn(name="issue_destruction_certificate")
    async def issue_destruction_certificate(self, inp: CertificateInput) -> CertificateResult:
        raise _declared_only()


class ReportActivityApi:
    """The weekly management report by mail (activities/reports.py)."""

    @activity.defn(name="mail_weekly_report")
    async def mail_weekly_report(self, inp: WeeklyReportInput) -> WeeklyReportResult:
        raise _declared_only()


class TopdeskActivityApi:
    """A contact's TOPdesk incident: make it, read it back, note trouble (activities/topdesk.py)."""

    @activity.defn(name="create_topdesk_incident")
    async def create_topdesk_incident(self, ref: IncidentRef) -> CreatedIncident:
        raise _declared_only()

    @activity.defn(name="poll_topdesk_incident")
    async def poll_topdesk_incident(self, ref: IncidentRef) -> PollResult:
        raise _declared_only()

    @activity.defn(name="note_topdesk_trouble")
    async def note_topdesk_trouble(self, inp: TroubleInput) -> None:
        raise _declared_only()


class SurveyActivityApi:
    """Whether a closing gets a survey, and its mail (activities/survey.py)."""

    @activity.defn(name="plan_survey")
    async def plan_survey(self, inp: SurveyInput) -> SurveyPlan:
        raise _declared_only()

    @activity.defn(name="prepare_survey_mail")
    async def prepare_survey_mail(self, inp: SurveyInput) -> SurveyMail:
        raise _declared_only()


class LineStateActivityApi:
    """The phone lines' open/closed state into Asterisk's AstDB (activities/line_state.py)."""

    @activity.defn(name="push_line_states")
    async def push_line_states(self, inp: PushLineStatesInput) -> PushLineStatesResult:
        raise _declared_only()


class SignalActivityApi:
    """The daily signal scan (activities/signals.py)."""

    @activity.defn(name="scan_signals")
    async def scan_signals(self, inp: SignalScanInput) -> SignalScanResult:
        raise _declared_only()


INTERFACES = (
    ContactActivityApi,
    WorkActivityApi,
    PhoneActivityApi,
    RecordsActivityApi,
    ReportActivityApi,
    TopdeskActivityApi,
    SurveyActivityApi,
    LineStateActivityApi,
    SignalActivityApi,
)
