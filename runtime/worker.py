"""The one Temporal worker of PULSE: every workflow and every activity, built in
one place. ``worker.py`` runs it; tests and benchmarks build the same worker."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.worker import Worker

from activities.contacts import ContactActivities, all_activities
from activities.phone import PhoneActivities, phone_activities
from activities.records import RecordsActivities, records_activities
from activities.work import WorkActivities, all_work_activities
from config.settings import Settings
from workflows.contact.workflow import ContactWorkflow
from workflows.records import ArchiveContactWorkflow, DestructionListWorkflow

WORKFLOWS = [ContactWorkflow, ArchiveContactWorkflow, DestructionListWorkflow]


def activities_for(settings: Settings, sessionmaker) -> list:
    """Every activity, bound to the objects that hold its clients."""
    return (
        all_activities(ContactActivities(sessionmaker, settings))
        + all_work_activities(WorkActivities(sessionmaker, settings))
        + phone_activities(PhoneActivities(sessionmaker, settings))
        + records_activities(RecordsActivities(sessionmaker, settings))
    )


def build_worker(client: Client, settings: Settings, sessionmaker) -> Worker:
    return Worker(
        client,
        task_queue=settings.temporal_task_queue,
        workflows=WORKFLOWS,
        activities=activities_for(settings, sessionmaker),
        max_concurrent_activities=100,
        # Open contacts stay cached between their signals and updates (see the setting).
        max_cached_workflows=settings.worker_workflow_cache,
    )
