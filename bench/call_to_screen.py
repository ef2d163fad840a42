"""Call-to-screen benchmark: AgentConnect written to the AMI socket -> the screen-pop
event received by that agent's SSE client.

    .venv/bin/python bench/call_to_screen.py [--calls 200] [--rate 5] [--agents 20]

Starts its own embedded PostgreSQL and Temporal dev server, and PULSE's worker, AMI
bridge and API as separate processes (as in production). The PBX simulator runs in
this process, so the moment it writes AgentConnect and the moment an agent's
``/phone/events`` stream delivers the screen pop are on one clock. 20 agents are
signed in to the BIG queue (QueueAdd) with an SSE stream open each; calls arrive
at 5/s, ring an agent, are answered after 0.2 s and hung up 1.5 s later. The
simulator sends what asterisk/manager.conf's event filter lets through (--noise: all
~150 events per call, as an unfiltered AMI user gets).

``lost`` counts answered calls whose screen pop never arrived (within 60 s).
The last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # noqa: E402
from sqlmodel import col, select  # noqa: E402

from adapters.ami.client import AmiClient, AmiConfig  # noqa: E402
from bench.stack import start_temporal  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Accreditation, Contact, Product, Role, User, WebSession, utcnow  # noqa: E402
from db.models.phone import PhoneCall  # noqa: E402
from db.session import make_engine, make_sessionmaker, session_scope  # noqa: E402
from devstack.demo.seed import seed_demo  # noqa: E402
from devstack.pbx_simulator import MANAGER_CONF_FILTER, PbxSimulator  # noqa: E402
from devstack.ports import wait_for_port  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from services.security import hash_session_token, new_csrf_token, new_session_token  # noqa: E402
from tests.conftest import free_port  # noqa: E402

SECRET = "bench-secret"


async def make_agents(maker, count: int) -> list[tuple[str, str]]:
    """Agents accredited for BIG, each with a logged-in session: (username, token)."""
    out = []
    async with session_scope(maker) as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        for i in range(count):
            user = User(
                username=f"bench{i:02d}",
                full_name=f"Bench {i}",
                role=Role.agent,
                password_hash="!",
                is_demo=False,
            )
            s.add(user)
            await s.flush()
            s.add(Accreditation(user_id=user.id, product_id=big.id))
            token = new_session_token()
            s.add(
                WebSession(
                    token_hash=hash_session_token(token),
                    user_id=user.id,
                    csrf_token=new_csrf_token(),
                    mfa_passed=True,
                    created_at=utcnow(),
                    last_seen_at=utcnow(),
                )
            )
            out.append((user.username, token))
    return out


class Screen:
    """One agent's browser: the /phone/events stream, screen pops with arrival times."""

    def __init__(self, base: str, token: str) -> None:
        self.client = httpx.AsyncClient(base_url=base, cookies={"pulse_session": token})
        self.pops: dict[str, float] = {}
        self.open = asyncio.Event()
        self.task: asyncio.Task | None = None

    async def run(self) -> None:
        async with self.client.stream("GET", "/phone/events", timeout=None) as response:
            response.raise_for_status()
            self.open.set()
            event = ""
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: ") and event == "screenpop":
                    self.pops[json.loads(line[6:])["reference"]] = time.perf_counter()


async def one_call(sim: PbxSimulator, number: str, talk: float, linkedids: list[str]) -> None:
    linkedid = sim.call_in("big-register", number)
    linkedids.append(linkedid)
    for _ in range(3000):  # wait for the answer (max ~150 s)
        call = sim.calls.get(linkedid)
        if call is None or call.state == "connected":
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(talk)
    sim.hang_up(linkedid)


async def run_calls(sim, count: int, rate: float, talk: float, offset: int) -> list[str]:
    linkedids: list[str] = []
    tasks = []
    for i in range(count):
        tasks.append(asyncio.create_task(one_call(sim, f"06{offset + i:08d}", talk, linkedids)))
        await asyncio.sleep(1 / rate)
    await asyncio.gather(*tasks)
    return linkedids


async def references(maker, linkedids: list[str]) -> dict[str, str]:
    async with maker() as s:
        rows = await s.exec(
            select(PhoneCall.linkedid, Contact.reference)
            .join(Contact, Contact.id == PhoneCall.contact_id)
            .where(col(PhoneCall.linkedid).in_(linkedids))
        )
        return dict(rows.all())


