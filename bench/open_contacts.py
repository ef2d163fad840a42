"""Open-contacts benchmark: many open contacts, each with running SLA timers, in one
worker; how much memory the worker needs and how late timers fire in a burst.

    .venv/bin/python bench/open_contacts.py [--contacts 10000] [--burst 1000]

It starts its own embedded PostgreSQL and Temporal dev server (SQLite file, WAL,
synchronous=normal, as `make run`) and runs PULSE's worker (worker.py) as a separate
process, as in production. The office calendar is set to 24/7 without holidays, so
the figures do not depend on the day the bench runs.

- ``contacts - burst`` BIG contacts with the demo SLA (first response 16 working
  hours, resolution 40): their timers stay pending for the whole run.
- ``burst`` UZI contacts, started last, with a first-response target of
  ``--burst-minutes`` working minutes: all their breach timers fall due within the
  same minute. Each breach flags the task and writes an ``sla_breached`` event;
  its lag is the event's time minus the due time the workflow computed at start.

Figures printed; the last line is key=value pairs (worker_rss_mb, timer_lag_p95_s).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from temporalio.client import Client  # noqa: E402

from adapters.temporal.codec import connect_temporal  # noqa: E402
from bench.intake import RssSampler  # noqa: E402
from bench.stack import percentile, start_temporal  # noqa: E402
from config.settings import load_settings  # noqa: E402
from contracts.contact import (  # noqa: E402
    ContactInput,
    contact_workflow_id,
    initial_search_attributes,
)
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Contact, ContactEvent, Product, Task  # noqa: E402
from db.models.work import OfficeCalendar, ProductWorkSettings, SlaPolicy  # noqa: E402
from db.session import make_engine, make_sessionmaker  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from tests.conftest import free_port  # noqa: E402

START_CONCURRENCY = 100


# Raw SQL goes through session.execute on purpose (one round trip for 10,000 rows);
# SQLModel's hint to use exec() would otherwise fill the figures a person reads.
warnings.filterwarnings(
    "ignore", message="(?s).*You probably want to use .session.exec", category=DeprecationWarning
)


async def configure(sessionmaker, burst_minutes: int) -> dict[str, int]:
    """Demo data, a 24/7 calendar, and UZI's short first-response target."""
    await seed_demo(sessionmaker)
    async with sessionmaker() as s:
        s.add(
            OfficeCalendar(
                id=1,
                open_minute=0,
                close_minute=24 * 60,
                workdays="0,1,2,3,4,5,6",
                public_holidays=False,
            )
        )
        products = {p.code: p.id for p in (await s.execute(select(Product))).scalars()}
        uzi = products["UZI"]
        await s.execute(
            text(
                "UPDATE sla_policies SET first_response_minutes = :m, resolution_minutes = 0 "
                "WHERE product_id = :p AND line = 1"
            ),
            {"m": burst_minutes, "p": uzi},
        )
        settings = await s.get(ProductWorkSettings, uzi)
        settings.warn_share = 1.0  # no warning timers: one timer per burst contact
        await s.commit()
        assert await s.scalar(select(func.count()).select_from(SlaPolicy)) > 0
    return products


async def make_contacts(sessionmaker, product_id: int, first: int, count: int) -> list[tuple]:
    """Contact rows as intake leaves them (web form: no mail, no acknowledgement)."""
    rows = [
        {"reference": f"KCC-2026-{n:06d}", "product_id": product_id, "subject": f"Vraag {n}"}
        for n in range(first, first + count)
    ]
    async with sessionmaker() as s:
        result = await s.execute(  # raw SQL: 10,000 rows in one round trip
            text(
                "INSERT INTO contacts (reference, channel, status, subject, language, "
                "unreadable, product_id, line, is_complaint) VALUES (:reference, 'webform', "
                "'new', :subject, 'nl', false, :product_id, 1, false) RETURNING id, reference"
            ),
            rows,
        )
        ids = result.all() if result.returns_rows else []
        await s.commit()
    if not ids:  # executemany returns no rows with some drivers: read them back
        async with sessionmaker() as s:
            refs = [r["reference"] for r in rows]
            ids = (
                await s.execute(
                    select(Contact.id, Contact.reference).where(Contact.reference.in_(refs))
                )
            ).all()
    return [(cid, ref) for cid, ref in ids]


