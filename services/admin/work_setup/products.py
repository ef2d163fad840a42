"""Work setup: per-product work settings (ProductWorkSettings) and automatic
assignment per product x line (QueueAutoAssign; no row = off)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.input_types import StrictInt
from contracts.work import LINES
from db.models.work import ProductWorkSettings, QueueAutoAssign
from services.access import Viewer
from services.admin.work_setup.common import (
    InvalidSetting,
    product_or_404,
    products,
    record_change,
)

MODES = ("off", "round_robin", "least_loaded")
MAX_PRIORITY_STEP = 10  # the trafficer's priority runs from -5 to 10
MAX_DAYS = 365


class ProductWorkSettingsIn(BaseModel):
    warn_share: float = 0.8  # warn when this share of a target is used (0 < share < 1)
    raise_priority_on_breach: StrictInt = 1  # 0: leave the priority as it is
    direct_reply_lines: list[StrictInt] = [1]  # lines that may reply to the customer themselves
    waiting_reminder_days: StrictInt = 5  # working days; 0: no reminder
    waiting_close_days: StrictInt = 10  # working days; 0: never closed automatically


class ProductWorkSettingsOut(ProductWorkSettingsIn):
    product_id: int
    product_code: str
    auto_assign: dict[int, str]  # line -> off / round_robin / least_loaded


class AutoAssignIn(BaseModel):
    mode: str


def _invalid(key: str, **params) -> InvalidSetting:
    return InvalidSetting(422, f"work_admin.error.{key}", **params)


def check_settings(data: ProductWorkSettingsIn) -> None:
    if not 0 < data.warn_share < 1:
        raise _invalid("warn_share")
    if not 0 <= data.raise_priority_on_breach <= MAX_PRIORITY_STEP:
        raise _invalid("raise_priority", max=MAX_PRIORITY_STEP)
    if 1 not in data.direct_reply_lines or any(x not in LINES for x in data.direct_reply_lines):
        raise _invalid("direct_reply")
    for days in (data.waiting_reminder_days, data.waiting_close_days):
        if not 0 <= days <= MAX_DAYS:
            raise _invalid("days", max=MAX_DAYS)
    if 0 < data.waiting_close_days <= data.waiting_reminder_days:
        raise _invalid(
            "close_after_reminder",
        )


async def _auto_assign(session: AsyncSession) -> dict[int, dict[int, str]]:
    modes: dict[int, dict[int, str]] = {}
    for row in (await session.exec(select(QueueAutoAssign))).all():
        modes.setdefault(row.product_id, {})[row.line] = row.mode
    return modes


async def list_settings(session: AsyncSession) -> list[ProductWorkSettingsOut]:
    stored = {s.product_id: s for s in (await session.exec(select(ProductWorkSettings))).all()}
    modes = await _auto_assign(session)
    out = []
    for product in await products(session):
        conf = stored.get(product.id) or ProductWorkSettings(product_id=product.id)
        out.append(
            ProductWorkSettingsOut(
                product_id=product.id,
                product_code=product.code,
                warn_share=conf.warn_share,
                raise_priority_on_breach=conf.raise_priority_on_breach,
                direct_reply_lines=[int(x) for x in conf.direct_reply_lines.split(",") if x],
                waiting_reminder_days=conf.waiting_reminder_days,
                waiting_close_days=conf.waiting_close_days,
                auto_assign={line: modes.get(product.id, {}).get(line, "off") for line in LINES},
            )
        )
    return out


async def _one(session: AsyncSession, product_id: int) -> ProductWorkSettingsOut:
    return next(s for s in await list_settings(session) if s.product_id == product_id)


async def save_settings(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    product_id: int,
    data: ProductWorkSettingsIn,
) -> ProductWorkSettingsOut:
    await product_or_404(session, product_id)
    check_settings(data)
    row = await session.get(ProductWorkSettings, product_id)
    before = row.model_dump(exclude={"product_id"}) if row else None
    row = row or ProductWorkSettings(product_id=product_id)
    row.warn_share = data.warn_share
    row.raise_priority_on_breach = data.raise_priority_on_breach
    row.direct_reply_lines = ",".join(str(x) for x in sorted(set(data.direct_reply_lines)))
    row.waiting_reminder_days = data.waiting_reminder_days
    row.waiting_close_days = data.waiting_close_days
    session.add(row)
    detail = {"before": before, "after": row.model_dump(exclude={"product_id"})}
    await record_change(
        session, viewer, origin, "product_settings.update", "product", product_id, detail
    )
    return await _one(session, product_id)


async def save_auto_assign(
    session: AsyncSession,
    viewer: Viewer,
    origin: str | None,
    product_id: int,
    modes: dict[int, str],
) -> ProductWorkSettingsOut:
    """Set the mode of one or more lines; "off" removes the row. Only real changes
    are written (and audited)."""
    await product_or_404(session, product_id)
    for line, mode in modes.items():
        if line not in LINES:
            raise _invalid("line")
        if mode not in MODES:
            raise _invalid("mode", mode=mode)
    changed = {}
    for line, mode in modes.items():
        row = await session.get(QueueAutoAssign, (product_id, line))
        before = row.mode if row else "off"
        if before == mode:
            continue
        if mode == "off":
            await session.delete(row)
        else:
            row = row or QueueAutoAssign(product_id=product_id, line=line)
            row.mode = mode
            session.add(row)
        changed[str(line)] = {"before": before, "after": mode}
    if changed:
        await record_change(
            session, viewer, origin, "auto_assign.update", "product", product_id, changed
        )
    return await _one(session, product_id)
