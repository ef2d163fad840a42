"""Read models of the phone channel (the API's side): wallboard figures per product
queue and agents' phone states. Two queries for the whole wallboard."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.ami.events import member_state
from db.models.contacts import Product, User, utcnow
from db.models.phone import AgentPhoneState, PhoneCall, PhoneLine

LOCAL = ZoneInfo("Europe/Amsterdam")
WAITING = ("queued", "ringing")


def start_of_today() -> datetime:
    """Midnight in the Netherlands: "today" on the wallboard is a Dutch day."""
    return datetime.now(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)


RINGING = 6  # AMI device state: the agent's phone rings


@dataclass
class QueueFigures:
    product_id: int
    product_code: str
    product_name: str
    queue: str
    waiting: int = 0
    longest_wait_s: int = 0
    available: int = 0
    on_call: int = 0
    ringing: int = 0  # an agent's phone rings for a call: neither free nor on a call
    paused: int = 0
    answered: int = 0
    answered_in_time: int = 0
    abandoned: int = 0

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned

    @property
    def service_level_pct(self) -> int | None:
        """Answered within the threshold, of all calls offered today (answered + abandoned)."""
        offered = self.answered + self.abandoned
        return round(100 * self.answered_in_time / offered) if offered else None

    def to_json(self) -> dict:
        level = self.service_level_pct
        return {**asdict(self), "offered": self.offered, "service_level_pct": level}


async def wallboard(
    s: AsyncSession, product_ids: list[int] | tuple[int, ...], since: datetime, level_s: int
) -> list[QueueFigures]:
    lines = (
        await s.execute(
            select(Product.id, Product.code, Product.name, PhoneLine.queue)
            .join(PhoneLine, PhoneLine.product_id == Product.id)
            .where(Product.id.in_(product_ids))
            .order_by(Product.code)
        )
    ).all()
    figures = {r.id: QueueFigures(r.id, r.code, r.name, r.queue) for r in lines}
    if not figures:
        return []
    now = utcnow()
    answered = PhoneCall.answered_at.is_not(None)
    rows = (
        await s.execute(
            select(
                PhoneCall.product_id,
                func.count().filter(PhoneCall.state.in_(WAITING)),
                func.min(PhoneCall.joined_at).filter(PhoneCall.state.in_(WAITING)),
                func.count().filter(answered, PhoneCall.joined_at >= since),
                func.count().filter(
                    answered,
                    PhoneCall.joined_at >= since,
                    func.coalesce(PhoneCall.hold_seconds, level_s + 1) <= level_s,
                ),
                func.count().filter(
                    PhoneCall.answered_at.is_(None),
                    PhoneCall.ended_at.is_not(None),
                    PhoneCall.joined_at >= since,
                ),
            )
            .where(
                PhoneCall.product_id.in_(list(figures)),
                (PhoneCall.joined_at >= since) | PhoneCall.state.in_(WAITING),
            )
            .group_by(PhoneCall.product_id)
        )
    ).all()
    for pid, waiting, oldest, n_answered, in_time, abandoned in rows:
        f = figures[pid]
        f.waiting, f.answered, f.answered_in_time, f.abandoned = (
            waiting,
            n_answered,
            in_time,
            abandoned,
        )
        f.longest_wait_s = int((now - oldest).total_seconds()) if oldest else 0
    busy = AgentPhoneState.status.in_((2, 3, 7))  # in use, busy, ringing while in use
    ringing = AgentPhoneState.status == RINGING
    agents = (
        await s.execute(
            select(
                AgentPhoneState.product_id,
                func.count().filter(AgentPhoneState.paused),
                func.count().filter(~AgentPhoneState.paused, busy),
                func.count().filter(~AgentPhoneState.paused, ringing),
                func.count().filter(~AgentPhoneState.paused, AgentPhoneState.status.in_((0, 1))),
            )
            .where(AgentPhoneState.signed_in, AgentPhoneState.product_id.in_(list(figures)))
            .group_by(AgentPhoneState.product_id)
        )
    ).all()
    for pid, paused, on_call, rings, available in agents:
        f = figures[pid]
        f.paused, f.on_call, f.ringing, f.available = paused, on_call, rings, available
    return list(figures.values())


def _state(status: int, paused: bool) -> str:
    """As the queue figures count it: a ringing phone is "ringing", not "on a call"."""
    return "ringing" if status == RINGING and not paused else member_state(status, paused)


@dataclass
class AgentView:
    user_id: int
    full_name: str
    queue: str
    product_id: int | None
    state: str  # available / busy / paused / unavailable / signed_out
    pause_reason: str
    updated_at: datetime


async def agent_states(
    s: AsyncSession, product_ids: list[int] | tuple[int, ...], user_id: int | None = None
) -> list[AgentView]:
    """Phone states in the given products (one user's when ``user_id`` is given)."""
    query = (
        select(AgentPhoneState, User.full_name)
        .join(User, User.id == AgentPhoneState.user_id)
        .where(AgentPhoneState.product_id.in_(product_ids))
        .order_by(User.full_name, AgentPhoneState.queue)
    )
    if user_id is not None:
        query = query.where(AgentPhoneState.user_id == user_id)
    rows = (await s.execute(query)).all()
    return [
        AgentView(
            row.user_id,
            name,
            row.queue,
            row.product_id,
            _state(row.status, row.paused) if row.signed_in else "signed_out",
            row.pause_reason,
            row.updated_at,
        )
        for row, name in rows
    ]