async def start_all(client: Client, queue: str, contacts, product_code: str) -> float:
    sem = asyncio.Semaphore(START_CONCURRENCY)

    async def one(contact_id: int, reference: str) -> None:
        async with sem:
            await client.start_workflow(
                "ContactWorkflow",
                ContactInput(contact_id, reference, product_code, channel="webform"),
                id=contact_workflow_id(reference),
                task_queue=queue,
                search_attributes=initial_search_attributes(product_code, "webform"),
            )

    start = time.perf_counter()
    await asyncio.gather(*(one(cid, ref) for cid, ref in contacts))
    return time.perf_counter() - start


async def wait_for(sessionmaker, query, expected: int, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while True:
        async with sessionmaker() as s:
            got = await s.scalar(query)
        if got >= expected:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: {got}/{expected}")
        await asyncio.sleep(1.0)


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-open-"))
    procs: list[subprocess.Popen] = []
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    t_port, ui_port = free_port(), free_port()
    queue = "pulse"
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": pg.url,
        "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
        "PULSE_TEMPORAL_TASK_QUEUE": queue,
        "PULSE_DATA_DIR": str(tmp),
    }
    try:
        procs.append(start_temporal(tmp, t_port, ui_port))
        upgrade(pg.url)
        engine = make_engine(load_settings(database_url=pg.url))
        sessionmaker = make_sessionmaker(engine)
        products = await configure(sessionmaker, args.burst_minutes)
        steady = args.contacts - args.burst
        big = await make_contacts(sessionmaker, products["BIG"], 1, steady)
        uzi = await make_contacts(sessionmaker, products["UZI"], steady + 1, args.burst)

        log = open(tmp / "worker.log", "wb")  # noqa: SIM115 (the child keeps it)
        procs.append(
            subprocess.Popen(
                [sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=log
            )
        )
        rss = RssSampler([procs[-1].pid])
        rss.start()
        client = await connect_temporal(
            load_settings(database_url=pg.url, temporal_address=f"127.0.0.1:{t_port}")
        )  # the worker's converter (adapters.temporal.codec: sealed payloads)
        await asyncio.sleep(3)  # the worker is polling

        started = time.perf_counter()
        took_steady = await start_all(client, queue, big, "BIG")
        due_query = select(func.count()).select_from(Task).where(Task.due_at.is_not(None))
        await wait_for(sessionmaker, due_query, steady, 1800, "steady contacts opened")
        took_burst = await start_all(client, queue, uzi, "UZI")
        await wait_for(sessionmaker, due_query, args.contacts, 600, "all contacts opened")
        opened = time.perf_counter() - started
        breached = (
            select(func.count())
            .select_from(ContactEvent)
            .where(ContactEvent.kind == "sla_breached")
        )
        await wait_for(
            sessionmaker, breached, args.burst, args.burst_minutes * 60 + 900, "breaches"
        )
        rss.stop()
        async with sessionmaker() as s:
            rows = (
                await s.execute(
                    select(ContactEvent.at, Contact.due_at)
                    .join(Contact, Contact.id == ContactEvent.contact_id)
                    .where(ContactEvent.kind == "sla_breached")
                )
            ).all()
            dues = [due for _, due in rows]
        lags = [(at - due).total_seconds() for at, due in rows]
        spread = (max(dues) - min(dues)).total_seconds()
        await engine.dispose()
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        pg.stop()

    rss_mb = rss.peak / 2**20
    p50, p95, worst = percentile(lags, 0.5), percentile(lags, 0.95), max(lags)
    print(
        f"open contacts: {args.contacts} ({steady} BIG with 16 h/40 h SLA timers pending, "
        f"{args.burst} UZI due after {args.burst_minutes} working minutes)"
    )
    print(
        f"starting took {took_steady:.0f} s + {took_burst:.0f} s; all opened (projection and "
        f"SLA due date written) after {opened:.0f} s = {args.contacts / opened:.0f} contacts/s"
    )
    print(f"the burst's {len(lags)} breach timers fell due within {spread:.0f} s")
    print(
        f"timer lag (due -> breach flagged in the DB): p50 {p50:.2f} s, p95 {p95:.2f} s, "
        f"max {worst:.2f} s, mean {statistics.mean(lags):.2f} s"
    )
    print(f"worker peak RSS: {rss_mb:.0f} MB")
    print(f"contacts={args.contacts} worker_rss_mb={rss_mb:.0f} timer_lag_p95_s={p95:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=1_000)
    parser.add_argument("--burst-minutes", type=int, default=3)
    asyncio.run(main(parser.parse_args()))
