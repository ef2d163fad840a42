"""Work setup: SLA policies per product x channel x line (admins only).

Targets are stored in working minutes (0: no target); the form takes working
hours and minutes ("16:00", "1:30", "8"). The empty channel is the product's
default; a channel's own policy beats it (activities/work.py ``_targets``).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import DbSession
from api.routes.admin.work.setup import (
    Admin,
    InvalidSetting,
    api_change,
    form_change,
    product_or_invalid,
    products,
    record_change,
    screen,
)
from db.models.contacts import Channel
from db.models.work import SlaPolicy
from services.access import NotAccessible, Viewer

router = APIRouter(tags=["work setup"])

CHANNELS = tuple(c.value for c in Channel)
LINES = (1, 2, 3)
MAX_MINUTES = 60 * 24 * 365  # a year of working minutes: anything above is a typo
WORKING_TIME = re.compile(r"^\s*(\d{1,6})(?:[:.](\d{1,2}))?\s*$")


class SlaPolicyIn(BaseModel):
    product_id: int
    channel: str = ""  # "": the product's default for every channel
    line: int = 1
    first_response_minutes: int = 0
    resolution_minutes: int = 0


class SlaPolicyOut(SlaPolicyIn):
    id: int
    product_code: str


def as_working_time(minutes: int) -> str:
    """600 -> "10:00" (working hours:minutes), as the form shows and takes it."""
    hours, rest = divmod(minutes, 60)
    return f"{hours}:{rest:02d}"


def parse_working_time(value: str) -> int:
    """ "16:00" / "1:30" / "8" (hours) -> working minutes; a clear error otherwise."""
    match = WORKING_TIME.match(value or "0")
    if match is None or int(match.group(2) or 0) >= 60:
        raise InvalidSetting(
            422,
            "work_admin.error.working_time",
            value=value,
        )
    return int(match.group(1)) * 60 + int(match.group(2) or 0)


def check_policy(data: SlaPolicyIn) -> None:
    if data.channel not in ("", *CHANNELS):
        raise InvalidSetting(
            422,
            "work_admin.error.channel",
            channel=data.channel,
            known=", ".join(CHANNELS),
        )
    if data.line not in LINES:
        raise InvalidSetting(422, "work_admin.error.line")
    for minutes in (data.first_response_minutes, data.resolution_minutes):
        if not 0 <= minutes <= MAX_MINUTES:
            raise InvalidSetting(
                422,
                "work_admin.error.target",
                max=MAX_MINUTES,
            )


async def _policy(session: AsyncSession, policy_id: int) -> SlaPolicy:
    policy = await session.get(SlaPolicy, policy_id)
    if policy is None:
        raise NotAccessible(f"sla policy {policy_id}")
    return policy


def _duplicate(code: str, data: SlaPolicyIn) -> InvalidSetting:
    return InvalidSetting(
        409,
        "work_admin.error.sla_duplicate",
        product=code,
        channel=data.channel or "default",
        line=data.line,
    )


async def save_policy(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    data: SlaPolicyIn,
    policy_id: int | None = None,
) -> SlaPolicyOut:
    product = await product_or_invalid(session, data.product_id)
    check_policy(data)
    clash = await session.scalar(
        select(SlaPolicy.id).where(
            SlaPolicy.product_id == data.product_id,
            SlaPolicy.channel == data.channel,
            SlaPolicy.line == data.line,
        )
    )
    if clash is not None and clash != policy_id:
        raise _duplicate(product.code, data)
    policy = SlaPolicy() if policy_id is None else await _policy(session, policy_id)
    before = None if policy_id is None else policy.model_dump(exclude={"id"})
    for key, value in data.model_dump().items():
        setattr(policy, key, value)
    session.add(policy)
    try:
        await session.flush()
    except IntegrityError:  # created at the same moment by another admin
        await session.rollback()
        raise _duplicate(product.code, data) from None
    action = "sla_policy.create" if policy_id is None else "sla_policy.update"
    detail = {"before": before, "after": data.model_dump()}
    await record_change(session, viewer, request, action, "sla_policy", policy.id, detail)
    return SlaPolicyOut(**data.model_dump(), id=policy.id, product_code=product.code)


async def delete_policy(
    session: AsyncSession, viewer: Viewer, request: Request, policy_id: int
) -> None:
    policy = await _policy(session, policy_id)
    before = policy.model_dump(exclude={"id"})
    await session.delete(policy)
    await record_change(
        session, viewer, request, "sla_policy.delete", "sla_policy", policy_id, {"before": before}
    )


async def list_policies(session: AsyncSession) -> list[SlaPolicyOut]:
    codes = {p.id: p.code for p in await products(session)}
    rows = (await session.exec(select(SlaPolicy))).all()
    out = [SlaPolicyOut(**r.model_dump(), product_code=codes.get(r.product_id, "")) for r in rows]
    return sorted(out, key=lambda p: (p.product_code, p.line, p.channel))


# --- pages ----------------------------------------------------------------------------


async def sla_page(
    request: Request,
    viewer: Viewer,
    session: AsyncSession,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return await screen(
        request,
        viewer,
        "admin/work/sla.html",
        status_code,
        error=error,
        policies=await list_policies(session),
        products=await products(session),
        channels=CHANNELS,
        lines=LINES,
        as_working_time=as_working_time,
    )


@router.get("/admin/work/sla", include_in_schema=False)
async def show_sla(request: Request, viewer: Admin, session: DbSession):
    return await sla_page(request, viewer, session)


def _form_policy(product_id: int, channel: str, line: int, first: str, resolution: str):
    return SlaPolicyIn(
        product_id=product_id,
        channel=channel.strip(),
        line=line,
        first_response_minutes=parse_working_time(first),
        resolution_minutes=parse_working_time(resolution),
    )


async def _from_form(session, viewer, request, form_values, policy_id=None):
    await save_policy(session, viewer, request, _form_policy(*form_values), policy_id)


@router.post("/admin/work/sla", include_in_schema=False)
async def create_sla_form(
    request: Request,
    viewer: Admin,
    session: DbSession,
    product_id: Annotated[int, Form()],
    line: Annotated[int, Form()],
    channel: Annotated[str, Form()] = "",
    first_response: Annotated[str, Form()] = "0",
    resolution: Annotated[str, Form()] = "0",
):
    values = (product_id, channel, line, first_response, resolution)
    change = _from_form(session, viewer, request, values)
    return await form_change(request, viewer, session, change, sla_page, "/admin/work/sla")


@router.post("/admin/work/sla/{policy_id}", include_in_schema=False)
async def update_sla_form(
    policy_id: int,
    request: Request,
    viewer: Admin,
    session: DbSession,
    line: Annotated[int, Form()],
    channel: Annotated[str, Form()] = "",
    first_response: Annotated[str, Form()] = "0",
    resolution: Annotated[str, Form()] = "0",
):
    product_id = (await _policy(session, policy_id)).product_id
    values = (product_id, channel, line, first_response, resolution)
    change = _from_form(session, viewer, request, values, policy_id)
    return await form_change(request, viewer, session, change, sla_page, "/admin/work/sla")


@router.post("/admin/work/sla/{policy_id}/delete", include_in_schema=False)
async def delete_sla_form(policy_id: int, request: Request, viewer: Admin, session: DbSession):
    change = delete_policy(session, viewer, request, policy_id)
    return await form_change(request, viewer, session, change, sla_page, "/admin/work/sla")


# --- JSON -----------------------------------------------------------------------------


@router.get("/api/admin/work/sla", response_model=list[SlaPolicyOut])
async def api_policies(viewer: Admin, session: DbSession):
    return await list_policies(session)


@router.post("/api/admin/work/sla", response_model=SlaPolicyOut, status_code=201)
async def api_create_policy(body: SlaPolicyIn, request: Request, viewer: Admin, session: DbSession):
    return await api_change(save_policy(session, viewer, request, body))


@router.put("/api/admin/work/sla/{policy_id}", response_model=SlaPolicyOut)
async def api_update_policy(
    policy_id: int, body: SlaPolicyIn, request: Request, viewer: Admin, session: DbSession
):
    return await api_change(save_policy(session, viewer, request, body, policy_id))


@router.delete("/api/admin/work/sla/{policy_id}", status_code=204)
async def api_delete_policy(policy_id: int, request: Request, viewer: Admin, session: DbSession):
    await api_change(delete_policy(session, viewer, request, policy_id))
    return Response(status_code=204)
