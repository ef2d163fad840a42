"""Intake benchmark: realistic emails through IMAP -> PULSE -> SMTP, against the bare
Temporal rate on the same server.

    .venv/bin/python bench/intake.py [--emails 2000] [--senders 200]

It starts its own embedded PostgreSQL, Temporal dev server (SQLite file, WAL,
synchronous=normal, as `make run`), IMAP sandbox (pymap) and SMTP sink, and runs
PULSE's worker and intake as separate processes, as in production. It appends
the emails to the BIG mailbox and measures from the first append until the last
message is stored and delivered to its workflow and every acknowledgement has
reached the SMTP sink. Then, on the same Temporal server, the bare rate: start a
workflow that runs one no-op activity, until all complete.

It also counts the acknowledgements per contact AT THE SMTP SINK (by the contact
reference in the subject: ``doubled`` is every second delivery to one contact) and
the workers' database pool waits: checkouts that found every pooled connection in
use and had to wait (``--pool-probe`` runs worker.py with that count).

Figures printed; the last line is key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402
from temporalio.client import Client  # noqa: E402

from adapters.mail.imap_admin import append_messages, create_mailboxes  # noqa: E402
from bench.bare import BareWorkflow  # noqa: E402
from bench.faults import deliveries_per_contact  # noqa: E402
from bench.stack import start_temporal  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Contact, Direction, Message, SendStatus  # noqa: E402
from db.session import make_engine, make_sessionmaker  # noqa: E402
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo  # noqa: E402
from devstack.mail_sandbox import ImapSandbox, SmtpSink  # noqa: E402
from devstack.postgres import EmbeddedPostgres  # noqa: E402
from tests.conftest import free_port  # noqa: E402
from tests.mailservers import DOVECOT, PASSWORD, USER, Dovecot  # noqa: E402

CHARSETS = ["utf-8", "utf-8", "utf-8", "iso-8859-1", "windows-1252", "iso-8859-15"]
SUBJECTS = [
    "Vraag over mijn BIG-registratie",
    "Herregistratie aanvraag – status?",
    "Wijziging adresgegevens",
    "Ik heb mijn pas niet ontvangen",
    "Klacht over de behandeling van mijn aanvraag",
    "Vraag over diploma-erkenning (België)",
]
BODY = (
    "Geachte heer/mevrouw,\n\nIk heb op {d} maart een aanvraag ingediend en nog geen reactie "
    "ontvangen. Kunt u mij laten weten wat de status is? Mijn BIG-nummer is {n}.\n\n"
    "Met vriendelijke groet,\n{name}\n"
)
NAMES = ["Jan Jansen", "Émile Dupré", "Søren Ødegård", "Fatima el Amrani", "Zoë van Dijk"]


def fake_pdf(size: int) -> bytes:
    return b"%PDF-1.4\n" + os.urandom(size) + b"\n%%EOF\n"


def fake_png(size: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(size)


def make_emails(count: int, senders: int, seed: int = 7) -> list[bytes]:
    rnd = random.Random(seed)
    sent_by: dict[int, list[str]] = {}
    out = []
    for _ in range(count):
        who = rnd.randrange(senders)
        name = NAMES[who % len(NAMES)]
        msg = EmailMessage()
        msg["From"] = f"{name} <burger{who}@example.nl>"
        msg["To"] = "big@pulse.test"
        msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
        msg["Date"] = "Mon, 23 Nov 2026 10:00:00 +0100"
        earlier = sent_by.get(who)
        if earlier and rnd.random() < 0.25 * 1.6:  # ~25 % of all mails end up replies
            parent = rnd.choice(earlier)
            msg["Subject"] = "Re: " + rnd.choice(SUBJECTS)
            msg["In-Reply-To"] = parent
            msg["References"] = parent
        else:
            msg["Subject"] = rnd.choice(SUBJECTS)
        body = BODY.format(d=rnd.randint(1, 28), n=rnd.randint(10**10, 10**11), name=name)
        msg.set_content(body, charset=rnd.choice(CHARSETS))
        if rnd.random() < 0.15:
            if rnd.random() < 0.5:
                msg.add_attachment(
                    fake_pdf(rnd.randint(20_000, 200_000)),
                    maintype="application",
                    subtype="pdf",
                    filename="bijlage.pdf",
                )
            else:
                msg.add_attachment(
                    fake_png(rnd.randint(10_000, 100_000)),
                    maintype="image",
                    subtype="png",
                    filename="scan.png",
                )
        sent_by.setdefault(who, []).append(msg["Message-ID"])
        out.append(msg.as_bytes())
    return out


class RssSampler:
    """Peak of the summed RSS of the PULSE processes (worker + intake)."""

    def __init__(self, pids: list[int]):
        self.procs = [psutil.Process(p) for p in pids]
        self.peak = 0
        self._task: asyncio.Task | None = None

    async def _run(self) -> None:
        while True:
            total = 0
            for p in self.procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            self.peak = max(self.peak, total)
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    def stop(self) -> None:
        if self._task:
            self._task.cancel()


class CpuMeter:
    """CPU seconds (user + system, children included) of named process trees between
    ``start`` and ``stop``: shows which process the throughput is bound by."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.began: dict[str, float] = {}
        self.used: dict[str, float] = {}

    @staticmethod
    def _tree_seconds(pid: int) -> float:
        total = 0.0
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(pid)
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    t = p.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
        return total

    def start(self) -> None:
        self.began = {name: self._tree_seconds(pid) for name, pid in self.pids.items()}

    def stop(self) -> None:
        self.used = {
            name: self._tree_seconds(pid) - self.began[name] for name, pid in self.pids.items()
        }

    def line(self, elapsed: float) -> str:
        return " ".join(f"{n}={s:.1f}s({s / elapsed:.0%})" for n, s in self.used.items())


