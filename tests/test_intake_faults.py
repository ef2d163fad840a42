"""Bad input and crashes lose nothing.

- hostile or broken messages each become a contact (flagged "unreadable" where
  they cannot be parsed, raw bytes kept), none stops intake;
- SMTP down: outgoing mail stays "sending" and goes out when SMTP is back;
- the worker and then the intake are killed (SIGKILL) in the middle of 60
  arriving messages: after restart every message is a contact exactly once and
  every acknowledgement was sent.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select
from temporalio.client import WorkflowExecutionStatus

from adapters.mail.imap_admin import append_messages
from channels.email.intake import MailIntake
from contracts.contact import contact_workflow_id
from db.models.contacts import Blob, Contact, Direction, Message, SendStatus
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo
from devstack.mail_sandbox import ImapSandbox, SmtpSink
from runtime.worker import build_worker
from tests.conftest import free_port
from tests.test_mailparse import CORPUS

ROOT = Path(__file__).resolve().parent.parent


async def eventually(check, timeout=30.0, interval=0.1):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s (last: {result!r})")
        await asyncio.sleep(interval)


async def count(db, stmt) -> int:
    async with db() as s:
        return (await s.exec(stmt)).one()


def customer_mail(n: int, sender: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender or f"Burger {n} <burger{n}@example.nl>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = f"Vraag nummer {n}"
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    msg.set_content(f"Vraag {n}: wanneer is mijn aanvraag klaar?")
    return msg.as_bytes()


@pytest.fixture
async def in_process(db, settings, temporal_env, smtp_sink):
    await seed_demo(db)
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port, "ack_rate_limit_per_hour": 100})
    async with build_worker(temporal_env.client, cfg, db):
        yield MailIntake(db, temporal_env.client, cfg), db


async def test_hostile_messages_each_become_a_contact(in_process):
    intake, db = in_process
    for uid, (_name, raw) in enumerate(sorted(CORPUS.items()), start=1):
        await intake.handle(raw, "big", 1, uid)  # must not raise, whatever the input
    inbound = await count(
        db, select(func.count()).select_from(Message).where(Message.direction == Direction.inbound)
    )
    assert inbound == len(CORPUS)
    async with db() as s:
        rows = (
            await s.exec(
                select(Message, Contact).join(Contact).where(Message.direction == Direction.inbound)
            )
        ).all()
        for message, contact in rows:
            blob = await s.get(Blob, message.raw_sha256)
            assert blob is not None and blob.size == len(blob.data)  # raw kept, downloadable
            if message.parse_error:
                assert contact.unreadable, message.parse_error
            assert "<script" not in (message.html_sanitized or "").lower()
    assert any(c.unreadable for _, c in rows), "the corpus has unparseable messages"


async def test_crash_between_store_and_start_resumes_the_same_contact(in_process):
    """The intake dies after storing a new message but before starting its workflow:
    handling it again starts that contact's workflow; it must not take the message
    for a reply to a finished thread and open a second contact."""
    intake, db = in_process
    raw = customer_mail(7)
    stored = await intake.store(raw, "big", 1, 7)  # ... and then the process dies
    await intake.handle(raw, "big", 1, 7)  # the message is fetched again after restart
    assert await count(db, select(func.count()).select_from(Contact)) == 1
    handle = intake.temporal.get_workflow_handle(contact_workflow_id(stored.reference))
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    async with db() as s:
        message = await s.get(Message, stored.message_id)
        assert message.contact_id == stored.contact_id and message.delivered_to_workflow


async def test_smtp_down_keeps_mail_sending_until_it_is_back(in_process, smtp_sink):
    intake, db = in_process
    smtp_sink.set_failing(True)
    await intake.handle(customer_mail(1), "big", 1, 1)

    async def ack_status():
        async with db() as s:
            ack = (await s.exec(select(Message).where(Message.is_acknowledgement))).first()
            return ack and (ack.send_status, ack.send_error)

    status, error = await eventually(lambda: _with_error(ack_status))
    assert status == SendStatus.sending and "451" in error
    assert smtp_sink.messages == []
    smtp_sink.set_failing(False)
    await eventually(lambda: _status_is(ack_status, SendStatus.sent), timeout=30)
    await smtp_sink.wait_for(1, timeout=5)


async def _with_error(probe):
    result = await probe()
    return result if result and result[1] else None


async def _status_is(probe, status):
    result = await probe()
    return result and result[0] == status


# --- the crash test: real processes, SIGKILL ---------------------------------------


class Process:
    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log_dir: Path):
        self.name, self.cmd, self.env, self.log_dir = name, cmd, env, log_dir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_dir / f"{self.name}.log", "ab")  # noqa: SIM115 (child keeps it)
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.mark.slow
async def test_kill_worker_then_intake_mid_stream(db, settings, temporal_dev, tmp_path):
    await seed_demo(db)
    total = 60  # enough for both kills to land mid-stream (bench/faults.py runs 1,000)
    imap_port, smtp_port = free_port(), free_port()
    target = temporal_dev.client.service_client.config.target_host
    env = {
        **os.environ,
        "PULSE_DATABASE_URL": settings.database_url,
        "PULSE_TEMPORAL_ADDRESS": target,
        "PULSE_TEMPORAL_TASK_QUEUE": f"faults-{uuid.uuid4()}",
        "PULSE_IMAP_PORT": str(imap_port),
        "PULSE_SMTP_PORT": str(smtp_port),
        "PULSE_ACK_RATE_LIMIT_PER_HOUR": "1000",
        "PULSE_IMAP_POLL_SECONDS": "0.5",
        "PULSE_DATA_DIR": str(tmp_path),
    }
    worker = Process("worker", [sys.executable, "worker.py"], env, tmp_path)
    intake = Process("intake", [sys.executable, "-m", "channels.email.service"], env, tmp_path)
    mailboxes = [p.mailbox for p in DEMO_PRODUCTS]
    async with (
        ImapSandbox(imap_port, tmp_path / "mail", mailboxes=mailboxes) as imap,
        SmtpSink(smtp_port, tmp_path / "smtp") as sink,
    ):
        worker.start()
        intake.start()
        try:
            mails = [customer_mail(n) for n in range(total)]
            appending = asyncio.create_task(
                append_messages("127.0.0.1", imap_port, imap.user, imap.password, "big", mails)
            )

            stored = (
                select(func.count())
                .select_from(Message)
                .where(Message.direction == Direction.inbound)
            )
            await eventually(lambda: _at_least(db, stored, 15), timeout=60)
            worker.kill()  # mid-stream: workflows and activities in flight
            await asyncio.sleep(1.0)
            worker.start()
            await eventually(lambda: _at_least(db, stored, 35), timeout=60)
            intake.kill()  # mid-batch: fetched, maybe stored, not yet moved
            await asyncio.sleep(1.0)
            intake.start()
            await appending

            acks_sent = (
                select(func.count())
                .select_from(Message)
                .where(Message.is_acknowledgement, Message.send_status == SendStatus.sent)
            )
            await eventually(lambda: _at_least(db, acks_sent, total), timeout=180)
            await eventually(lambda: _inbox_empty(imap), timeout=60)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{await _state(db, imap, tmp_path)}") from None
        finally:
            intake.stop()
            worker.stop()

        assert await count(db, stored) == total
        assert await count(db, select(func.count()).select_from(Contact)) == total
        assert await count(db, acks_sent) == total
        # every customer got exactly one acknowledgement, counted at the SMTP sink:
        # a second delivery (a resend after a crash, same Message-ID or not) shows here
        per_customer = Counter(
            message_from_bytes(mail.raw, policy=policy.default)["To"].addresses[0].addr_spec
            for mail in sink.messages
        )
        assert per_customer == Counter({f"burger{n}@example.nl": 1 for n in range(total)})


async def _state(db, imap: ImapSandbox, logs: Path) -> str:
    """What a failed crash test leaves to diagnose: counts and the processes' logs."""
    counts = {
        "inbound": select(func.count())
        .select_from(Message)
        .where(Message.direction == Direction.inbound),
        "undelivered": select(func.count())
        .select_from(Message)
        .where(Message.direction == Direction.inbound, Message.delivered_to_workflow.is_(False)),
        "contacts": select(func.count()).select_from(Contact),
        "acks": select(func.count()).select_from(Message).where(Message.is_acknowledgement),
        "acks_sent": select(func.count())
        .select_from(Message)
        .where(Message.is_acknowledgement, Message.send_status == SendStatus.sent),
    }
    lines = [f"{name}={await count(db, stmt)}" for name, stmt in counts.items()]
    lines.append(f"inbox={await imap.count('big')} processed={await imap.count('Processed')}")
    for name in ("worker", "intake"):
        log = (logs / f"{name}.log").read_text(errors="replace")
        lines.append(f"--- {name}.log (tail)\n{log[-3000:]}")
    return "\n".join(lines)


async def _at_least(db, stmt, n: int) -> bool:
    return await count(db, stmt) >= n


async def _inbox_empty(imap: ImapSandbox) -> bool:
    return await imap.count("big") == 0
