"""Figures per agent in the period: contacts they closed, calls they answered and
their average handling time. Callers check ``scope.may_see_agent_figures`` first.

Pause time is not here: PULSE keeps only each agent's current phone state
(``agent_phone_states``), not a history of pauses.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.handling import CALL_HANDLING
from services.reports.scope import Scope
from services.reports.table import Table

_PER_AGENT = text(
    f"""
    WITH closed AS (
      SELECT e.actor_id AS user_id, COUNT(DISTINCT e.contact_id) AS n
      FROM contact_events e JOIN contacts c ON c.id = e.contact_id
      WHERE e.kind IN ('closed', 'wrapped_up') AND e.at >= :start AND e.at < :end
        AND e.actor_id IS NOT NULL AND c.product_id = ANY(:products)
        AND (CAST(:channel AS text) IS NULL OR c.channel = CAST(:channel AS text))
      GROUP BY e.actor_id
    ), calls AS (
      SELECT pc.agent_user_id AS user_id, COUNT(*) AS n,
             AVG({CALL_HANDLING}) FILTER (WHERE pc.talk_seconds IS NOT NULL) AS aht
      FROM phone_calls pc
      WHERE pc.answered_at >= :start AND pc.answered_at < :end
        AND pc.product_id = ANY(:products) AND pc.agent_user_id IS NOT NULL
        AND (CAST(:channel AS text) IS NULL OR CAST(:channel AS text) = 'phone')
      GROUP BY pc.agent_user_id
    )
    SELECT u.username, u.full_name, COALESCE(closed.n, 0) AS closed,
           COALESCE(calls.n, 0) AS calls, calls.aht
    FROM users u
    LEFT JOIN closed ON closed.user_id = u.id
    LEFT JOIN calls ON calls.user_id = u.id
    WHERE closed.n IS NOT NULL OR calls.n IS NOT NULL
    ORDER BY u.full_name, u.username
    """
)


async def per_agent(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_PER_AGENT, scope.params())).all()
    return Table(
        "reports.agents.title",
        ("reports.col.agent", "reports.col.closed", "reports.col.calls", "reports.col.aht"),
        [
            (r.full_name, r.closed, r.calls, None if r.aht is None else round(float(r.aht), 1))
            for r in rows
        ],
        chart="bars",
    )