# --- bare Temporal: start + one no-op activity -------------------------------------


async def bare_rate(address: str, count: int, temporal_pid: int) -> tuple[float, CpuMeter]:
    """Workflows/s of start + one no-op activity, worker in its own process."""
    queue = f"bare-{uuid.uuid4()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "bench.bare", "--address", address, "--task-queue", queue], cwd=ROOT
    )
    cpu = CpuMeter({"worker": worker.pid, "temporal": temporal_pid})
    try:
        client = await Client.connect(address)
        await client.execute_workflow(BareWorkflow.run, -1, id=f"{queue}-warm", task_queue=queue)
        sem = asyncio.Semaphore(200)

        async def one(i: int) -> None:
            async with sem:
                await client.execute_workflow(
                    BareWorkflow.run, i, id=f"{queue}-{i}", task_queue=queue
                )

        start = time.perf_counter()
        cpu.start()
        await asyncio.gather(*(one(i) for i in range(count)))
        elapsed = time.perf_counter() - start
        cpu.stop()
        return count / elapsed, cpu
    finally:
        worker.terminate()
        worker.wait(15)


@contextlib.asynccontextmanager
async def imap_server(kind: str, port: int, tmp: Path):
    """Debian's dovecot (a production-grade server) where installed, else the pymap
    sandbox of `make run` (far slower: ~100 messages/s at best)."""
    mailboxes = [p.mailbox for p in DEMO_PRODUCTS] + ["Processed"]
    if kind == "auto":
        kind = "dovecot" if Path(DOVECOT).exists() else "pymap"
    if kind == "pymap":
        async with ImapSandbox(port, tmp / "mail") as imap:
            imap.kind = "pymap"
            yield imap
        return
    dovecot = Dovecot(tmp / "dovecot", port)
    await dovecot.start()
    try:
        await create_mailboxes("127.0.0.1", port, USER, PASSWORD, mailboxes)
        yield SimpleNamespace(user=USER, password=PASSWORD, kind="dovecot")
    finally:
        dovecot.stop()


# --- PULSE -----------------------------------------------------------------------


async def wait_until_done(
    sessionmaker, sink: SmtpSink, expected: int, timeout: float, verbose: bool = False
) -> dict:
    deadline = time.monotonic() + timeout
    last_report = time.monotonic()
    while True:
        async with sessionmaker() as s:
            delivered = await s.scalar(
                select(func.count())
                .select_from(Message)
                .where(
                    Message.direction == Direction.inbound, Message.delivered_to_workflow.is_(True)
                )
            )
            contacts = await s.scalar(select(func.count()).select_from(Contact))
            acks_sent = await s.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.is_acknowledgement.is_(True), Message.send_status == SendStatus.sent)
            )
        if (
            delivered >= expected
            and contacts
            and len(sink.messages) >= contacts
            and acks_sent >= contacts
        ):
            return {"delivered": delivered, "contacts": contacts, "acks": len(sink.messages)}
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"not done: delivered={delivered}/{expected} contacts={contacts} "
                f"acks={len(sink.messages)}"
            )
        if verbose and time.monotonic() - last_report >= 5:
            last_report = time.monotonic()
            tasks = await _count_tasks(sessionmaker)
            print(
                f"  t={timeout - (deadline - last_report):5.1f}s delivered={delivered} "
                f"contacts={contacts} opened={tasks} acks_sent={acks_sent}",
                flush=True,
            )
        await asyncio.sleep(0.5)  # the probe must not steal the CPU it measures


