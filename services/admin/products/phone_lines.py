"""A product's phone line: inbound number, Asterisk queue, IVR prompt names, the
callback option and the "answered within" target. One line per product (the
``phone_lines`` table is what asterisk/ is generated from: services/phone/asterisk_config.py).
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.phone import PhoneLine
from services.access import Viewer
from services.admin.products import validation as check
from services.admin.work_setup.common import product_or_404, record_change

FIELDS = (
    "inbound_number",
    "queue",
    "welcome_prompt",
    "closed_prompt",
    "callback_enabled",
    "answer_within_seconds",
)


class PhoneLineIn(BaseModel):
    inbound_number: str
    queue: str
    welcome_prompt: str = ""  # empty: pulse/<product>/welcome
    closed_prompt: str = ""  # empty: pulse/<product>/closed
    callback_enabled: bool = True
    answer_within_seconds: int | None = None  # empty: the wallboard's global target


class PhoneLineOut(PhoneLineIn):
    product_id: int
    product_code: str
    exists: bool = True  # False: the product has no line yet (these are suggestions)


def _out(line: PhoneLine, code: str, exists: bool = True) -> PhoneLineOut:
    values = {name: getattr(line, name) for name in FIELDS}
    return PhoneLineOut(product_id=line.product_id, product_code=code, exists=exists, **values)


async def _line(session: AsyncSession, product_id: int) -> PhoneLine | None:
    query = select(PhoneLine).where(PhoneLine.product_id == product_id)
    return (await session.exec(query)).first()


async def get_line(session: AsyncSession, product_id: int) -> PhoneLineOut:
    product = await product_or_404(session, product_id)
    line = await _line(session, product_id)
    if line is None:
        blank = PhoneLine(product_id=product_id, queue=f"pulse-{product.code.lower()}")
        return _out(blank, product.code, exists=False)
    return _out(line, product.code)


async def _taken(session: AsyncSession, column, value: str, product_id: int) -> bool:
    query = (
        select(func.count())
        .select_from(PhoneLine)
        .where(column == value, PhoneLine.product_id != product_id)
    )
    return (await session.exec(query)).one() > 0


async def check_line(session: AsyncSession, data: PhoneLineIn, product_id: int) -> None:
    check.check_text(*(v for v in data.model_dump().values() if isinstance(v, str)))
    check.check_number(data.inbound_number)
    check.check_queue(data.queue)
    check.check_prompt(data.welcome_prompt)
    check.check_prompt(data.closed_prompt)
    check.check_answer_within(data.answer_within_seconds)
    if await _taken(session, PhoneLine.inbound_number, data.inbound_number, product_id):
        raise check.invalid("number_taken", number=data.inbound_number)
    if await _taken(session, PhoneLine.queue, data.queue, product_id):
        raise check.invalid("queue_taken", queue=data.queue)


def _cleaned(data: PhoneLineIn) -> PhoneLineIn:
    return data.model_copy(
        update={
            "inbound_number": data.inbound_number.replace(" ", "").strip(),
            "queue": data.queue.strip(),
            "welcome_prompt": data.welcome_prompt.strip(),
            "closed_prompt": data.closed_prompt.strip(),
        }
    )


async def save_line(
    session: AsyncSession, viewer: Viewer, origin: str | None, product_id: int, data: PhoneLineIn
) -> PhoneLineOut:
    """Create or change the product's line; only a real change is written and audited."""
    product = await product_or_404(session, product_id)
    data = _cleaned(data)
    await check_line(session, data, product_id)
    line = await _line(session, product_id)
    before = {name: getattr(line, name) for name in FIELDS} if line else None
    line = line or PhoneLine(product_id=product_id, queue=data.queue)
    for name in FIELDS:
        setattr(line, name, getattr(data, name))
    after = {name: getattr(line, name) for name in FIELDS}
    if before != after:
        session.add(line)
        action = "phone_line.update" if before else "phone_line.create"
        detail = {"before": before, "after": after}
        await record_change(session, viewer, origin, action, "product", product_id, detail)
    return _out(line, product.code)
