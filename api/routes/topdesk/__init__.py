"""TOPdesk incidents: the agent's form on a contact, the webhook a TOPdesk
automated action calls, and the admins' page (defaults per product, refused login)."""

from fastapi import APIRouter

from api.routes.topdesk import admin, incidents, webhook

api_router = APIRouter()
for _part in (incidents, webhook, admin):
    api_router.include_router(_part.router)
