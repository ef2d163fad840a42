"""The daily scan: yesterday's contacts against the weeks before, through the pure
rules of rules/signals.py, stored as signals once (a second run of the same day
finds every key it would write and adds nothing)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from rules.signals import Thresholds, TopicRules, emerging_topics, spike_or_drop
from services.reports.period import OFFICE_TZ

WEEKS = 8  # same-weekday baseline
TOPIC_BACKGROUND_DAYS = 28
TEXT_CHARS = 400  # of a contact's first message, next to its subject
# reasons that say nothing specific: their contacts are searched for new topics
UNSPECIFIC_REASONS = ["overig", "other", "anders"]


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OFFICE_TZ)


_COUNTS = text(
    """SELECT (created_at AT TIME ZONE 'Europe/Amsterdam')::date AS day, product_id,
              close_reason_id, count(*) AS n
         FROM contacts
        WHERE created_at >= :first AND created_at < :end
          AND EXTRACT(ISODOW FROM created_at AT TIME ZONE 'Europe/Amsterdam') = :dow
        GROUP BY 1, 2, 3"""
)

_TEXTS = text(
    """SELECT c.id, c.product_id, (c.created_at AT TIME ZONE 'Europe/Amsterdam')::date AS day,
              c.subject || ' ' || coalesce(left(m.text_body, :chars), '') AS body
         FROM contacts c
         LEFT JOIN LATERAL (SELECT text_body FROM messages
                             WHERE contact_id = c.id ORDER BY id LIMIT 1) m ON true
         LEFT JOIN contact_reasons r ON r.id = c.close_reason_id
        WHERE c.created_at >= :first AND c.created_at < :end
          AND (c.close_reason_id IS NULL OR r.code = ANY(:unspecific))
        ORDER BY c.id"""
)

_INSERT = text(
    """INSERT INTO signals (kind, product_id, reason_id, day, title, figures, scan_key)
       VALUES (:kind, :product, :reason, :day, :title, CAST(:figures AS jsonb), :key)
       ON CONFLICT (scan_key) DO NOTHING RETURNING id"""
)
_LINK = text(
    """INSERT INTO signal_contacts (signal_id, contact_id) VALUES (:signal, :contact)
       ON CONFLICT DO NOTHING"""
)


@dataclass
class Detected:
    kind: str
    product_id: int
    reason_id: int | None
    title: str
    figures: dict
    key: str
    contact_ids: list[int] = field(default_factory=list)


async def detect_volume(
    session: AsyncSession, day: date, thresholds: Thresholds = Thresholds()
) -> list[Detected]:
    """Spikes and drops per product x reason (no reason is a reason of its own)."""
    first = day - timedelta(weeks=WEEKS)
    rows = await session.execute(
        _COUNTS,
        {"first": _start(first), "end": _start(day + timedelta(days=1)), "dow": day.isoweekday()},
    )
    series: dict[tuple[int, int | None], dict[date, int]] = defaultdict(dict)
    for row_day, product, reason, n in rows:
        series[(product, reason)][row_day] = n
    weeks = [day - timedelta(weeks=w) for w in range(WEEKS, 0, -1)]
    found = []
    for (product, reason), counts in sorted(series.items(), key=lambda kv: str(kv[0])):
        history = [counts.get(d, 0) for d in weeks]
        finding = spike_or_drop(counts.get(day, 0), history, thresholds)
        if finding is None:
            continue
        key = f"{finding.kind}:{day}:{product}:{reason if reason is not None else '-'}"
        found.append(Detected(finding.kind, product, reason, "", finding.figures(), key))
    return found


async def detect_topics(
    session: AsyncSession, day: date, rules: TopicRules = TopicRules()
) -> list[Detected]:
    """New topics per product among the day's contacts without a reason."""
    first = day - timedelta(days=TOPIC_BACKGROUND_DAYS)
    rows = await session.execute(
        _TEXTS,
        {
            "first": _start(first),
            "end": _start(day + timedelta(days=1)),
            "chars": TEXT_CHARS,
            "unspecific": UNSPECIFIC_REASONS,
        },
    )
    today: dict[int, list[tuple[int, str]]] = defaultdict(list)
    before: dict[int, list[str]] = defaultdict(list)
    for contact_id, product, row_day, body in rows:
        if row_day == day:
            today[product].append((contact_id, body))
        else:
            before[product].append(body)
    found = []
    for product, docs in sorted(today.items()):
        topics = emerging_topics(
            [body for _, body in docs], before[product], TOPIC_BACKGROUND_DAYS, rules
        )
        for topic in topics:
            terms = " ".join(topic.terms)
            key = f"topic:{day}:{product}:{' '.join(sorted(topic.terms[:3]))}"[:200]
            examples = [docs[i][0] for i in topic.examples]
            found.append(
                Detected("topic", product, None, terms[:300], topic.figures(), key, examples)
            )
    return found


async def store(session: AsyncSession, day: date, found: list[Detected]) -> int:
    """Insert the signals not stored before; how many were new."""
    added = 0
    for d in found:
        new_id = await session.scalar(
            _INSERT,
            {
                "kind": d.kind,
                "product": d.product_id,
                "reason": d.reason_id,
                "day": day,
                "title": d.title,
                "figures": json.dumps(d.figures),
                "key": d.key,
            },
        )
        if new_id is None:
            continue
        added += 1
        for contact_id in d.contact_ids:
            await session.execute(_LINK, {"signal": new_id, "contact": contact_id})
    return added


async def scan_day(session: AsyncSession, day: date) -> tuple[int, int]:
    """Detect and store one day's signals (committed); (found, added)."""
    found = await detect_volume(session, day) + await detect_topics(session, day)
    added = await store(session, day, found)
    await session.commit()
    return len(found), added
