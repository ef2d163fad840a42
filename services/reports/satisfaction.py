"""Satisfaction (CSAT): the answers given in the period, by product, channel, close
reason and agent, with their comments.

- CSAT: the share of answers scoring 4 or 5; the average score beside it.
- Response rate (per product): of the survey mails sent in the period, the share
  answered (whenever the answer came). Keypad answers after a call have no "sent"
  (the IVR asks every answered caller; PULSE hears only the answers), so they count
  in the scores, not in the response rate.

Answers carry their product, channel, reason and agent from when they were given
(services/survey/answers.py), so a contact moved or reassigned later does not move
its old answers. Per agent: callers check ``scope.may_see_agent_figures`` first
(the family is agent-level).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from services.reports.scope import Scope
from services.reports.table import Table, pct

COMMENTS_SHOWN = 200


def _answers(joins: str = "") -> str:
    """The answers of the period in scope (a: satisfaction_scores, c: contacts), with
    the extra joins a table needs."""
    return f"""
  FROM satisfaction_scores a JOIN contacts c ON c.id = a.contact_id {joins}
  WHERE a.at >= :start AND a.at < :end
    AND COALESCE(a.product_id, c.product_id) = ANY(:products)
    AND (CAST(:channel AS text) IS NULL OR COALESCE(NULLIF(a.channel, ''), c.channel)
         = CAST(:channel AS text))
    AND (CAST(:line AS int) IS NULL OR c.line = CAST(:line AS int))
"""


_PRODUCT = "JOIN products p ON p.id = COALESCE(a.product_id, c.product_id)"
_FIGURES = """COUNT(*) AS answers, COUNT(*) FILTER (WHERE a.score >= 4) AS happy,
              AVG(a.score) AS average"""

_BY_PRODUCT = text(
    f"""
    WITH answered AS (
      SELECT COALESCE(a.product_id, c.product_id) AS product_id, {_FIGURES}
      {_answers()}
      GROUP BY 1
    ), sent AS (
      SELECT i.product_id, COUNT(*) AS sent, COUNT(i.answered_at) AS responded
      FROM survey_invitations i JOIN contacts c ON c.id = i.contact_id
      WHERE i.via = 'mail'
        AND i.created_at >= :start AND i.created_at < :end
        AND i.product_id = ANY(:products)
        AND (CAST(:channel AS text) IS NULL OR i.channel = CAST(:channel AS text))
        AND (CAST(:line AS int) IS NULL OR c.line = CAST(:line AS int))
      GROUP BY i.product_id
    )
    SELECT p.code, COALESCE(sent.sent, 0) AS sent, COALESCE(sent.responded, 0) AS responded,
           COALESCE(answered.answers, 0) AS answers, COALESCE(answered.happy, 0) AS happy,
           answered.average
    FROM products p
    LEFT JOIN answered ON answered.product_id = p.id
    LEFT JOIN sent ON sent.product_id = p.id
    WHERE answered.product_id IS NOT NULL OR sent.product_id IS NOT NULL
    ORDER BY p.code
    """
)
_BY_CHANNEL = text(
    f"""SELECT COALESCE(NULLIF(a.channel, ''), c.channel) AS channel, {_FIGURES}
        {_answers()} GROUP BY 1 ORDER BY 1"""
)
_BY_REASON = text(
    f"""SELECT p.code, COALESCE(r.label_nl, '') AS reason, {_FIGURES}
        {_answers(_PRODUCT + " LEFT JOIN contact_reasons r ON r.id = a.reason_id")}
        GROUP BY p.code, r.label_nl ORDER BY p.code, reason"""
)
_BY_AGENT = text(
    f"""SELECT COALESCE(u.full_name, '') AS agent, {_FIGURES}
        {_answers("LEFT JOIN users u ON u.id = a.agent_id")}
        GROUP BY u.id, u.full_name ORDER BY agent"""
)
_COMMENTS = text(
    f"""SELECT a.at, p.code, c.reference, a.score, a.comment
        {_answers(_PRODUCT)}
          AND a.comment <> ''
        ORDER BY a.at DESC, a.id DESC LIMIT :limit"""
)
FIGURE_COLUMNS = ("reports.col.answers", "reports.col.csat", "reports.col.avg_score")


def _figures(r) -> tuple:
    average = None if r.average is None else round(float(r.average), 2)
    return (r.answers, pct(r.happy, r.answers), average)


async def by_product(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_PRODUCT, scope.params())).all()
    return Table(
        "reports.csat.product_title",
        (
            "reports.col.product",
            "reports.col.surveys_sent",
            "reports.col.response_rate",
            *FIGURE_COLUMNS,
        ),
        [(r.code, r.sent, pct(r.responded, r.sent), *_figures(r)) for r in rows],
        chart="bars",
        value_column=4,
    )


async def by_channel(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_CHANNEL, scope.params())).all()
    return Table(
        "reports.csat.channel_title",
        ("reports.col.channel", *FIGURE_COLUMNS),
        [(r.channel, *_figures(r)) for r in rows],
        chart="bars",
        value_column=2,
    )


async def by_reason(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_REASON, scope.params())).all()
    return Table(
        "reports.csat.reason_title",
        ("reports.col.product", "reports.col.reason", *FIGURE_COLUMNS),
        [(r.code, r.reason or "—", *_figures(r)) for r in rows],
    )


async def comments(session: AsyncSession, scope: Scope) -> Table:
    params = {**scope.params(), "limit": COMMENTS_SHOWN}
    rows = (await session.execute(_COMMENTS, params)).all()
    return Table(
        "reports.csat.comments_title",
        (
            "reports.col.answered_at",
            "reports.col.product",
            "reports.col.reference",
            "reports.col.score",
            "reports.col.comment",
        ),
        [
            (r.at.isoformat(timespec="minutes"), r.code, r.reference, r.score, r.comment)
            for r in rows
        ],
    )


async def by_agent(session: AsyncSession, scope: Scope) -> Table:
    rows = (await session.execute(_BY_AGENT, scope.params())).all()
    return Table(
        "reports.csat.agent_title",
        ("reports.col.agent", *FIGURE_COLUMNS),
        [(r.agent or "—", *_figures(r)) for r in rows],
        chart="bars",
        value_column=2,
    )
