"""Email under faults: mails stream through IMAP -> PULSE -> SMTP while every process
is killed once, and what arrived is counted where it arrived.

    .venv/bin/python bench/faults.py [--emails 1000]

Its own embedded PostgreSQL, Temporal dev server (SQLite file), IMAP sandbox (pymap)
and SMTP sink; PULSE's worker and intake as separate processes. The originals go in
in chunks; after each chunk one fault, in this order: kill -9 of the worker, of the
intake, of the Temporal dev server (down 5 s), a PostgreSQL crash (immediate stop,
crash recovery on start), the SMTP server down for a while. A third of the mails
are customers' replies to the acknowledgement they got.

Counted at the end: acknowledgements delivered per contact AT THE SMTP SINK (by the
contact reference in the subject), inbound rows per appended Message-ID, the
contact of every reply against its parent's, and the messages left in INBOX:

- lost: a mail with no row, or a contact with no acknowledgement delivered that is
  not held "uncertain" for a person (activities/delivery.py);
- doubled: every second delivery to a contact, every second row of one mail;
- split: a reply that is not in its parent's contact.

The last line is key=value: ``lost=0 doubled=0 split=0 ...``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func  # noqa: E402
from sqlmodel import select  # noqa: E402

from adapters.mail.imap_admin import append_messages  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.models.contacts import Contact, Direction, Message, SendStatus  # noqa: E402
from db.session import make_engine, make_sessionmaker  # noqa: E402
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo  # noqa: E402
from devstack.mail_sandbox import ImapSandbox, SmtpSink  # noqa: E402
from devstack.ports import wait_for_port  # noqa: E402
from devstack.postgres import EmbeddedPostgres, _bin  # noqa: E402
from devstack.temporal import dev_server_command  # noqa: E402
from tests.conftest import free_port  # noqa: E402

MAILBOX = "big"
REFERENCE = re.compile(r"\[(KCC-\d{4}-\d+)\]")
FAULTS = ("worker", "intake", "temporal", "postgres", "smtp")


def original(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Burger {n} <burger{n}@example.nl>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = f"Vraag nummer {n} over mijn registratie"
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    msg.set_content(f"Vraag {n}: wanneer is mijn aanvraag klaar?\n\nBurger {n}")
    return msg.as_bytes()


def reply_to(ack: EmailMessage, n: int) -> bytes:
    """The customer answers the acknowledgement, as a mail client does."""
    msg = EmailMessage()
    msg["From"] = ack["To"]
    msg["To"] = "big@pulse.test"
    msg["Subject"] = f"Re: {ack['Subject']}"
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    msg["In-Reply-To"] = ack["Message-ID"]
    msg["References"] = " ".join(filter(None, [ack.get("References"), ack["Message-ID"]]))
    msg.set_content(f"Aanvulling {n}: mijn BIG-nummer staat in de bijlage.\n\n> {ack['Subject']}")
    return msg.as_bytes()


@dataclass
class Tally:
    mails: int = 0
    replies: int = 0
    lost: int = 0
    doubled: int = 0
    split: int = 0
    inbox: int = 0
    uncertain: int = 0
    faults: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"mails={self.mails} replies={self.replies} lost={self.lost} "
            f"doubled={self.doubled} split={self.split} inbox={self.inbox} "
            f"uncertain={self.uncertain} faults={'+'.join(self.faults) or 'none'}"
        )


def deliveries_per_contact(sink: SmtpSink) -> Counter:
    """Acknowledgements the SMTP server received, per contact reference."""
    counted: Counter = Counter()
    for mail in sink.messages:
        parsed = message_from_bytes(mail.raw, policy=policy.default)
        if parsed.get("Auto-Submitted") != "auto-replied":
            continue
        found = REFERENCE.search(str(parsed["Subject"] or ""))
        counted[found.group(1) if found else "?"] += 1
    return counted


class Stack:
    """PostgreSQL, Temporal, IMAP, SMTP and PULSE's processes, each killable."""

    def __init__(self, tmp: Path, smtp_down_seconds: float) -> None:
        self.tmp, self.smtp_down_seconds = tmp, smtp_down_seconds
        self.pg = EmbeddedPostgres(tmp / "pg", free_port())
        self.t_port, self.ui_port = free_port(), free_port()
        self.imap_port, self.smtp_port = free_port(), free_port()
        self.temporal: subprocess.Popen | None = None
        self.procs: dict[str, subprocess.Popen] = {}
        self.imap = ImapSandbox(
            self.imap_port, tmp / "mail", mailboxes=[p.mailbox for p in DEMO_PRODUCTS]
        )
        self.sink = SmtpSink(self.smtp_port, None)
        self.env = {
            **os.environ,
            "PULSE_TEMPORAL_ADDRESS": f"127.0.0.1:{self.t_port}",
            "PULSE_IMAP_PORT": str(self.imap_port),
            "PULSE_SMTP_PORT": str(self.smtp_port),
            "PULSE_DATA_DIR": str(tmp),
            "PULSE_ACK_RATE_LIMIT_PER_HOUR": "100000",
            "PULSE_IMAP_POLL_SECONDS": "0.5",
        }
        self.commands = {
            "worker": [sys.executable, "worker.py"],
            "intake": [sys.executable, "-m", "channels.email.service"],
        }

    async def start(self) -> None:
        self.pg.start()
        self.env["PULSE_DATABASE_URL"] = self.pg.url
        upgrade(self.pg.url)
        (self.tmp / "temporal").mkdir()
        self.start_temporal()
        await self.imap.start()
        self.env["PULSE_IMAP_USER"], self.env["PULSE_IMAP_PASSWORD"] = (
            self.imap.user,
            self.imap.password,
        )
        await self.sink.start()

    def start_temporal(self) -> None:
        cmd = dev_server_command(self.tmp / "temporal", "127.0.0.1", self.t_port, self.ui_port)
        self.temporal = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port("127.0.0.1", self.t_port, "Temporal", self.temporal)

    def start_process(self, name: str) -> None:
        log = open(self.tmp / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it)
        self.procs[name] = subprocess.Popen(
            self.commands[name], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.wait(15)

    async def fault(self, name: str) -> None:
        if name in self.procs:
            self.kill(self.procs[name])
            await asyncio.sleep(1.0)
            self.start_process(name)
        elif name == "temporal":
            self.kill(self.temporal)
            await asyncio.sleep(5.0)
            self.start_temporal()
        elif name == "postgres":  # a crash: no checkpoint, recovery from the WAL on start
            subprocess.run(
                [_bin("pg_ctl"), "-D", str(self.pg.pgdata), "-m", "immediate", "-w", "stop"],
                check=True,
                capture_output=True,
                user=self.pg._user,
            )
            await asyncio.sleep(2.0)
            self.pg.start()
        elif name == "smtp":
            await self.sink.stop()
            await asyncio.sleep(self.smtp_down_seconds)
            await self.sink.start()

    async def stop(self) -> None:
        for proc in [*self.procs.values(), self.temporal]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        await self.sink.stop()
        await self.imap.stop()
        self.pg.stop()

    def logs(self) -> str:
        tails = []
        for name in self.commands:
            path = self.tmp / f"{name}.log"
            if path.exists():
                tails.append(f"--- {name}.log\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(tails)


async def _count(sessionmaker, stmt) -> int:
    while True:  # PostgreSQL may be recovering from its crash
        try:
            async with sessionmaker() as s:
                return await s.scalar(stmt)
        except Exception:
            await asyncio.sleep(0.5)


async def _settled(stack: Stack, sessionmaker, originals: int, expected_in: int) -> bool:
    stored = await _count(
        sessionmaker,
        select(func.count())
        .select_from(Message)
        .where(Message.direction == Direction.inbound, Message.delivered_to_workflow.is_(True)),
    )
    open_acks = await _count(
        sessionmaker,
        select(func.count())
        .select_from(Message)
        .where(Message.is_acknowledgement.is_(True), Message.send_status == SendStatus.sending),
    )
    acks = await _count(
        sessionmaker,
        select(func.count()).select_from(Message).where(Message.is_acknowledgement.is_(True)),
    )
    return stored >= expected_in and acks >= originals and open_acks == 0


async def _wait(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout:.0f} s: {what}")
        await asyncio.sleep(0.5)


async def run(emails: int, smtp_down_seconds: float = 20.0, timeout: float = 600.0) -> Tally:
    """Stream ``emails`` mails (a third of them replies) through a stack that suffers
    every fault once; count what arrived."""
    tmp = Path(tempfile.mkdtemp(prefix="pulse-faults-"))
    stack = Stack(tmp, smtp_down_seconds)
    tally = Tally(mails=emails)
    replies = emails // 3
    originals = emails - replies
    engine = None
    try:
        await stack.start()
        engine = make_engine(_settings(stack.env))
        sessionmaker = make_sessionmaker(engine)
        await seed_demo(sessionmaker)
        stack.start_process("worker")
        stack.start_process("intake")
        await asyncio.sleep(2.0)
        sent_ids: list[str] = []
        mails = [original(n) for n in range(originals)]
        chunks = [mails[i :: len(FAULTS)] for i in range(len(FAULTS))]
        imap = stack.imap
        for name, chunk in zip(FAULTS, chunks, strict=True):
            await append_messages(
                "127.0.0.1", stack.imap_port, imap.user, imap.password, MAILBOX, chunk
            )
            sent_ids += [_message_id(raw) for raw in chunk]
            await asyncio.sleep(0.5)  # mid-stream: some stored, some acks in flight
            await stack.fault(name)
            tally.faults.append(name)
        # the customers answer the first acknowledgements that arrived
        await _wait(
            lambda: _enough_acks(stack.sink, replies), timeout, f"{replies} acknowledgements"
        )
        acks = [message_from_bytes(m.raw, policy=policy.default) for m in list(stack.sink.messages)]
        acks = [a for a in acks if a.get("Auto-Submitted") == "auto-replied"][:replies]
        answers = [reply_to(ack, n) for n, ack in enumerate(acks)]
        await append_messages(
            "127.0.0.1", stack.imap_port, imap.user, imap.password, MAILBOX, answers
        )
        sent_ids += [_message_id(raw) for raw in answers]
        tally.replies = len(answers)
        await _wait(
            lambda: _settled(stack, sessionmaker, originals, originals + len(answers)),
            timeout,
            "every mail stored and every acknowledgement decided",
        )
        await _wait(lambda: _inbox_empty(imap), 60, "INBOX empty")
        await asyncio.sleep(2.0)  # a late second delivery would show by now
        await _tally(tally, stack, sessionmaker, sent_ids, answers, acks)
    except Exception as exc:
        raise RuntimeError(f"{exc}\n{stack.logs()}") from exc
    finally:
        if engine is not None:
            await engine.dispose()
        await stack.stop()
    return tally


async def _tally(tally: Tally, stack: Stack, sessionmaker, sent_ids, answers, acks) -> None:
    async with sessionmaker() as s:
        rows = (
            await s.exec(
                select(Message.message_id_header, Message.contact_id).where(
                    Message.direction == Direction.inbound
                )
            )
        ).all()
        contacts = dict((await s.exec(select(Contact.reference, Contact.id))).all())
        held = set(
            (
                await s.exec(
                    select(Contact.reference)
                    .join(Message, Message.contact_id == Contact.id)
                    .where(
                        Message.is_acknowledgement.is_(True),
                        Message.send_status == SendStatus.uncertain,
                    )
                )
            ).all()
        )
    per_mail = Counter(mid for mid, _ in rows)
    contact_of = {mid: cid for mid, cid in rows}
    tally.lost += sum(1 for mid in sent_ids if per_mail[mid] == 0)
    tally.doubled += sum(n - 1 for n in per_mail.values() if n > 1)
    # every contact opened by an original gets one acknowledgement, counted at the sink
    delivered = deliveries_per_contact(stack.sink)
    opened = {contact_of.get(mid) for mid in sent_ids[: len(sent_ids) - len(answers)]}
    by_id = {cid: ref for ref, cid in contacts.items()}
    for cid in opened - {None}:
        ref = by_id[cid]
        if delivered[ref] == 0:
            if ref in held:
                tally.uncertain += 1
            else:
                tally.lost += 1
        tally.doubled += max(0, delivered[ref] - 1)
    for raw, ack in zip(answers, acks, strict=True):
        parent = REFERENCE.search(str(ack["Subject"])).group(1)
        if contact_of.get(_message_id(raw)) != contacts.get(parent):
            tally.split += 1
    tally.inbox = await stack.imap.count(MAILBOX)


def _message_id(raw: bytes) -> str:
    return message_from_bytes(raw, policy=policy.default)["Message-ID"].strip().strip("<>")


async def _enough_acks(sink: SmtpSink, n: int) -> bool:
    return sum(deliveries_per_contact(sink).values()) >= n


async def _inbox_empty(imap: ImapSandbox) -> bool:
    return await imap.count(MAILBOX) == 0


def _settings(env: dict):
    from config.settings import load_settings

    return load_settings(database_url=env["PULSE_DATABASE_URL"])


async def main(args) -> None:
    started = time.perf_counter()
    tally = await run(args.emails, args.smtp_down, args.timeout)
    elapsed = time.perf_counter() - started
    print(f"mails: {tally.mails} ({tally.replies} replies to acknowledgements)")
    print(f"faults, once each mid-stream: {', '.join(tally.faults)}")
    print(
        f"lost: {tally.lost}; doubled: {tally.doubled} (deliveries at the SMTP sink per "
        f"contact, rows per mail); split threads: {tally.split}; left in INBOX: {tally.inbox}"
    )
    print(f"acknowledgements held 'uncertain' for a person (not re-sent): {tally.uncertain}")
    print(f"all settled after {elapsed:.1f} s ({tally.mails / elapsed:.1f} mails/s under faults)")
    print(f"{tally.line()} elapsed_s={elapsed:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--smtp-down", type=float, default=60.0, help="seconds SMTP is down")
    parser.add_argument("--timeout", type=float, default=900.0)
    # Stopped from outside (a timeout): still stop the stack it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    asyncio.run(main(parser.parse_args()))
