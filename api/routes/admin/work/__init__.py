"""Work setup for admins: the overview, SLA policies, the office calendar, product
work settings and queues, reply templates."""

from fastapi import APIRouter

from api.routes.admin.work import calendar, products, setup, sla, templates

api_router = APIRouter()
for _module in (setup, sla, calendar, products, templates):
    api_router.include_router(_module.router)