async def _count_tasks(sessionmaker) -> int:
    from db.models.contacts import Task

    async with sessionmaker() as s:
        return await s.scalar(select(func.count()).select_from(Task))


async def main(args) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    procs: list[subprocess.Popen] = []
    pg = EmbeddedPostgres(tmp / "pg", free_port()).start()
    t_port, ui_port, imap_port, smtp_port = (free_port() for _ in range(4))
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": pg.url,
        "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{t_port}",
        "PULSE_IMAP_PORT": str(imap_port),
        "PULSE_SMTP_PORT": str(smtp_port),
        "PULSE_DATA_DIR": str(tmp),
        "PULSE_ACK_RATE_LIMIT_PER_HOUR": "100000",  # 200 senders x 10 mails: ack them all
        "PULSE_IMAP_POLL_SECONDS": "0.5",
    }
    try:
        procs.append(start_temporal(tmp, t_port, ui_port))
        upgrade(pg.url)
        engine = make_engine(_settings(env))
        sessionmaker = make_sessionmaker(engine)
        await seed_demo(sessionmaker)
        emails = make_emails(args.emails, args.senders)
        size_mb = sum(map(len, emails)) / 1e6
        async with (
            imap_server(args.imap, imap_port, tmp) as imap,
            SmtpSink(smtp_port, None) as sink,
        ):
            env["PULSE_IMAP_USER"], env["PULSE_IMAP_PASSWORD"] = imap.user, imap.password
            imap_kind = imap.kind
            commands = [
                ("worker", [sys.executable, "bench/intake.py", "--pool-probe", str(probe)])
                for probe in (tmp / f"pool-{n}.json" for n in range(args.workers))
            ]
            if args.profile:  # every thread of the first worker under cProfile
                env["PULSE_BENCH_PROFILE"] = str(tmp / "worker.prof")
                commands[0] = ("worker", [sys.executable, "-m", "bench.profile_worker"])
            commands.append(("intake", [sys.executable, "-m", "channels.email.service"]))
            for n, (name, cmd) in enumerate(commands):
                log = open(tmp / f"{name}-{n}.log", "wb")  # noqa: SIM115 (the child keeps it)
                procs.append(
                    subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
                )
            await asyncio.sleep(3)  # worker polling, intake in IDLE
            rss = RssSampler([p.pid for p in procs[-len(commands) :]])
            rss.start()
            cpu = CpuMeter(
                {
                    **{
                        f"{name}{n}": p.pid
                        for n, ((name, _), p) in enumerate(
                            zip(commands, procs[-len(commands) :], strict=True)
                        )
                    },
                    "postgres": _postmaster_pid(pg),
                    "temporal": procs[0].pid,
                }
            )
            cpu.start()
            start = time.perf_counter()
            await append_messages("127.0.0.1", imap_port, imap.user, imap.password, "big", emails)
            appended = time.perf_counter() - start
            result = await wait_until_done(
                sessionmaker, sink, args.emails, timeout=600, verbose=args.verbose
            )
            elapsed = time.perf_counter() - start
            rss.stop()
            cpu.stop()
            per_contact = deliveries_per_contact(sink)
            await asyncio.sleep(POOL_PROBE_SECONDS * 1.5)  # the probes' last figures
            pool = pool_figures(tmp.glob("pool-*.json"))
        bare, bare_cpu = await bare_rate(f"127.0.0.1:{t_port}", args.bare, procs[0].pid)
        await engine.dispose()
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()
        pg.stop()

    rate = args.emails / elapsed
    if args.profile:
        from bench.profile_worker import summary

        print(f"cProfile of the worker ({tmp / 'worker.prof'}), per email:")
        print(summary(str(tmp / "worker.prof"), args.emails))
    print(f"IMAP server: {imap_kind}")
    print(
        f"emails: {args.emails} ({size_mb:.1f} MB) from {args.senders} senders; "
        f"contacts: {result['contacts']}; acks delivered: {result['acks']}"
    )
    print(
        f"append to IMAP took {appended:.1f} s; all stored, started and acked after {elapsed:.1f} s"
    )
    print(
        f"PULSE intake: {rate:.1f} emails/s; bare Temporal (start + 1 no-op activity): "
        f"{bare:.1f} workflows/s; ratio {rate / bare:.2f}"
    )
    print(f"CPU used during the intake (share of one core): {cpu.line(elapsed)}")
    print(
        "CPU ms per email: "
        + " ".join(f"{n}={v * 1000 / args.emails:.0f}" for n, v in cpu.used.items())
        + "; per bare workflow: "
        + " ".join(f"{n}={v * 1000 / args.bare:.0f}" for n, v in bare_cpu.used.items())
    )
    print(f"peak RSS of {args.workers} worker(s) + intake: {rss.peak / 2**20:.0f} MB")
    doubled = sum(n - 1 for n in per_contact.values() if n > 1)
    print(
        f"acknowledgements at the SMTP sink: {sum(per_contact.values())} to "
        f"{len(per_contact)} contacts (of {result['contacts']}); most to one contact: "
        f"{max(per_contact.values(), default=0)}; doubled: {doubled}"
    )
    print(
        f"worker DB pool: {pool['checkouts']} checkouts, {pool['waits']} waited for a "
        f"connection (pool exhausted), {pool['wait_s']:.1f} s in all, longest "
        f"{pool['max_wait_s'] * 1000:.0f} ms; {pool['timeouts']} pool timeouts"
    )
    print(
        f"emails_per_s={rate:.1f} bare_temporal_per_s={bare:.1f} ratio={rate / bare:.2f} "
        f"peak_rss_mb={rss.peak / 2**20:.0f} doubled={doubled} pool_waits={pool['waits']} "
        f"pool_timeouts={pool['timeouts']}"
    )


