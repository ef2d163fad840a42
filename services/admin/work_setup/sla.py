"""Work setup: SLA policies per product x channel x line (admins only).

Targets are stored in working minutes (0: no target); the form takes working
hours and minutes ("16:00", "1:30", "8"). The empty channel is the product's
default; a channel's own policy beats it (activities/work.py ``_targets``).
"""

from __future__ import annotations

import re

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.input_types import StrictInt
from contracts.work import LINES
from db.models.contacts import Channel
from db.models.work import SlaPolicy
from services.access import NotAccessible, Viewer
from services.admin.work_setup.common import (
    InvalidSetting,
    product_or_invalid,
    products,
    record_change,
)

CHANNELS = tuple(c.value for c in Channel)
MAX_MINUTES = 60 * 24 * 365  # a year of working minutes: anything above is a typo
WORKING_TIME = re.compile(r"^\s*(\d{1,6})(?:[:.](\d{1,2}))?\s*$")


class SlaPolicyIn(BaseModel):
    product_id: int
    channel: str = ""  # "": the product's default for every channel
    line: StrictInt = 1
    first_response_minutes: StrictInt = 0
    resolution_minutes: StrictInt = 0


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


async def policy_or_404(session: AsyncSession, policy_id: int) -> SlaPolicy:
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
    origin: str | None,
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
    policy = SlaPolicy() if policy_id is None else await policy_or_404(session, policy_id)
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
    await record_change(session, viewer, origin, action, "sla_policy", policy.id, detail)
    return SlaPolicyOut(**data.model_dump(), id=policy.id, product_code=product.code)


async def delete_policy(
    session: AsyncSession, viewer: Viewer, origin: str | None, policy_id: int
) -> None:
    policy = await policy_or_404(session, policy_id)
    before = policy.model_dump(exclude={"id"})
    await session.delete(policy)
    await record_change(
        session, viewer, origin, "sla_policy.delete", "sla_policy", policy_id, {"before": before}
    )


async def list_policies(session: AsyncSession) -> list[SlaPolicyOut]:
    codes = {p.id: p.code for p in await products(session)}
    rows = (await session.exec(select(SlaPolicy))).all()
    out = [SlaPolicyOut(**r.model_dump(), product_code=codes.get(r.product_id, "")) for r in rows]
    return sorted(out, key=lambda p: (p.product_code, p.line, p.channel))
