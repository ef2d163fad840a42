"""Dev tools of the phone channel (settings.dev_tools only; 404 otherwise): "call in"
as a customer of a chosen product, and "pick up" / "hang up" as the ringing agent,
against the PBX simulator (devstack/pbx_simulator.py), so the whole phone flow can be
tried in a browser without an Asterisk."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from sqlmodel import col, select

from adapters.ami.client import AmiError
from api.deps import ContactReader, DbSession, dev_tools_enabled
from api.rendering import render
from api.routes.phone.agent import Ami
from db.models.contacts import Product, User
from db.models.phone import PhoneCall, PhoneLine

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/dev/phone",
    tags=["dev"],
    include_in_schema=False,
    dependencies=[Depends(dev_tools_enabled)],
)


async def _page(request: Request, viewer, session, message: str | None, error: str | None):
    lines = (
        await session.exec(
            select(Product, PhoneLine)
            .join(PhoneLine, PhoneLine.product_id == Product.id)
            .order_by(Product.code)
        )
    ).all()
    calls = (
        await session.exec(
            select(PhoneCall, User.username)
            .outerjoin(User, User.id == PhoneCall.agent_user_id)
            .where(col(PhoneCall.state).in_(("queued", "ringing", "connected")))
            .order_by(PhoneCall.joined_at)
        )
    ).all()
    return render(
        request,
        "dev/phone.html",
        viewer,
        lines=lines,
        calls=calls,
        message=message,
        error=error,
        status_code=502 if error else 200,
    )


@router.get("")
async def dev_phone(request: Request, viewer: ContactReader, session: DbSession):
    return await _page(request, viewer, session, None, None)


async def _send(ami, action: dict) -> tuple[str | None, str | None]:
    try:
        response = await ami.send(action, as_list=False)
    except AmiError as exc:
        return None, f"PBX simulator not reachable: {exc}"
    if response.get("Response") != "Success":
        return None, response.get("Message") or "refused"
    return response.get("Message") or "ok", None


@router.post("/call")
async def dev_call(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    ami: Ami,
    queue: Annotated[str, Form(max_length=80)],
    number: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=80)] = "",
):
    message, error = await _send(
        ami,
        {
            "Action": "PulseSimCall",
            "Queue": queue,
            "CallerIDNum": number,
            "CallerIDName": name or number,
        },
    )
    return await _page(request, viewer, session, message, error)


@router.post("/answer")
async def dev_answer(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    ami: Ami,
    linkedid: Annotated[str, Form(max_length=64)],
):
    message, error = await _send(ami, {"Action": "PulseSimAnswer", "Linkedid": linkedid})
    return await _page(request, viewer, session, message, error)


@router.post("/hangup")
async def dev_hangup(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    ami: Ami,
    linkedid: Annotated[str, Form(max_length=64)],
):
    message, error = await _send(ami, {"Action": "PulseSimHangup", "Linkedid": linkedid})
    return await _page(request, viewer, session, message, error)
