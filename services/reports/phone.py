"""Phone service level per queue, from ``phone_calls`` (what the AMI bridge and the
call's workflow recorded).

The counts follow Asterisk's own queue accounting (queue_log), so they agree with
what a telephony engineer reads off Asterisk (tests/test_reports_asterisk.py):

- offered: calls that joined the queue in the period (ENTERQUEUE) — a callback
  chosen in the IVR before any queue was never offered to it; answered: an agent
  connected (CONNECT);
- abandoned: the caller hung up while queued (ABANDON) — not a caller who chose a
  callback with the exit key (EXITWITHKEY);
- answered within N s: N is the queue's ``answer_within_seconds`` or the global
  ``phone_service_level_s``; the service level is that count over the calls offered
  minus those abandoned within 5 s (a caller who hangs up at once was never served
  late), and the short abandons are shown apart;
- wait: Asterisk's hold time (joined until answered or until the caller left);
  ASA over the answered calls;
- callbacks requested: every caller who got a callback task (abandoned, or chose
  one in the IVR); done: answered.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.scope import Scope
from services.reports.table import Table, pct

SHORT_ABANDON_S = 5

_PER_QUEUE = text(
    """
    WITH c AS (
      SELECT pc.product_id, p.code, pc.queue,
             COALESCE(pl.answer_within_seconds, :default_n) AS n,
             pc.queued,
             pc.answered_at IS NOT NULL AS answered,
             pc.state = 'abandoned' AS gave_up,
             pc.state = 'abandoned' AND pc.queued AND pc.callback_requested_at IS NULL
               AS abandoned,
             -- Asterisk's own hold time where it gave one (whole seconds, as its
             -- queue_log counts), else measured from the events' times
             COALESCE(pc.hold_seconds,
                      EXTRACT(EPOCH FROM (COALESCE(pc.answered_at, pc.ended_at) - pc.joined_at)))
               AS wait_s,
             pc.callback_outcome
      FROM phone_calls pc
      JOIN products p ON p.id = pc.product_id
      LEFT JOIN phone_lines pl ON pl.queue = pc.queue
      WHERE pc.product_id = ANY(:products)
        AND pc.joined_at >= :start AND pc.joined_at < :end
    )
    SELECT code, queue, MAX(n) AS n,
           COUNT(*) FILTER (WHERE queued) AS offered,
           COUNT(*) FILTER (WHERE answered) AS answered,
           COUNT(*) FILTER (WHERE answered AND wait_s <= n) AS in_time,
           COUNT(*) FILTER (WHERE abandoned) AS abandoned,
           COUNT(*) FILTER (WHERE abandoned AND wait_s <= :short) AS short_abandoned,
           AVG(wait_s) FILTER (WHERE queued) AS avg_wait,
           MAX(wait_s) FILTER (WHERE queued) AS max_wait,
           AVG(wait_s) FILTER (WHERE answered) AS asa,
           COUNT(*) FILTER (WHERE gave_up) AS callbacks_requested,
           COUNT(*) FILTER (WHERE callback_outcome = 'answered') AS callbacks_done
    FROM c GROUP BY code, queue ORDER BY code, queue
    """
)

_PER_HOUR = text(
    """
    SELECT EXTRACT(HOUR FROM pc.joined_at AT TIME ZONE 'Europe/Amsterdam')::int AS hour,
           COUNT(*) FILTER (WHERE pc.queued) AS offered,
           COUNT(*) FILTER (WHERE pc.answered_at IS NOT NULL) AS answered
    FROM phone_calls pc
    WHERE pc.product_id = ANY(:products) AND pc.joined_at >= :start AND pc.joined_at < :end
    GROUP BY 1 ORDER BY 1
    """
)

COLUMNS = (
    "reports.col.product",
    "reports.col.queue",
    "reports.col.n_seconds",
    "reports.col.offered",
    "reports.col.answered",
    "reports.col.in_time",
    "reports.col.service_level",
    "reports.col.abandoned",
    "reports.col.short_abandoned",
    "reports.col.avg_wait",
    "reports.col.max_wait",
    "reports.col.asa",
    "reports.col.callbacks_requested",
    "reports.col.callbacks_done",
)


def _seconds(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _applies(scope: Scope) -> bool:
    return scope.channel in (None, "phone") and scope.line in (None, 1)


async def service_level(session: AsyncSession, scope: Scope, default_n: int) -> Table:
    table = Table("reports.phone.title", COLUMNS, chart="bars", value_column=6)
    if not _applies(scope):
        return table
    params = {**scope.params(), "default_n": default_n, "short": SHORT_ABANDON_S}
    for r in (await session.execute(_PER_QUEUE, params)).all():
        served = r.offered - r.short_abandoned
        table.rows.append(
            (
                r.code,
                r.queue,
                r.n,
                r.offered,
                r.answered,
                r.in_time,
                pct(r.in_time, served),
                r.abandoned,
                r.short_abandoned,
                _seconds(r.avg_wait),
                _seconds(r.max_wait),
                _seconds(r.asa),
                r.callbacks_requested,
                r.callbacks_done,
            )
        )
    return table


async def calls_per_hour(session: AsyncSession, scope: Scope) -> Table:
    table = Table(
        "reports.phone_hours.title",
        ("reports.col.hour", "reports.col.offered", "reports.col.answered"),
        chart="bars",
    )
    if _applies(scope):
        rows = (await session.execute(_PER_HOUR, scope.params())).all()
        table.rows = [(f"{r.hour:02d}", r.offered, r.answered) for r in rows]
    return table
