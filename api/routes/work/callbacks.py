"""Manual callback requests (terugbelverzoek), registered by any agent.

The route parses and checks access; services/work/callbacks.py opens the contact."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.deps import ContactWorker, DbSession, SettingsDep, TemporalClient, client_ip
from api.validation import IntId
from services.access import Viewer
from services.work.callbacks import CallbackInvalid, CallbackRequest, register_callback

router = APIRouter(tags=["work"])


class CallbackIn(BaseModel):
    product_id: IntId
    phone: str = Field(min_length=6, max_length=32)
    note: str = Field(default="", max_length=5_000)
    customer_id: IntId | None = None


class CallbackOut(BaseModel):
    reference: str


async def _register(request: Request, viewer: Viewer, session, settings, client, body) -> str:
    """The new contact's reference; 404 for a product the viewer may not see."""
    if not viewer.may_see_product(body.product_id):
        raise HTTPException(404, "No such product.")
    wanted = CallbackRequest(body.product_id, body.phone, body.note, body.customer_id)
    try:
        return await register_callback(
            session, settings, client, viewer, wanted, client_ip(request)
        )
    except CallbackInvalid as exc:
        raise HTTPException(422, str(exc)) from exc


@router.post("/api/work/callbacks", response_model=CallbackOut, status_code=201)
async def api_register_callback(
    body: CallbackIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
):
    """Register a callback request for a product (a task of kind "callback")."""
    reference = await _register(request, viewer, session, settings, client, body)
    return CallbackOut(reference=reference)


@router.post("/work/callbacks", include_in_schema=False)
async def register_callback_form(
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
    product_id: Annotated[IntId, Form()],
    phone: Annotated[str, Form(min_length=6, max_length=32)],
    note: Annotated[str, Form(max_length=5_000)] = "",
):
    body = CallbackIn(product_id=product_id, phone=phone, note=note)
    reference = await _register(request, viewer, session, settings, client, body)
    return RedirectResponse(f"/contacts/{reference}", status_code=303)
