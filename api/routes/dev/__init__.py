"""Developer pages (only with ``settings.dev_tools``): the test mailbox and the
simulated telephone exchange."""

from fastapi import APIRouter

from api.routes.dev import mail, phone

api_router = APIRouter()
for _module in (mail, phone):
    api_router.include_router(_module.router)
