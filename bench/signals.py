"""Signal detection benchmark: a generated 12-week history with spikes, drops and one
new topic injected on known days; the daily scan runs for each of the last four
weeks (a month) and the signals it stores are compared with what was injected.

    .venv/bin/python bench/signals.py [--products 3] [--scale 1.0] [--seed 13]

Prints each injected signal (found or missed), every false alarm, recall (target
>= 90 %), false alarms per product per month (target <= 1), the scan's time per day
against a yardstick from the same run (a plain count of the history's contacts).
Starts its own embedded PostgreSQL (temp folder, free port). The last line is
key=value pairs."""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from config.settings import load_settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from devstack.signal_history import generate  # noqa: E402
from services.signals.scan import scan_day  # noqa: E402
from tests.conftest import free_port  # noqa: E402

SCANNED_DAYS = 28  # the month the figures are about (8 weeks of baseline before it)
LAST = date(2026, 3, 22)  # a Sunday: the history ends with a whole week


async def _reasons(maker, products: int) -> dict[int, list[int]]:
    async with maker() as s:
        rows = await s.execute(
            text(
                """SELECT p.id, array_agg(r.id ORDER BY r.id) FROM products p
                   JOIN contact_reasons r ON r.product_id = p.id AND r.code <> 'overig'
                   GROUP BY p.id ORDER BY p.id LIMIT :n"""
            ),
            {"n": products},
        )
        return {pid: list(ids) for pid, ids in rows}


async def _found(maker) -> dict[tuple[str, date, int, int | None], dict]:
    async with maker() as s:
        rows = await s.execute(
            text("SELECT kind, day, product_id, reason_id, figures FROM signals")
        )
        out = {}
        for r in rows:
            out[(r.kind, r.day, r.product_id, r.reason_id)] = r.figures
        return out


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-signals-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    try:
        upgrade(pg.url)
        settings = load_settings(environment="test", database_url=pg.url)
        engine = make_engine(settings)
        maker = make_sessionmaker(engine)
        await seed_demo(maker)
        reasons = await _reasons(maker, args.products)
        started = time.perf_counter()
        async with session_scope(maker) as s:
            history = await generate(s, reasons, LAST, weeks=12, scale=args.scale, seed=args.seed)
            await s.execute(text("ANALYZE contacts"))
        print(f"seeded {history.contacts} contacts in {time.perf_counter() - started:.1f} s")

        scan_ms = []
        for offset in range(SCANNED_DAYS - 1, -1, -1):
            day = LAST - timedelta(days=offset)
            async with maker() as s:
                t0 = time.perf_counter()
                await scan_day(s, day)
                scan_ms.append((time.perf_counter() - t0) * 1000)
        async with maker() as s:
            again = sum([(await scan_day(s, LAST))[1]])  # a second run of a day adds nothing
        yardstick = []
        for _ in range(5):
            async with maker() as s:
                t0 = time.perf_counter()
                await s.scalar(text("SELECT count(*) FROM contacts"))
                yardstick.append((time.perf_counter() - t0) * 1000)
        found = await _found(maker)
        await engine.dispose()

        wanted = {(i.kind, i.day, i.product_id, i.reason_id) for i in history.injected}
        hits = wanted & set(found)
        for key in sorted(wanted, key=str):
            print(
                f"injected {key[0]:5s} {key[1]} product {key[2]} reason {key[3]}: "
                f"{'found' if key in hits else 'MISSED'}"
            )
        false = sorted(set(found) - wanted, key=str)
        for key in false:
            figures = {k: v for k, v in found[key].items() if k != "terms"}
            print(f"false alarm {key[0]:5s} {key[1]} product {key[2]} reason {key[3]}: {figures}")
        recall = 100.0 * len(hits) / len(wanted) if wanted else 0.0
        months = SCANNED_DAYS / 30.0
        per_product_month = len(false) / len(reasons) / months
        p95 = statistics.quantiles(scan_ms, n=20)[-1] if len(scan_ms) > 1 else scan_ms[0]
        print(f"found/injected {len(hits)}/{len(wanted)} = {recall:.1f} % (target >= 90 %)")
        print(
            f"false alarms {len(false)}: {per_product_month:.2f} per product per month "
            "(target <= 1)"
        )
        print(f"scan per day p95 {p95:.1f} ms; yardstick count(*) {min(yardstick):.1f} ms")
        print(
            f"products={len(reasons)} contacts={history.contacts} found={len(hits)} "
            f"injected={len(wanted)} recall_pct={recall:.1f} false_alarms={len(false)} "
            f"false_alarms_per_product_month={per_product_month:.2f} rescan_added={again} "
            f"scan_p95_ms={p95:.1f} yardstick_count_ms={min(yardstick):.1f}"
        )
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=13)
    asyncio.run(main(parser.parse_args()))
