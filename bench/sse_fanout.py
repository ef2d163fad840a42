"""Many browsers: the inbox's live stream (GET /events) open in N signed-in browsers
while contacts arrive, from each change's commit to its event at every browser.

    .venv/bin/python bench/sse_fanout.py [--agents 300] [--rate 5] [--seconds 60]

Starts its own embedded PostgreSQL (temp folder, free port), applies the migrations,
seeds the demo data and ``--agents`` agents accredited for BIG, each with a session
made as the login makes it (services.auth.login.start_session; not through the login
route, whose throttle would rightly refuse 300 logins from one address). The API runs
as ``make run`` runs it (uvicorn, its own process, its own LISTEN connection). Every
agent opens ``/events``. Then ``--rate`` changes a second for ``--seconds``: each a
transaction that inserts a contact and publishes its inbox event (db.events.publish,
the projection's path), timed from the moment the commit is sent.

Yardstick, same run: a bare LISTEN connection in this process hears the same NOTIFY
(PostgreSQL's own delivery, without the API's fan-out and HTTP).

Targets: p95 commit -> every browser <= 1 s, no stream dropped. The API's RSS and CPU
are printed. The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psutil
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlmodel import select  # noqa: E402

from api.deps import SESSION_COOKIE  # noqa: E402
from bench.stack import percentile  # noqa: E402
from config.settings import load_settings  # noqa: E402
from db.events import CHANNEL, LiveEvent, publish  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import User  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.ports import wait_for_port  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services.auth.login import start_session  # noqa: E402
from tests.conftest import free_port  # noqa: E402

PREFIX = "SSE-"


async def make_agents(maker, settings, count: int) -> tuple[int, list[str]]:
    """``count`` agents accredited for BIG, each with a session token."""
    async with session_scope(maker) as s:
        big = await s.scalar(text("SELECT id FROM products WHERE code = 'BIG'"))
        await s.execute(
            text(
                """INSERT INTO users (username, full_name, role, language, is_active,
                     password_hash, is_demo, failed_logins)
                   SELECT 'sse' || i, 'SSE agent ' || i, 'agent', 'nl', true, 'x', true, 0
                   FROM generate_series(1, :n) i"""
            ),
            {"n": count},
        )
        await s.execute(
            text(
                """INSERT INTO accreditations (user_id, product_id)
                   SELECT id, :big FROM users WHERE username LIKE 'sse%'"""
            ),
            {"big": big},
        )
    tokens = []
    async with session_scope(maker) as s:
        users = (await s.exec(select(User).where(User.username.like("sse%")))).all()
        for user in users:
            tokens.append(await start_session(s, settings, user, True, "127.0.0.1"))
    return big, tokens


def start_api(tmp: Path, database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": database_url,
        "PULSE_DATA_DIR": str(tmp / "data"),
        "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # none: not needed here
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            *("-m", "uvicorn", "--factory", "api.main:create_app"),
            *("--host", "127.0.0.1", "--port", str(port), "--no-access-log"),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    wait_for_port("127.0.0.1", port, "API", proc)
    return proc


class Browser:
    """One agent's open /events stream: when each of our events arrived."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client, self.token = client, token
        self.arrived: dict[str, float] = {}
        self.open = asyncio.Event()
        self.dropped = False

    async def run(self) -> None:
        headers = {"Cookie": f"{SESSION_COOKIE}={self.token}", "Accept": "text/event-stream"}
        try:
            async with self.client.stream("GET", "/events", headers=headers) as response:
                response.raise_for_status()
                async for line in response.aiter_lines():
                    if line.startswith(": connected"):
                        self.open.set()
                    elif line.startswith("data: "):
                        ref = json.loads(line[6:]).get("reference", "")
                        if ref.startswith(PREFIX):
                            self.arrived.setdefault(ref, time.perf_counter())
        except asyncio.CancelledError:
            raise
        except Exception:
            self.dropped = True
        finally:
            self.open.set()


async def bare_listener(conninfo: str, arrived: dict[str, float], ready: asyncio.Event):
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as conn:
        await conn.execute(f"LISTEN {CHANNEL}")
        ready.set()
        async for note in conn.notifies():
            ref = json.loads(note.payload).get("reference", "")
            if ref.startswith(PREFIX):
                arrived.setdefault(ref, time.perf_counter())


