"""Activities of the records workflows: a closed contact's record to the DMS
(archive.py, documents.py); the destruction list, its execution and certificate
(destruction.py, purge.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from activities.records.archive import ArchiveActivities
from activities.records.destruction import DestructionActivities
from adapters.dms import Dms, make_dms

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import async_sessionmaker
    from sqlmodel.ext.asyncio.session import AsyncSession

    from config.settings import Settings


class RecordsActivities:
    """Both parts on one DMS client."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        dms: Dms | None = None,
    ) -> None:
        self.dms = dms or make_dms(settings)
        self.archive = ArchiveActivities(sessionmaker, settings, self.dms)
        self.destruction = DestructionActivities(sessionmaker, self.dms)


def records_activities(acts: RecordsActivities) -> list:
    return [
        acts.archive.mark_archiving_pending,
        acts.archive.archive_contact,
        acts.destruction.collect_destruction_list,
        acts.destruction.record_destruction_decision,
        acts.destruction.destroy_record,
        acts.destruction.issue_destruction_certificate,
    ]
