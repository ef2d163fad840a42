"""More than one of each: two intake processes and two AMI bridges, one active per
mailbox / Asterisk by a PostgreSQL advisory-lock lease (db/leases.py). Killing the
active one (SIGKILL) lets the standby take over; nothing is lost or doubled."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid

import psycopg
from sqlalchemy import func
from sqlmodel import select

from adapters.mail.imap_admin import append_messages
from db.leases import Lease, conninfo
from db.models.contacts import Contact, Direction, Message
from db.models.phone import PhoneCall
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo
from devstack.mail_sandbox import ImapSandbox
from devstack.pbx_simulator import PbxSimulator
from tests.conftest import free_port
from tests.test_intake_faults import Process, count, customer_mail, eventually


async def test_one_holder_and_the_standby_takes_over(settings):
    first = Lease(settings.database_url, "test:lease", retry_seconds=0.1, renew_seconds=0.1)
    second = Lease(settings.database_url, "test:lease", retry_seconds=0.1, renew_seconds=0.1)
    assert await first.acquire()
    stopping = asyncio.Event()
    waiting = asyncio.create_task(second.acquire(stopping))
    await asyncio.sleep(0.3)
    assert not waiting.done()  # held elsewhere: stands by
    # the holder's session dies (as when its process is killed)
    async with await psycopg.AsyncConnection.connect(
        conninfo(settings.database_url), autocommit=True
    ) as admin:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory'"
            " AND classid::bigint = %s AND objid::bigint = %s AND granted",
            ((first.key >> 32) & 0xFFFFFFFF, first.key & 0xFFFFFFFF),
        )
    assert await asyncio.wait_for(waiting, 10)
    await asyncio.wait_for(first.lost.wait(), 10)
    assert second.held and not first.held
    await first.release()
    await second.release()
    assert await first.acquire()  # released: free again
    await first.release()


def log_of(tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.log"
    return path.read_text(errors="replace") if path.exists() else ""


async def log_says(tmp_path, name: str, text: str, timeout: float = 60) -> None:
    async def said():
        return text in log_of(tmp_path, name)

    await eventually(said, timeout=timeout)


def environment(settings, temporal_dev, tmp_path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "PULSE_DATABASE_URL": settings.database_url,
        "PULSE_TEMPORAL_ADDRESS": temporal_dev.client.service_client.config.target_host,
        "PULSE_TEMPORAL_TASK_QUEUE": f"leases-{uuid.uuid4()}",
        "PULSE_DATA_DIR": str(tmp_path),
        **extra,
    }


async def test_two_ami_bridges_one_active_the_standby_takes_over(
    db, settings, temporal_dev, tmp_path
):
    await seed_demo(db)
    secret = "lease-secret"
    async with PbxSimulator(secret=secret, ring_timeout=600) as sim:
        env = environment(
            settings, temporal_dev, tmp_path, PULSE_AMI_PORT=str(sim.port), PULSE_AMI_SECRET=secret
        )
        cmd = [sys.executable, "-m", "channels.phone.bridge"]
        first, second = (
            Process("bridge-a", cmd, env, tmp_path),
            Process("bridge-b", cmd, env, tmp_path),
        )
        first.start()
        try:
            await log_says(tmp_path, "bridge-a", "AMI: reconciled")
            second.start()
            await log_says(tmp_path, "bridge-b", "standing by")
            before = [sim.call_in("big-register", f"06123400{n:02d}") for n in range(5)]
            calls = select(func.count()).select_from(PhoneCall)
            await eventually(lambda: at_least(db, calls, 5))
            first.kill()
            # while nobody listens: these are found by the standby's reconcile
            gap = [sim.call_in("big-register", f"06123402{n:02d}") for n in range(3)]
            await log_says(tmp_path, "bridge-b", "AMI: reconciled")
            after = [sim.call_in("uzi-register", f"06123401{n:02d}") for n in range(5)]
            await eventually(lambda: at_least(db, calls, 13))
        finally:
            first.stop()
            second.stop()
    async with db() as s:
        rows = (await s.exec(select(PhoneCall.linkedid))).all()
        contacts = (await s.exec(select(func.count()).select_from(Contact))).one()
    assert sorted(rows) == sorted(before + gap + after)  # lost=0
    assert contacts == 13  # doubled=0: one contact per call


async def test_two_intakes_one_watcher_per_mailbox_the_standby_takes_over(
    db, settings, temporal_dev, tmp_path
):
    await seed_demo(db)
    total = 60
    imap_port = free_port()
    env = environment(
        settings,
        temporal_dev,
        tmp_path,
        PULSE_IMAP_PORT=str(imap_port),
        PULSE_IMAP_POLL_SECONDS="0.5",
        PULSE_SMTP_PORT=str(free_port()),
    )
    cmd = [sys.executable, "-m", "channels.email.service"]
    first, second = Process("intake-a", cmd, env, tmp_path), Process("intake-b", cmd, env, tmp_path)
    mailboxes = [p.mailbox for p in DEMO_PRODUCTS]
    async with ImapSandbox(imap_port, tmp_path / "mail", mailboxes=mailboxes) as imap:
        first.start()
        try:
            await log_says(tmp_path, "intake-a", "lease intake:big: held")
            second.start()
            await log_says(tmp_path, "intake-b", "lease intake:big: held elsewhere")
            mails = [customer_mail(n) for n in range(total)]
            appending = asyncio.create_task(
                append_messages("127.0.0.1", imap_port, imap.user, imap.password, "big", mails)
            )
            stored = (
                select(func.count())
                .select_from(Message)
                .where(Message.direction == Direction.inbound)
            )
            await eventually(lambda: at_least(db, stored, 10), timeout=60)
            first.kill()  # mid-stream
            await log_says(tmp_path, "intake-b", "lease intake:big: held\n")
            await appending
            await eventually(lambda: at_least(db, stored, total), timeout=120)

            async def inbox_empty():
                return await imap.count("big") == 0

            await eventually(inbox_empty, timeout=60)
        finally:
            first.stop()
            second.stop()
    senders = select(Message.from_address).where(Message.direction == Direction.inbound)
    async with db() as s:
        got = (await s.exec(senders)).all()
    assert await count(db, stored) == total and len(set(got)) == total  # lost=0 doubled=0
    assert await count(db, select(func.count()).select_from(Contact)) == total


async def at_least(db, stmt, n: int) -> bool:
    return await count(db, stmt) >= n
