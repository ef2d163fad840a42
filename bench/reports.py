"""Reports benchmark: p95 of each report family for a month and for a year on a seeded
history, against a yardstick from the same run (a plain count of the month's contacts).

    .venv/bin/python bench/reports.py [--contacts 1000000] [--rounds 10]

Starts its own embedded PostgreSQL (temp folder, free port), seeds the demo products
and users, then ``--contacts`` contacts spread over the last year (60 % email, 30 %
phone with a call each, 10 % web form), about five history events per contact (claim,
reply, close; some escalations, reopenings and SLA breaches) and a reply message per
written contact, all with SQL ``generate_series``. Each report family runs as the page
runs it (the period and the period before). The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from config.settings import load_settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services.reports.families import FAMILIES, Options, run  # noqa: E402
from services.reports.period import Period, previous_period, today_local  # noqa: E402
from services.reports.scope import Scope  # noqa: E402
from tests.conftest import free_port  # noqa: E402

SEED = [
    """INSERT INTO customers (display_name, kind)
       SELECT 'klant ' || i, 'person' FROM generate_series(1, GREATEST(:n / 3, 1)) i""",
    """INSERT INTO contacts (reference, channel, status, subject, language, unreadable,
         product_id, customer_id, created_at, updated_at, closed_at, line, is_complaint)
       SELECT 'KCC-B-' || i,
              CASE WHEN i % 10 < 6 THEN 'email' WHEN i % 10 < 9 THEN 'phone' ELSE 'webform' END,
              CASE WHEN i % 10 = 3 THEN 'open' ELSE 'closed' END, '', 'nl', false,
              p.ids[1 + i % array_length(p.ids, 1)], 1 + i % GREATEST(:n / 3, 1),
              now() - (i * interval '365 days' / :n), now() - (i * interval '365 days' / :n),
              CASE WHEN i % 10 = 3 THEN NULL
                   ELSE now() - (i * interval '365 days' / :n) + interval '26 hours' END,
              CASE WHEN i % 10 = 3 THEN 1 + i % 3 ELSE 1 END, false
       FROM generate_series(1, :n) i, (SELECT array_agg(id ORDER BY id) AS ids FROM products) p""",
    """INSERT INTO contact_events (contact_id, at, actor_id, kind, detail)
       SELECT c.id, c.created_at + k.after, u.id, k.kind, k.detail
       FROM contacts c
       CROSS JOIN (SELECT id FROM users WHERE username = 'agent') u
       JOIN (VALUES
         ('claimed', interval '1 hour', '{}'::jsonb, 1),
         ('replied', interval '3 hours', '{}'::jsonb, 1),
         ('customer_wrote', interval '5 hours', '{}'::jsonb, 1),
         ('closed', interval '26 hours', '{}'::jsonb, 1),
         ('escalated', interval '4 hours', '{"from_line": 1, "to_line": 2}'::jsonb, 5),
         ('escalation_answered', interval '20 hours', '{"from_line": 2, "to_line": 1}'::jsonb, 5),
         ('reopened', interval '30 hours', '{}'::jsonb, 20),
         ('sla_breached', interval '10 hours', '{"clock": "first_response"}'::jsonb, 7)
       ) AS k(kind, after, detail, every) ON c.id % k.every = 0""",
    """INSERT INTO messages (contact_id, direction, send_status, subject, headers, text_body,
         is_auto_reply, is_acknowledgement, delivered_to_workflow, send_attempts, created_at)
       SELECT c.id, 'out', 'sent', '', '{}'::jsonb, '', false, false, true, 0,
              c.created_at + interval '3 hours'
       FROM contacts c WHERE c.channel <> 'phone'""",
    """INSERT INTO phone_calls (linkedid, contact_id, product_id, queue, caller_number, state,
         agent_user_id, joined_at, answered_at, ended_at, talk_seconds, ring_no_answer,
         wrapped_up_at, callback_attempts, callback_outcome)
       SELECT 'b-' || c.id, c.id, c.product_id, COALESCE(pl.queue, 'q' || c.product_id), '',
              CASE WHEN c.id % 8 = 0 THEN 'abandoned' ELSE 'ended' END,
              CASE WHEN c.id % 8 = 0 THEN NULL ELSE u.id END,
              c.created_at,
              CASE WHEN c.id % 8 = 0 THEN NULL
                   ELSE c.created_at + (c.id % 60) * interval '1 second' END,
              c.created_at + interval '5 minutes',
              CASE WHEN c.id % 8 = 0 THEN NULL ELSE 120 + c.id % 300 END, 0,
              CASE WHEN c.id % 8 = 0 THEN NULL ELSE c.created_at + interval '6 minutes' END,
              0, ''
       FROM contacts c
       LEFT JOIN phone_lines pl ON pl.product_id = c.product_id
       CROSS JOIN (SELECT id FROM users WHERE username = 'agent') u
       WHERE c.channel = 'phone'""",
    "ANALYZE",
]


async def seed(maker, contacts: int) -> tuple[int, float]:
    await seed_demo(maker)
    start = time.perf_counter()
    async with session_scope(maker) as s:
        for sql in SEED[:-1]:
            await s.execute(text(sql), {"n": contacts})
    # statistics for the planner, committed (ANALYZE in a rolled-back transaction
    # leaves the planner guessing)
    async with session_scope(maker) as s:
        await s.execute(text(SEED[-1]))
    async with maker() as s:
        events = await s.scalar(text("SELECT count(*) FROM contact_events"))
    return events, time.perf_counter() - start


# the yardstick: a plain count of the period's contacts
COUNT_MONTH = text("SELECT count(*) FROM contacts WHERE created_at >= :a AND created_at < :b")


def p95(samples: list[float]) -> float:
    if len(samples) < 2:
        return samples[0]
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


async def timed(maker, fn, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        async with maker() as s:
            start = time.perf_counter()
            await fn(s)
            samples.append((time.perf_counter() - start) * 1000)
    return p95(samples)


def last_month() -> tuple[str, Period]:
    first_of_this = today_local().replace(day=1)
    last = first_of_this - timedelta(days=1)
    return "last_month", Period(last.replace(day=1), last)


def last_year() -> tuple[str, Period]:
    today = today_local()
    return "custom", Period(today - timedelta(days=364), today)


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-reports-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    try:
        upgrade(pg.url)
        settings = load_settings(environment="test", database_url=pg.url)
        engine = make_engine(settings)
        maker = make_sessionmaker(engine)
        events, seconds = await seed(maker, args.contacts)
        print(f"seeded {args.contacts} contacts, {events} events in {seconds:.1f} s")
        async with maker() as s:
            ids = tuple((await s.execute(text("SELECT id FROM products"))).scalars().all())
        options = Options(default_answer_seconds=30)
        figures: dict[str, float] = {}
        for label, (name, period) in (("month", last_month()), ("year", last_year())):
            scope = Scope(ids, period)
            before = previous_period(name, period)

            async def yardstick(s, p=period):
                await s.scalar(COUNT_MONTH, {"a": p.start, "b": p.end})

            figures[f"yardstick_{label}_p95_ms"] = await timed(maker, yardstick, args.rounds)
            for key, fam in FAMILIES.items():

                async def report(s, f=fam, sc=scope, b=before):
                    await run(s, f, sc, b, options)

                figures[f"{key}_{label}_p95_ms"] = await timed(maker, report, args.rounds)
        await engine.dispose()
        for key, value in figures.items():
            print(f"{key:34s} {value:9.1f}")
        reports = {k: v for k, v in figures.items() if not k.startswith("yardstick")}
        worst_month = max(v for k, v in reports.items() if k.endswith("month_p95_ms"))
        worst_year = max(v for k, v in reports.items() if k.endswith("year_p95_ms"))
        print(
            f"contacts={args.contacts} events={events} "
            f"worst_month_p95_ms={worst_month:.1f} worst_year_p95_ms={worst_year:.1f} "
            f"yardstick_month_p95_ms={figures['yardstick_month_p95_ms']:.1f} "
            + " ".join(f"{k}={v:.1f}" for k, v in reports.items())
        )
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=10)
    asyncio.run(main(parser.parse_args()))
