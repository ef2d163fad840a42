"""The routes of the line work, one router per seam for api/main.py: line task lists and "next task"
(work_tasks), the line decisions (work_decisions), who holds and views a contact
(work_presence), reply templates and signatures (work_templates), and callback
requests (work_callbacks). The names other modules use are re-exported here.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.routes.work import callbacks as work_callbacks
from api.routes.work import decisions as work_decisions
from api.routes.work import presence as work_presence
from api.routes.work import tasks as work_tasks
from api.routes.work import templates as work_templates
from api.routes.work.tasks import (  # noqa: F401  (re-exported)
    ACTIVE,
    WorkTask,
    _product_codes,
    claim_next,
    load_tasks,
    time_left,
    working_minutes_left,
)


def routers() -> list[APIRouter]:
    """The line work's routers, for api/main.py (one per seam, same URLs as before)."""
    return [
        part.router
        for part in (work_tasks, work_decisions, work_presence, work_templates, work_callbacks)
    ]