async def publish_changes(maker, big: int, rate: float, seconds: float) -> dict[str, float]:
    """Contacts at ``rate``/s; returns reference -> when its commit was sent."""
    committed: dict[str, float] = {}
    count = max(1, int(rate * seconds))
    start = time.perf_counter()
    for i in range(count):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        ref = f"{PREFIX}{i:06d}"
        async with maker() as s:
            contact_id = await s.scalar(
                text(
                    """INSERT INTO contacts (reference, channel, status, subject, language,
                         unreadable, product_id, line, is_complaint, reply_undelivered)
                       VALUES (:ref, 'email', 'new', 'fan-out', 'nl', false, :big, 1,
                         false, false) RETURNING id"""
                ),
                {"ref": ref, "big": big},
            )
            await publish(s, LiveEvent("task", contact_id, big, ref, "new"))
            # from the moment the commit is asked for: PostgreSQL delivers the NOTIFY
            # as the commit completes, sometimes before the client hears it did
            committed[ref] = time.perf_counter()
            await s.commit()
    return committed


def latencies(committed: dict[str, float], arrived: dict[str, float]) -> list[float]:
    return [(arrived[r] - t) * 1000 for r, t in committed.items() if r in arrived]


async def measure(args, settings, maker, pg_url: str, api_port: int, api) -> dict:
    big, tokens = await make_agents(maker, settings, args.agents)
    limits = httpx.Limits(max_connections=args.agents + 10, max_keepalive_connections=0)
    timeout = httpx.Timeout(30.0, read=None)
    bare: dict[str, float] = {}
    bare_ready = asyncio.Event()
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{api_port}", limits=limits, timeout=timeout
    ) as client:
        browsers = [Browser(client, t) for t in tokens]
        tasks = [asyncio.create_task(b.run()) for b in browsers]
        listener = asyncio.create_task(bare_listener(pg_url, bare, bare_ready))
        await asyncio.wait_for(asyncio.gather(*(b.open.wait() for b in browsers)), 120)
        await asyncio.wait_for(bare_ready.wait(), 30)
        proc = psutil.Process(api.pid)
        cpu_before = sum(proc.cpu_times()[:2])
        started = time.perf_counter()
        committed = await publish_changes(maker, big, args.rate, args.seconds)
        await asyncio.sleep(args.settle)  # the last events on their way
        wall = time.perf_counter() - started
        cpu = sum(proc.cpu_times()[:2]) - cpu_before
        rss_mb = proc.memory_info().rss / 2**20
        for t in [*tasks, listener]:
            t.cancel()
        await asyncio.gather(*tasks, listener, return_exceptions=True)
    every = [ms for b in browsers for ms in latencies(committed, b.arrived)]
    expected = len(committed) * len(browsers)
    return {
        "events": len(committed),
        "deliveries": len(every),
        "missing": expected - len(every),
        "dropped": sum(b.dropped for b in browsers),
        "browser_ms": every,
        "bare_ms": latencies(committed, bare),
        "api_rss_mb": rss_mb,
        "api_cpu_pct": 100.0 * cpu / wall,
    }


async def run(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-sse-"))
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    api = None
    try:
        upgrade(pg.url)
        settings = load_settings(environment="test", database_url=pg.url, data_dir=tmp / "data")
        engine = make_engine(settings)
        maker = make_sessionmaker(engine)
        await seed_demo(maker)
        api_port = free_port()
        api = start_api(tmp, pg.url, api_port)
        r = await measure(args, settings, maker, settings.psycopg_url, api_port, api)
        await engine.dispose()
    finally:
        if api is not None:
            api.terminate()
            api.wait(timeout=30)
        pg.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    report(args, r)


def report(args, r: dict) -> None:
    def p(values: list[float], q: float) -> float:
        return percentile(values, q) if values else float("nan")

    b, y = r["browser_ms"], r["bare_ms"]
    print(f"{args.agents} browsers, {r['events']} changes at {args.rate}/s")
    print(f"deliveries {r['deliveries']} (missing {r['missing']}), streams dropped {r['dropped']}")
    worst = max(b, default=0)
    print(
        f"commit -> every browser  p50 {p(b, 0.5):8.1f}  p95 {p(b, 0.95):8.1f}  max {worst:8.1f} ms"
    )
    print(f"yardstick: bare LISTEN   p50 {p(y, 0.5):8.1f}  p95 {p(y, 0.95):8.1f} ms")
    print(f"API process: RSS {r['api_rss_mb']:.0f} MB, CPU {r['api_cpu_pct']:.0f} % of a core")
    ratio = p(b, 0.95) / p(y, 0.95) if y and p(y, 0.95) > 0 else float("nan")
    print(
        f"agents={args.agents} rate={args.rate} events={r['events']} "
        f"p95_ms={p(b, 0.95):.1f} max_ms={worst:.1f} "
        f"bare_p95_ms={p(y, 0.95):.1f} ratio={ratio:.1f} missing={r['missing']} "
        f"dropped={r['dropped']} api_rss_mb={r['api_rss_mb']:.0f} "
        f"api_cpu_pct={r['api_cpu_pct']:.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=3.0, help="wait for the last events")
    asyncio.run(run(parser.parse_args()))
