"""A mail SMTP accepted is never sent again: counted at the SMTP sink.

- recording "sent" fails after SMTP took the mail (a pool timeout, PostgreSQL away):
  the outcome is recorded by a retried step; a second attempt only records;
- the sending process is SIGKILLed while the sink takes the mail (after DATA's end,
  before PULSE hears 250): the retry finds the journal line and holds the mail
  "uncertain" instead of sending it again;
- a process killed before DATA delivered nothing: the retry sends, once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select
from temporalio.testing import ActivityEnvironment

from activities import delivery
from activities.contacts import ContactActivities
from contracts.contact import SendMessageInput
from db.models.contacts import ContactEvent, Direction, Message, SendStatus
from db.session import session_scope
from devstack.mail_sandbox import SmtpSink
from tests.api_support import make_contact, seeded
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parent.parent


async def _outbound(db, n: int = 1) -> list[int]:
    await seeded(db)
    sample = await make_contact(db, "BIG", 1)
    async with session_scope(db) as s:
        rows = [
            Message(
                contact_id=sample.contact_id,
                direction=Direction.outbound,
                send_status=SendStatus.sending,
                subject=f"Antwoord {i}",
                text_body="Beste klant,",
                to_addresses="burger1@example.test",
                from_address="big@pulse.test",
                message_id_header=f"once-{i}@pulse.test",
            )
            for i in range(n)
        ]
        s.add_all(rows)
        await s.flush()
        return [m.id for m in rows]


async def _row(db, message_id: int) -> Message:
    async with db() as s:
        return await s.get(Message, message_id)


async def _kinds(db, message_id: int) -> list[str]:
    async with db() as s:
        msg = await s.get(Message, message_id)
        rows = await s.exec(
            select(ContactEvent.kind)
            .where(ContactEvent.contact_id == msg.contact_id, ContactEvent.kind.like("message_%"))
            .order_by(ContactEvent.id)
        )
        return list(rows.all())


@pytest.fixture
async def sink(tmp_path):
    async with SmtpSink(free_port(), tmp_path / "mail") as sink:
        yield sink


def _acts(db, settings, sink) -> ContactActivities:
    return ContactActivities(db, settings.model_copy(update={"smtp_port": sink.port}))


def _failing_records(monkeypatch, times: int) -> list[int]:
    """The first ``times`` writes of "sent" fail as a pool timeout would."""
    real, calls = ContactActivities._finish_on, []

    async def flaky(self, conn, message_id, status, error, reply):
        if status == SendStatus.sent and len(calls) < times:
            calls.append(message_id)
            raise TimeoutError("QueuePool limit reached, connection timed out")
        await real(self, conn, message_id, status, error, reply)

    monkeypatch.setattr(ContactActivities, "_finish_on", flaky)
    return calls


async def test_recording_sent_fails_then_succeeds_one_delivery(db, settings, sink, monkeypatch):
    [mid] = await _outbound(db)
    monkeypatch.setattr(delivery, "RECORD_FIRST_DELAY", 0.05)
    calls = _failing_records(monkeypatch, 3)
    result = await ActivityEnvironment().run(
        _acts(db, settings, sink).send_message, SendMessageInput(mid)
    )
    assert result.status == SendStatus.sent and len(calls) == 3
    row = await _row(db, mid)
    assert row.send_status == SendStatus.sent and row.smtp_reply and row.delivery_stage is None
    assert len(sink.messages) == 1
    assert await _kinds(db, mid) == ["message_sent"]


async def test_an_attempt_after_a_failed_record_only_records(db, settings, sink, monkeypatch):
    """Recording fails for longer than one attempt may try: the attempt fails; the
    next attempt in the same process records "sent" and sends nothing."""
    [mid] = await _outbound(db)
    monkeypatch.setattr(delivery, "RECORD_SECONDS", 0.2)
    monkeypatch.setattr(delivery, "RECORD_FIRST_DELAY", 0.05)
    _failing_records(monkeypatch, 1000)
    acts = _acts(db, settings, sink)
    with pytest.raises(TimeoutError):
        await ActivityEnvironment().run(acts.send_message, SendMessageInput(mid))
    assert (await _row(db, mid)).send_status == SendStatus.sending
    monkeypatch.undo()
    result = await ActivityEnvironment().run(acts.send_message, SendMessageInput(mid))
    assert result.status == SendStatus.sent
    assert len(sink.messages) == 1


async def test_another_process_after_a_failed_record_holds_it_uncertain(
    db, settings, sink, monkeypatch
):
    """The process that saw SMTP's 250 is gone (a new one has no memory of it): the
    journal says DATA began and nothing was recorded, so it is not sent again."""
    [mid] = await _outbound(db)
    monkeypatch.setattr(delivery, "RECORD_SECONDS", 0.2)
    monkeypatch.setattr(delivery, "RECORD_FIRST_DELAY", 0.05)
    _failing_records(monkeypatch, 1000)
    with pytest.raises(TimeoutError):
        await ActivityEnvironment().run(
            _acts(db, settings, sink).send_message, SendMessageInput(mid)
        )
    monkeypatch.undo()
    for _ in range(2):  # Temporal's retries, on a fresh worker
        fresh = _acts(db, settings, sink)
        result = await ActivityEnvironment().run(fresh.send_message, SendMessageInput(mid))
        assert result.status == SendStatus.uncertain
    assert len(sink.messages) == 1
    row = await _row(db, mid)
    assert row.send_status == SendStatus.uncertain and row.delivery_stage == "data"
    assert await _kinds(db, mid) == ["message_uncertain"]


class _KillingSink(SmtpSink):
    """Kills the sending process at a chosen moment of the SMTP conversation."""

    def __init__(self, *args, at: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.at, self.victim = at, None

    def kill_now(self) -> None:
        if self.victim is not None and self.victim.poll() is None:
            os.kill(self.victim.pid, signal.SIGKILL)
            self.victim.wait(10)
        self.victim = None

    def store(self, mail_from, rcpt_tos, raw):
        stored = super().store(mail_from, rcpt_tos, raw)
        if self.at == "accepted":  # the mail is taken; the 250 never reaches the sender
            self.kill_now()
        return stored

    def is_rejected(self, address: str) -> bool:
        if self.at == "rcpt":  # before DATA: nothing can have been delivered
            self.kill_now()
        return False


async def _send_in_child(database_url: str, sink: _KillingSink, mid: int) -> int:
    sink.victim = subprocess.Popen(
        [sys.executable, "-m", "tests.send_child", database_url, str(sink.port), str(mid)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    proc = sink.victim
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, proc.wait, 60)


@pytest.mark.parametrize(("at", "expected"), [("accepted", "uncertain"), ("rcpt", "sent")])
async def test_a_kill_during_the_send_never_delivers_twice(db, settings, tmp_path, at, expected):
    [mid] = await _outbound(db)
    async with _KillingSink(free_port(), tmp_path / "mail", at=at) as sink:
        if at == "rcpt":
            sink.rejected_recipients = _KillOnLookup(sink)
        code = await _send_in_child(settings.database_url, sink, mid)
        assert code == -signal.SIGKILL
        sink.at = "never"
        acts = _acts(db, settings, sink)
        result = await ActivityEnvironment().run(acts.send_message, SendMessageInput(mid))
        assert result.status == expected
        again = await ActivityEnvironment().run(acts.send_message, SendMessageInput(mid))
        assert again.status == expected
        await asyncio.sleep(0.2)  # a stray second delivery would be in by now
        assert len(sink.messages) == 1, [m.summary for m in sink.messages]
    assert (await _row(db, mid)).send_status == expected


class _KillOnLookup(set):
    """The sink's refused-recipients set, asked at RCPT: the moment to kill."""

    def __init__(self, sink: _KillingSink) -> None:
        super().__init__()
        self.sink = sink

    def __contains__(self, address) -> bool:
        self.sink.is_rejected(address)
        return False


class _CancellingSink(SmtpSink):
    """Cancels the activity (as Temporal does when its workflow task timed out) the
    moment the mail arrives, before PULSE hears 250."""

    env: ActivityEnvironment | None = None

    def store(self, mail_from, rcpt_tos, raw):
        stored = super().store(mail_from, rcpt_tos, raw)
        if self.env is not None:
            self.env.cancel()
            self.env = None
        return stored


async def test_a_cancelled_send_finishes_and_is_recorded(db, settings, tmp_path):
    [mid] = await _outbound(db)
    async with _CancellingSink(free_port(), tmp_path / "mail") as sink:
        acts = _acts(db, settings, sink)
        sink.env = env = ActivityEnvironment()
        with pytest.raises(asyncio.CancelledError):
            await env.run(acts.send_message, SendMessageInput(mid))

        async def recorded():
            return (await _row(db, mid)).send_status == SendStatus.sent

        for _ in range(100):
            if await recorded():
                break
            await asyncio.sleep(0.1)
        assert await recorded()
        again = await ActivityEnvironment().run(acts.send_message, SendMessageInput(mid))
        assert again.status == SendStatus.sent
        assert len(sink.messages) == 1
