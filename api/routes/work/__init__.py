"""The line work: task lists and "next task", the line decisions, who holds and views
a contact, reply templates, callback requests and the trafficer's view."""

from fastapi import APIRouter

from api.routes.work import callbacks, decisions, junk, presence, tasks, templates, trafficer

api_router = APIRouter()
for _part in (tasks, decisions, presence, templates, callbacks, trafficer, junk):
    api_router.include_router(_part.router)
