"""POST /topdesk/webhook: a TOPdesk automated action says an incident changed.

TOPdesk sends ``Authorization: Bearer <PULSE_TOPDESK_WEBHOOK_TOKEN>`` and a JSON
body naming the incident by ``number`` or ``id`` (the action's template:
``{"number": "{{incident.number}}"}``). The incident's workflow then reads it at
once instead of at its next poll. No token configured: the webhook is off (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request
from pydantic import BaseModel, Field, model_validator

from api.deps import DbSession, SettingsDep, temporal_client
from services.topdesk.incidents import poll_soon, webhook_token_ok

router = APIRouter(tags=["topdesk"])


class IncidentChanged(BaseModel):
    number: str = Field("", max_length=50)
    id: str = Field("", max_length=100)

    @model_validator(mode="after")
    def _names_one(self) -> IncidentChanged:
        if not (self.number or self.id):
            raise ValueError("name the incident by number or id")
        return self


class Accepted(BaseModel):
    status: str = "accepted"


@router.post(
    "/topdesk/webhook",
    status_code=202,
    responses={401: {"description": "wrong token"}, 404: {"description": "unknown incident"}},
)
async def incident_changed(
    body: IncidentChanged,
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    authorization: Annotated[str, Header(max_length=500)] = "",
) -> Accepted:
    if not settings.topdesk_webhook_token.get_secret_value():
        raise HTTPException(404, "The TOPdesk webhook is off.")
    if not webhook_token_ok(settings, authorization):
        raise HTTPException(401, "Wrong or missing webhook token.")
    client = await temporal_client(request)
    if not await poll_soon(session, client, body.number, body.id):
        raise HTTPException(404, "PULSE knows no such incident.")
    return Accepted()
