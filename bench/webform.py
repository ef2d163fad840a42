"""Web form benchmark: submissions through the public form on the real stack.

    .venv/bin/python bench/webform.py [--submissions 200] [--rate 10] [--burst 200]
        [--seconds 20] [--visitors-rate 2]

It starts embedded PostgreSQL, a Temporal dev server, PULSE's worker and the API
(uvicorn) as separate processes, and an SMTP sink for the confirmation mails.
Visitors are real HTTP clients, each bound to its own loopback address
(127.0.x.y), so the limit per IP applies as it would on the internet. Every
visitor loads the form, solves its ALTCHA challenge (beforehand, not timed) and
posts it.

1. paced: ``--submissions`` at ``--rate`` per second; submit -> task visible in
   the inbox (the task row's insert time minus the moment the post was sent).
2. sustained: ``--burst`` submissions as fast as 16 visitors at a time can post:
   submissions/s.
3. quiet vs flood: visitors at ``--visitors-rate``/s for ``--seconds``, once alone
   and once while one IP floods the form with 8 posts at a time (refused after
   its limit): p95 of the visitors' posts in both.

Figures printed; the last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from bench.stack import percentile, start_temporal  # noqa: E402
from config.settings import load_settings  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Task  # noqa: E402
from db.models.webform import WebformRefusal, WebformSubmission  # noqa: E402
from db.session import make_engine, make_sessionmaker  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.mail_sandbox import SmtpSink  # noqa: E402
from devstack.ports import wait_for_port  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services.webform import abuse  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.webform_support import challenge_of, hidden, reason_ids  # noqa: E402

FORM = "/formulier/big"
# Joined reads go through session.execute (rows of two columns); SQLModel's hint to
# use exec() would otherwise fill the figures a person reads.
warnings.filterwarnings(
    "ignore", message="(?s).*You probably want to use .session.exec", category=DeprecationWarning
)


class Visitors:
    """Loopback addresses, one per visitor, and their ready-to-post forms."""

    def __init__(self, base: str):
        self.base = base
        self.next_ip = 0
        self.pool = ThreadPoolExecutor(2)

    def address(self) -> str:
        self.next_ip += 1
        return f"127.0.{1 + self.next_ip // 250}.{1 + self.next_ip % 250}"

    def client(self, ip: str) -> httpx.AsyncClient:
        transport = httpx.AsyncHTTPTransport(local_address=ip)
        return httpx.AsyncClient(base_url=self.base, transport=transport, timeout=60)

    async def ready_form(self, n: int, solve: bool = True) -> tuple[str, dict]:
        ip = self.address()
        async with self.client(ip) as client:
            page = (await client.get(FORM)).text
        data = {
            "sid": hidden(page, "sid"),
            "reason": reason_ids(page)[0],
            "name": f"Bezoeker {n}",
            "email": f"bezoeker{n}-{ip}@example.nl",
            "role": "citizen",
            "identifier_kind": "big",
            "message": "Wanneer is mijn herregistratie klaar?",
            "privacy": "yes",
        }
        if solve:
            loop = asyncio.get_running_loop()
            data["altcha"] = await loop.run_in_executor(self.pool, abuse.solve, challenge_of(page))
        return ip, data

    async def forms(self, count: int, start: int) -> list[tuple[str, dict]]:
        sem = asyncio.Semaphore(8)

        async def one(n):
            async with sem:
                return await self.ready_form(n)

        return await asyncio.gather(*(one(start + i) for i in range(count)))


async def post(visitors: Visitors, ip: str, data: dict) -> tuple[float, float, int]:
    """(wall-clock start, seconds, status) of one post."""
    async with visitors.client(ip) as client:
        wall, t0 = time.time(), time.perf_counter()
        response = await client.post(FORM, data=data, follow_redirects=False)
        return wall, time.perf_counter() - t0, response.status_code


async def paced(visitors, forms, rate: float) -> list[tuple[float, float, int, str]]:
    tasks = []
    for i, (ip, data) in enumerate(forms):
        await asyncio.sleep(max(0.0, i / rate - (time.perf_counter() - paced.t0)))
        tasks.append(asyncio.create_task(post(visitors, ip, data)))
    results = await asyncio.gather(*tasks)
    return [(*r, data["sid"]) for r, (_, data) in zip(results, forms, strict=True)]


async def visitors_for(visitors, seconds: float, rate: float, start: int) -> list[float]:
    forms = await visitors.forms(int(seconds * rate), start)
    paced.t0 = time.perf_counter()
    return [seconds for _, seconds, _, _ in await paced(visitors, forms, rate)]


async def flood(visitors: Visitors, stop: asyncio.Event) -> int:
    ip = visitors.address()
    _, data = await visitors.ready_form(0, solve=False)
    sent = 0

    async def worker():
        nonlocal sent
        async with visitors.client(ip) as client:
            while not stop.is_set():
                await client.post(FORM, data={**data, "sid": f"flood{sent:012d}{id(client)}"})
                sent += 1

    await asyncio.gather(*(worker() for _ in range(8)))
    return sent


async def task_lags(sessionmaker, sent: list[tuple[float, float, int, str]]) -> list[float]:
    started = {sid: wall for wall, _, _, sid in sent}
    async with sessionmaker() as s:
        rows = (
            await s.execute(
                select(WebformSubmission.submission_key, Task.created_at).join(
                    Task, Task.contact_id == WebformSubmission.contact_id
                )
            )
        ).all()
    return [
        created.astimezone(UTC).timestamp() - started[key]
        for key, created in rows
        if key in started
    ]


async def wait_tasks(sessionmaker, expected: int, timeout: float) -> None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        async with sessionmaker() as s:
            if (await s.scalar(select(func.count()).select_from(Task))) >= expected:
                return
        await asyncio.sleep(0.2)
    raise RuntimeError(f"fewer than {expected} tasks after {timeout} s")


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-webform-"))
    procs: list[subprocess.Popen] = []
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    t_port, ui_port, api_port = free_port(), free_port(), free_port()
    smtp = SmtpSink(free_port(), None)
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": pg.url,
        "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
        "PULSE_DATA_DIR": str(tmp),
        "PULSE_SMTP_PORT": str(smtp.port),
        "PULSE_WEBFORM_ALTCHA_COST": str(args.altcha_cost),
        "PULSE_ACK_RATE_LIMIT_PER_HOUR": "1000",
    }
    try:
        await smtp.__aenter__()
        procs.append(start_temporal(tmp, t_port, ui_port))
        upgrade(pg.url)
        engine = make_engine(load_settings(database_url=pg.url))
        sessionmaker = make_sessionmaker(engine)
        await seed_demo(sessionmaker)
        log = open(tmp / "processes.log", "wb")  # noqa: SIM115 (the children keep it)
        for command in (
            [sys.executable, "worker.py"],
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.main:create_app",
                "--port",
                str(api_port),
                "--log-level",
                "warning",
            ],
        ):
            procs.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
        wait_for_port("127.0.0.1", api_port, "API", procs[-1], timeout=240)
        visitors = Visitors(f"http://127.0.0.1:{api_port}")
        await asyncio.sleep(2)  # the worker is polling

        forms = await visitors.forms(args.submissions, 1)
        paced.t0 = time.perf_counter()
        sent = await paced(visitors, forms, args.rate)
        await wait_tasks(sessionmaker, args.submissions, 300)
        lags = await task_lags(sessionmaker, sent)

        burst_forms = await visitors.forms(args.burst, 10_000)
        sem = asyncio.Semaphore(16)

        async def limited(ip, data):
            async with sem:
                return await post(visitors, ip, data)

        t0 = time.perf_counter()
        results = await asyncio.gather(*(limited(ip, d) for ip, d in burst_forms))
        rate = len(results) / (time.perf_counter() - t0)
        await wait_tasks(sessionmaker, args.submissions + args.burst, 300)

        quiet = await visitors_for(visitors, args.seconds, args.visitors_rate, 20_000)
        stop = asyncio.Event()
        flooding = asyncio.create_task(flood(visitors, stop))
        await asyncio.sleep(1)
        loud = await visitors_for(visitors, args.seconds, args.visitors_rate, 30_000)
        stop.set()
        flood_posts = await flooding
        async with sessionmaker() as s:
            refused = await s.scalar(select(func.count()).select_from(WebformRefusal))
        await engine.dispose()
    finally:
        for p in reversed(procs):
            p.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(15)
            if p.poll() is None:
                p.kill()
        await smtp.__aexit__(None, None, None)
        pg.stop()

    bad = [s for _, _, s, _ in sent if s != 303] + [s for _, _, s in results if s != 303]
    p50, p95 = percentile(lags, 0.5) * 1000, percentile(lags, 0.95) * 1000
    quiet95, loud95 = percentile(quiet, 0.95) * 1000, percentile(loud, 0.95) * 1000
    print(f"paced: {args.submissions} submissions at {args.rate}/s; not accepted: {len(bad)}")
    print(f"submit -> task visible in the inbox: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    print(f"sustained: {args.burst} submissions, 16 at a time: {rate:.1f} submissions/s")
    print(
        f"other visitors' posts ({args.visitors_rate}/s for {args.seconds} s): quiet p95 "
        f"{quiet95:.0f} ms, while one IP floods ({flood_posts} posts, {refused} refused) "
        f"p95 {loud95:.0f} ms = {loud95 / quiet95:.2f}x"
    )
    print(
        f"submissions_per_s={rate:.1f} task_p50_ms={p50:.0f} task_p95_ms={p95:.0f} "
        f"quiet_p95_ms={quiet95:.0f} flood_p95_ms={loud95:.0f} flood_ratio={loud95 / quiet95:.2f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--visitors-rate", type=float, default=2.0)
    parser.add_argument("--altcha-cost", type=int, default=5000)
    asyncio.run(main(parser.parse_args()))
