"""The one Temporal worker of PULSE: every workflow and every activity, built in
one place. ``worker.py`` runs it; tests and benchmarks build the same worker."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from activities.contacts import ContactActivities, all_activities
from activities.line_state import LineStateActivities, line_state_activities
from activities.phone import PhoneActivities, phone_activities
from activities.records import RecordsActivities, records_activities
from activities.reports import ReportActivities, report_activities
from activities.signals import SignalActivities, signal_activities
from activities.survey import SurveyActivities, survey_activities
from activities.topdesk import TopdeskActivities, topdesk_activities
from activities.work import WorkActivities, all_work_activities
from config.settings import Settings
from ui.i18n import translator
from workflows.contact.workflow import ContactWorkflow
from workflows.incident.workflow import IncidentWorkflow
from workflows.line_state import LineStateWorkflow
from workflows.records import ArchiveContactWorkflow, DestructionListWorkflow
from workflows.reports import WeeklyReportWorkflow
from workflows.signals import SignalScanWorkflow
from workflows.survey.workflow import SurveyWorkflow

WORKFLOWS = [
    ContactWorkflow,
    ArchiveContactWorkflow,
    DestructionListWorkflow,
    WeeklyReportWorkflow,
    IncidentWorkflow,
    SurveyWorkflow,
    LineStateWorkflow,
    SignalScanWorkflow,
]


def activities_for(settings: Settings, sessionmaker) -> list:
    """Every activity, bound to the objects that hold its clients."""
    return (
        all_activities(ContactActivities(sessionmaker, settings))
        + all_work_activities(WorkActivities(sessionmaker, settings))
        + phone_activities(PhoneActivities(sessionmaker, settings))
        + records_activities(RecordsActivities(sessionmaker, settings))
        + report_activities(ReportActivities(sessionmaker, settings, translator))
        + topdesk_activities(TopdeskActivities(sessionmaker, settings))
        + survey_activities(SurveyActivities(sessionmaker, settings))
        + line_state_activities(LineStateActivities(sessionmaker, settings))
        + signal_activities(SignalActivities(sessionmaker))
    )


def build_worker(client: Client, settings: Settings, sessionmaker) -> Worker:
    # A workflow task waits for its local activities, and they for a connection of
    # the pool (pool_size + max_overflow, db/session.py). A worker that takes more
    # workflow tasks than the pool can serve only holds them while their 10 s task
    # timeout runs: under a burst (1,000 breach timers, contacts opened 100 at a
    # time) they timed out and ran again from the start ("Workflow task not found"
    # by the thousand), so every contact cost several runs. Tasks beyond the pool
    # wait at the server instead, where no timeout runs.
    connections = 2 * settings.db_pool_size
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessionmaker),
        max_concurrent_activities=100,
        max_concurrent_workflow_tasks=connections,
        max_concurrent_local_activities=connections,
        # Open contacts stay cached between their signals and updates (see the setting).
        max_cached_workflows=settings.worker_workflow_cache,
    )
