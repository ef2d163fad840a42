"""Read models of the phone channel (the API's side): wallboard figures per product
queue and agents' phone states. Three queries for the whole wallboard."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product, User, utcnow
from db.models.phone import AgentPhoneState, PhoneCall, PhoneLine, PhoneOffer
from rules.device_state import AVAILABLE_STATES, BUSY_STATES, RINGING, member_state

LOCAL = ZoneInfo("Europe/Amsterdam")
WAITING = ("queued", "ringing")


def start_of_today() -> datetime:
    """Midnight in the Netherlands: "today" on the wallboard is a Dutch day."""
    return datetime.now(LOCAL).replace(hour=0, minute=0, second=0, microsecond=0)


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
    abandoned_in_time: int = 0
    not_queued: int = 0  # offered to the line but never in the queue (PhoneOffer)

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned

    @property
    def service_level_pct(self) -> int | None:
        """Asterisk's service level (QueueStatus ServicelevelPerf, ``queue show``
        "SL"): calls answered within the queue's servicelevel, of the calls
        answered. Abandoned calls do not count."""
        answered = self.answered
        return round(100 * self.answered_in_time / answered) if answered else None

    @property
    def service_level2_pct(self) -> int | None:
        """Asterisk's ServicelevelPerf2 ("SL2"): answered or abandoned within the
        service level, of all calls answered or abandoned."""
        offered = self.answered + self.abandoned
        in_time = self.answered_in_time + self.abandoned_in_time
        return round(100 * in_time / offered) if offered else None

    def to_json(self) -> dict:
        return {
            **asdict(self),
            "offered": self.offered,
            "service_level_pct": self.service_level_pct,
            "service_level2_pct": self.service_level2_pct,
        }


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
    abandoned = PhoneCall.answered_at.is_(None) & PhoneCall.ended_at.is_not(None)
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
                func.count().filter(abandoned, PhoneCall.joined_at >= since),
                func.count().filter(
                    abandoned,
                    PhoneCall.joined_at >= since,
                    func.coalesce(PhoneCall.hold_seconds, level_s + 1) <= level_s,
                ),
            )
            .where(
                PhoneCall.product_id.in_(list(figures)),
                (PhoneCall.joined_at >= since) | PhoneCall.state.in_(WAITING),
            )
            .group_by(PhoneCall.product_id)
        )
    ).all()
    for pid, waiting, oldest, n_answered, in_time, n_abandoned, abandoned_in_time in rows:
        f = figures[pid]
        f.waiting, f.answered, f.answered_in_time = waiting, n_answered, in_time
        f.abandoned, f.abandoned_in_time = n_abandoned, abandoned_in_time
        f.longest_wait_s = int((now - oldest).total_seconds()) if oldest else 0
    # a ringing phone is neither free nor on a call: the wallboard shows it apart
    busy = AgentPhoneState.status.in_(sorted(BUSY_STATES - {RINGING}))
    ringing = AgentPhoneState.status == RINGING
    free = AgentPhoneState.status.in_(sorted(AVAILABLE_STATES))
    agents = (
        await s.execute(
            select(
                AgentPhoneState.product_id,
                func.count().filter(AgentPhoneState.paused),
                func.count().filter(~AgentPhoneState.paused, busy),
                func.count().filter(~AgentPhoneState.paused, ringing),
                func.count().filter(~AgentPhoneState.paused, free),
            )
            .where(AgentPhoneState.signed_in, AgentPhoneState.product_id.in_(list(figures)))
            .group_by(AgentPhoneState.product_id)
        )
    ).all()
    never_queued = (
        await s.execute(
            select(PhoneOffer.product_id, func.count())
            .where(
                PhoneOffer.product_id.in_(list(figures)),
                PhoneOffer.offered_at >= since,
                ~exists().where(PhoneCall.linkedid == PhoneOffer.linkedid),
            )
            .group_by(PhoneOffer.product_id)
        )
    ).all()
    for pid, n in never_queued:
        figures[pid].not_queued = n
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