# --- the workers' pool waits -----------------------------------------------------------

POOL_PROBE_SECONDS = 1.0


def run_worker_with_pool_probe(path: Path) -> None:
    """worker.py, with every pool checkout that finds the pool exhausted timed; the
    figures go to ``path`` (JSON) every POOL_PROBE_SECONDS."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout
    from sqlalchemy.pool import QueuePool

    stats = {"checkouts": 0, "waits": 0, "wait_s": 0.0, "max_wait_s": 0.0, "timeouts": 0}
    real = QueuePool._do_get

    def probed(pool):
        stats["checkouts"] += 1
        limit = pool._max_overflow
        exhausted = pool._pool.empty() and limit > -1 and pool._overflow >= limit
        began = time.perf_counter()
        try:
            return real(pool)
        except PoolTimeout:
            stats["timeouts"] += 1
            raise
        finally:
            if exhausted:
                waited = time.perf_counter() - began
                stats["waits"] += 1
                stats["wait_s"] += waited
                stats["max_wait_s"] = max(stats["max_wait_s"], waited)

    QueuePool._do_get = probed

    def write() -> None:
        while True:
            path.with_suffix(".tmp").write_text(json.dumps(stats))
            path.with_suffix(".tmp").replace(path)
            time.sleep(POOL_PROBE_SECONDS)

    threading.Thread(target=write, daemon=True).start()
    import logging

    import worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(worker.main())


def pool_figures(paths) -> dict:
    total = {"checkouts": 0, "waits": 0, "wait_s": 0.0, "max_wait_s": 0.0, "timeouts": 0}
    for path in paths:
        with contextlib.suppress(OSError, ValueError):
            one = json.loads(Path(path).read_text())
            for key in ("checkouts", "waits", "wait_s", "timeouts"):
                total[key] += one[key]
            total["max_wait_s"] = max(total["max_wait_s"], one["max_wait_s"])
    return total


def _postmaster_pid(pg: EmbeddedPostgres) -> int:
    return int((pg.pgdata / "postmaster.pid").read_text().split()[0])


def _settings(env: dict):
    from config.settings import load_settings

    return load_settings(database_url=env["PULSE_DATABASE_URL"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emails", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--bare", type=int, default=1000, help="bare workflows to run")
    parser.add_argument("--imap", choices=["auto", "dovecot", "pymap"], default="auto")
    parser.add_argument("--verbose", action="store_true", help="print progress every 5 s")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker.py processes (it scales by running more copies)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="run the worker under cProfile (all threads; slower) and print where its CPU goes",
    )
    parser.add_argument("--pool-probe", type=Path, help=argparse.SUPPRESS)
    parsed = parser.parse_args()
    if parsed.pool_probe:
        run_worker_with_pool_probe(parsed.pool_probe)
    else:
        asyncio.run(main(parsed))
