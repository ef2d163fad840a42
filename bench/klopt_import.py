"""Klopt import benchmark: a generated export, imported by channels/klopt.

    .venv/bin/python bench/klopt_import.py [--contacts 1000000] [--messages 3]

Starts its own embedded PostgreSQL (temp folder, free port), writes an export of
``--contacts`` closed contacts with ``--messages`` messages each (and a customer per
three contacts), imports it (no Temporal: closed contacts run no workflow) and prints
contacts/s, the importer's peak RSS, a second run (every row unchanged) and a
yardstick from the same run: a plain COPY of the same contact and message rows into
tables without indexes or triggers. Target: >= 2,000 contacts/s, <= 1 GB RSS.
The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlmodel import select  # noqa: E402

from channels.klopt.run import Options, Rejects, run_import  # noqa: E402
from config.settings import load_settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Product  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.klopt_export import write_export  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services.records.retention import seed_default_retention  # noqa: E402
from tests.conftest import free_port  # noqa: E402

YARDSTICK_TABLES = """
CREATE TABLE yard_contacts (old_id text, customer text, product text, status text,
    opened timestamptz, closed timestamptz, subject text);
CREATE TABLE yard_messages (old_id text, contact text, direction text, sender text,
    recipient text, at timestamptz, body text);
"""


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


async def copy_yardstick(engine, folder: Path) -> float:
    """Seconds to COPY the contacts and messages, as they are, into bare tables."""
    async with engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        async with raw.cursor() as cur:
            await cur.execute(YARDSTICK_TABLES)
        await raw.commit()
        start = time.perf_counter()
        async with raw.cursor() as cur:
            for table, file, fields in (
                (
                    "yard_contacts",
                    "contacts.jsonl",
                    ("id", "customer", "product", "status", "opened", "closed", "subject"),
                ),
                (
                    "yard_messages",
                    "messages.jsonl",
                    ("id", "contact", "direction", "from", "to", "date", "body"),
                ),
            ):
                async with cur.copy(f"COPY {table} FROM STDIN") as copy:
                    with (folder / file).open("rb") as f:
                        for line in f:
                            row = json.loads(line)
                            await copy.write_row([row.get(k) for k in fields])
        await raw.commit()
        return time.perf_counter() - start


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-klopt-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    try:
        upgrade(pg.url)
        settings = load_settings(environment="test", database_url=pg.url)
        engine = make_engine(settings)
        maker = make_sessionmaker(engine)
        await seed_demo(maker)
        async with session_scope(maker) as s:
            products = {p.code: p for p in (await s.exec(select(Product))).all()}
            await seed_default_retention(s, products)
        folder = tmp / "export"
        start = time.perf_counter()
        write_export(folder, args.contacts, messages_per_contact=args.messages)
        generated = time.perf_counter() - start
        rss_before = peak_rss_mb()

        def progress(table: str, rows: int, seen={}) -> None:  # noqa: B006 - a counter
            seen[table] = seen.get(table, 0) + rows
            if not args.quiet and seen[table] % 100_000 < rows:
                print(f"  {table}: {seen[table]:,} rows", file=sys.stderr)

        start = time.perf_counter()
        summary = await run_import(
            maker,
            settings,
            folder,
            Rejects(None),
            Options(batch_size=args.batch, on_batch=progress),
        )
        took = time.perf_counter() - start
        assert summary.counts["contacts"]["imported"] == args.contacts, summary.counts
        rejected = sum(c["rejected"] for c in summary.counts.values())
        start = time.perf_counter()
        again = await run_import(
            maker, settings, folder, Rejects(None), Options(batch_size=args.batch)
        )
        second = time.perf_counter() - start
        assert again.all_unchanged(), again.counts
        copy_s = await copy_yardstick(engine, folder)
        await engine.dispose()
        rate = args.contacts / took
        copy_rate = args.contacts / copy_s
        rss = peak_rss_mb()
        messages = args.contacts * args.messages
        print(
            f"export generated:            {generated:8.1f} s "
            f"({args.contacts:,} contacts, {messages:,} messages)"
        )
        print(f"import:                      {took:8.1f} s")
        for table, seconds in summary.seconds.items():
            print(f"  {table:<26} {seconds:8.1f} s")
        print(f"contacts/s (with messages):  {rate:8.0f}   target >= 2000")
        print(f"second run (all unchanged):  {second:8.1f} s")
        print(f"yardstick, plain COPY:       {copy_rate:8.0f} contacts/s ({copy_s:.1f} s)")
        print(
            f"peak RSS of the importer:    {rss:8.0f} MB "
            f"(before the import {rss_before:.0f} MB)   target <= 1024"
        )
        print(
            f"contacts={args.contacts} contacts_per_s={rate:.0f} "
            f"copy_contacts_per_s={copy_rate:.0f} "
            f"rerun_s={second:.1f} peak_rss_mb={rss:.0f} rejected={rejected}"
        )
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=3, help="messages per contact")
    parser.add_argument("--batch", type=int, default=1000, help="rows per committed batch")
    parser.add_argument("--quiet", action="store_true")
    asyncio.run(main(parser.parse_args()))