def _cpu_seconds(proc: subprocess.Popen) -> float:
    times = psutil.Process(proc.pid).cpu_times()
    return times.user + times.system


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-phone-"))
    procs: list[subprocess.Popen] = []
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    t_port, ui_port, api_port = free_port(), free_port(), free_port()
    sim = await PbxSimulator(
        secret=SECRET,
        auto_answer_after=args.answer_after,
        event_filter=None if args.noise else MANAGER_CONF_FILTER,
    ).start()
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": pg.url,
        "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
        "PULSE_DATA_DIR": str(tmp),
        "PULSE_API_PORT": str(api_port),
        "PULSE_AMI_PORT": str(sim.port),
        "PULSE_AMI_SECRET": SECRET,
    }
    screens: list[Screen] = []
    ami = AmiClient(AmiConfig("127.0.0.1", sim.port, "pulse", SECRET))
    try:
        procs.append(start_temporal(tmp, t_port, ui_port))
        upgrade(pg.url)
        os.environ.update({"PULSE_DATABASE_URL": pg.url})
        from config.settings import load_settings

        engine = make_engine(load_settings(database_url=pg.url))
        maker = make_sessionmaker(engine)
        await seed_demo(maker)
        agents = await make_agents(maker, args.agents)
        commands = [("worker", [sys.executable, "worker.py"])] * args.workers
        names = [name for name, _ in commands] + ["bridge", "api"]
        for name, cmd in (
            *commands,
            ("bridge", [sys.executable, "-m", "channels.phone.bridge"]),
            (
                "api",
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "api.main:create_app",
                    "--port",
                    str(api_port),
                    "--no-access-log",
                    "--log-level",
                    "warning",
                ],
            ),
        ):
            log = open(tmp / f"{name}.log", "wb")  # noqa: SIM115 (the child keeps it)
            procs.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log))
        wait_for_port("127.0.0.1", api_port, "API", procs[-1])
        for username, _ in agents:
            await ami.queue_add("big-register", f"PJSIP/{username}", username)
        base = f"http://127.0.0.1:{api_port}"
        for _, token in agents:
            screen = Screen(base, token)
            screen.task = asyncio.create_task(screen.run())
            screens.append(screen)
        await asyncio.wait_for(asyncio.gather(*(s.open.wait() for s in screens)), 30)
        await asyncio.sleep(2)  # the bridge has processed the memberships

        warm = await run_calls(sim, 10, args.rate, args.talk, 90_000_000)  # caches, JIT, pools
        cpu_before = {n: _cpu_seconds(p) for n, p in zip(names, procs[1:], strict=True)}
        measured = await run_calls(sim, args.calls, args.rate, args.talk, 0)
        refs = await references(maker, measured)

        def arrived() -> dict[str, float]:
            pops: dict[str, float] = {}
            for screen in screens:
                pops.update(screen.pops)
            return pops

        for _ in range(600):  # the last pops: up to 60 s
            pops = arrived()
            if all(refs.get(lid) in pops for lid in measured if lid in sim.connect_sent):
                break
            await asyncio.sleep(0.1)
        pops = arrived()
        cpu = {n: _cpu_seconds(p) - cpu_before[n] for n, p in zip(names, procs[1:], strict=True)}
        await engine.dispose()
    finally:
        for screen in screens:
            if screen.task:
                screen.task.cancel()
            with contextlib.suppress(Exception):
                await screen.client.aclose()
        ami.close()
        await sim.stop()
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        pg.stop()

    answered = [lid for lid in measured if lid in sim.connect_sent]
    latencies = [
        (pops[refs[lid]] - sim.connect_sent[lid]) * 1000
        for lid in answered
        if refs.get(lid) in pops
    ]
    lost = len(answered) - len(latencies) + (len(measured) - len(answered))
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else float("nan")
    print(
        f"calls: {len(measured)} at {args.rate}/s over {args.agents} agents "
        f"(+{len(warm)} warm-up); answered: {len(answered)}"
    )
    print(f"screen pops: {len(latencies)}")
    print(
        f"AgentConnect -> screen pop: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(latencies, default=float('nan')):.1f} ms"
    )
    total = len(measured)
    print("CPU per call: " + ", ".join(f"{n} {1000 * c / total:.0f} ms" for n, c in cpu.items()))
    print(f"p50_ms={p50:.1f} p95_ms={p95:.1f} lost={lost}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--answer-after", type=float, default=0.2)
    parser.add_argument("--talk", type=float, default=1.5)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--noise", action="store_true", help="no manager.conf event filter: every event is sent"
    )
    asyncio.run(main(parser.parse_args()))
