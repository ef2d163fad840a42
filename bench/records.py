"""Records benchmark: the cost of the audit hash chain and of payload encryption.

    .venv/bin/python bench/records.py [--rows 2000] [--writers 16]

Starts its own embedded PostgreSQL (temp folder, free port) and measures:
- audit rows/s, one transaction per row, one writer and ``--writers`` concurrent
  writers (the chain trigger serialises writers on an advisory lock until commit);
- chain verification rows/s (``services.audit.verify_chain``);
- AES-GCM codec: encode + decode of a typical activity payload, microseconds.
The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from temporalio.converter import DataConverter  # noqa: E402

from adapters.temporal.codec import data_converter  # noqa: E402
from config.settings import load_settings  # noqa: E402
from contracts.contact import ProjectionUpdate  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services import audit  # noqa: E402
from tests.conftest import free_port  # noqa: E402


async def write_rows(maker, n: int, writer: int) -> None:
    for i in range(n):
        async with session_scope(maker) as s:
            await audit.record(
                s,
                actor=f"bench{writer}",
                action="contact.read",
                object_type="contact",
                object_id=f"KCC-2026-{i:06d}",
                origin="127.0.0.1",
            )


async def audit_rate(maker, rows: int, writers: int) -> float:
    per = rows // writers
    start = time.perf_counter()
    await asyncio.gather(*(write_rows(maker, per, w) for w in range(writers)))
    return per * writers / (time.perf_counter() - start)


async def _per_call(converter, value, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        payloads = await converter.encode([value])
        await converter.decode(payloads, [ProjectionUpdate])
    return (time.perf_counter() - start) / rounds


async def codec_micros(rounds: int = 2000, repeats: int = 5) -> tuple[float, float]:
    """Encode + decode per payload, plain and sealed: best of ``repeats`` (a busy
    machine only ever makes a run slower)."""
    plain = DataConverter.default
    sealed = data_converter(load_settings(environment="test"))
    value = ProjectionUpdate(contact_id=123456, status="open", assignee_id=42, event="claimed")
    best_plain = min([await _per_call(plain, value, rounds) for _ in range(repeats)])
    best_sealed = min([await _per_call(sealed, value, rounds) for _ in range(repeats)])
    return best_plain * 1e6, best_sealed * 1e6


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-records-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    try:
        upgrade(pg.url)
        settings = load_settings(environment="test", database_url=pg.url, db_pool_size=40)
        engine = make_engine(settings)
        maker = make_sessionmaker(engine)
        await write_rows(maker, 50, 0)  # warm-up
        if args.no_chain:  # baseline: the same inserts without the chain trigger
            async with session_scope(maker) as s:
                await s.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_chain"))
        one = await audit_rate(maker, args.rows, 1)
        many = await audit_rate(maker, args.rows, args.writers)
        async with maker() as s:
            start = time.perf_counter()
            report = await audit.verify_chain(s)
            verify = report.rows / (time.perf_counter() - start)
        assert report.ok or args.no_chain, report.problems
        await engine.dispose()
        plain_us, sealed_us = await codec_micros()
        extra_us = sealed_us - plain_us
        print(f"audit rows/s, 1 writer:          {one:8.0f}")
        print(f"audit rows/s, {args.writers} writers:        {many:8.0f}")
        print(f"chain verification rows/s:       {verify:8.0f}  ({report.rows} rows)")
        print(f"payload encode+decode (us):      {plain_us:8.1f} plain, {sealed_us:.1f} sealed")
        print(
            f"audit_rows_per_s_1={one:.0f} audit_rows_per_s_{args.writers}={many:.0f} "
            f"verify_rows_per_s={verify:.0f} codec_extra_us={extra_us:.1f}"
        )
    finally:
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=16)
    parser.add_argument("--no-chain", action="store_true", help="baseline without the chain")
    asyncio.run(main(parser.parse_args()))
