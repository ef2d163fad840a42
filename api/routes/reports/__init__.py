"""Management reports: the report pages, their JSON, CSV exports, and the admin switch
for agent-level figures."""

from fastapi import APIRouter

from api.routes.reports import pages

api_router = APIRouter()
api_router.include_router(pages.router)
