"""channels.email.watcher against real IMAP servers (pymap sandbox and dovecot)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from email.message import EmailMessage

import pytest

from adapters.mail.imap import decode_mailbox_name, encode_mailbox_name
from adapters.mail.imap_admin import imap_session
from channels.email.watcher import MailboxWatcher
from devstack.mail_sandbox import ImapSandbox
from tests.mailservers import ImapServer, eventually, free_port

SERVERS = ["imap_server", pytest.param("dovecot_server", marks=pytest.mark.dovecot)]


@pytest.fixture(params=SERVERS)
def server(request) -> ImapServer:
    return request.getfixturevalue(request.param)


def mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"burger{n}@example.org"
    msg["To"] = "big@cibg.nl"
    msg["Subject"] = f"vraag {n}"
    msg["Message-ID"] = f"<vraag-{n}-{time.time_ns()}@example.org>"
    msg.set_content(f"Dit is vraag {n}.\n")
    return msg.as_bytes()


class Recorder:
    """A handler that remembers its calls and can fail on purpose."""

    def __init__(self, fail_times: dict[bytes, int] | None = None, delay: float = 0.0) -> None:
        self.calls: list[tuple[bytes, str, int, int]] = []
        self.fail_times = dict(fail_times or {})
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0

    async def __call__(self, raw: bytes, mailbox: str, uidvalidity: int, uid: int) -> None:
        self.calls.append((raw, mailbox, uidvalidity, uid))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        for marker, times in self.fail_times.items():
            if marker in raw and times > 0:
                self.fail_times[marker] = times - 1
                raise RuntimeError("handler failed on purpose")

    def subjects(self) -> list[str]:
        return [
            raw.split(b"Subject: ")[1].split(b"\n")[0].strip().decode() for raw, *_ in self.calls
        ]


def watcher(server: ImapServer, handler, **kw) -> MailboxWatcher:
    kw.setdefault("idle_seconds", 30)
    kw.setdefault("poll_seconds", 0.2)
    return MailboxWatcher(
        host=server.host,
        port=server.port,
        user=server.user,
        password=server.password,
        mailbox=server.mailbox,
        processed_folder=server.processed,
        handler=handler,
        **kw,
    )


@contextlib.asynccontextmanager
async def running(w: MailboxWatcher):
    task = asyncio.create_task(w.run())
    try:
        await asyncio.wait_for(w.connected.wait(), 10)
        yield task
    finally:
        await w.stop()


async def test_each_message_handled_once_then_moved(server: ImapServer) -> None:
    for n in range(5):
        await server.append(mail(n))
    handler = Recorder()
    moved = await watcher(server, handler, concurrency=1).run_once()
    assert moved == 5
    assert handler.subjects() == [f"vraag {n}" for n in range(5)]  # by UID
    uids = [uid for *_, uid in handler.calls]
    assert uids == sorted(uids) and len(set(uids)) == 5
    assert {mailbox for _, mailbox, _, _ in handler.calls} == {server.mailbox}
    assert all(uidvalidity > 0 for _, _, uidvalidity, _ in handler.calls)
    assert b"Dit is vraag 0." in handler.calls[0][0]
    assert await server.count() == 0
    assert await server.count(server.processed) == 5
    assert await watcher(server, Recorder()).run_once() == 0  # nothing handed twice


async def test_failing_handler_leaves_message_and_it_is_retried(server: ImapServer) -> None:
    for n in range(3):
        await server.append(mail(n))
    handler = Recorder(fail_times={b"vraag 1": 1})
    first = watcher(server, handler)
    assert await first.run_once() == 2
    assert await server.count() == 1  # the failed one stays in the folder
    failed = next(c for c in handler.calls if b"vraag 1" in c[0])
    # A later pass hands the same (uidvalidity, uid) again; now it succeeds.
    assert await watcher(server, handler).run_once() == 1
    retried = handler.calls[-1]
    assert retried[2:] == failed[2:]
    assert await server.count() == 0
    assert await server.count(server.processed) == 3


async def test_running_watcher_retries_with_backoff(server: ImapServer) -> None:
    handler = Recorder(fail_times={b"vraag 7": 2})
    w = watcher(server, handler, retry_initial_seconds=0.2)
    async with running(w):
        await server.append(mail(7))
        await eventually(lambda: _count_is(server, server.processed, 1), timeout=10)
    attempts = [c for c in handler.calls if b"vraag 7" in c[0]]
    assert len(attempts) == 3  # two failures, then success; no tight loop
    assert len({(c[2], c[3]) for c in attempts}) == 1


async def test_idle_wakes_on_new_message(server: ImapServer) -> None:
    handler = Recorder()
    w = watcher(server, handler, idle_seconds=60, poll_seconds=60)
    async with running(w):
        await asyncio.sleep(0.3)  # let it settle into IDLE
        started = time.monotonic()
        await server.append(mail(1))
        await eventually(lambda: _true(len(handler.calls) == 1), timeout=30)
        # Woken by IDLE, not by the 60 s poll (a behaviour check, not a speed one).
        assert time.monotonic() - started < 30
        await eventually(lambda: _count_is(server, server.processed, 1))


async def test_poll_mode_without_idle(server: ImapServer) -> None:
    handler = Recorder()
    w = watcher(server, handler, use_idle=False, poll_seconds=0.2)
    async with running(w):
        await server.append(mail(1))
        await eventually(lambda: _count_is(server, server.processed, 1), timeout=10)
    assert len(handler.calls) == 1


async def test_batches_are_handled_concurrently(server: ImapServer) -> None:
    """Messages of a batch are handled side by side (speed itself: bench/intake.py)."""
    total = 200
    async with imap_session(server.host, server.port, server.user, server.password) as conn:
        from adapters.mail.imap_admin import append_to

        for n in range(total):
            await append_to(conn, server.mailbox, mail(n))
    handler = Recorder(delay=0.01)  # a handler doing I/O
    w = watcher(server, handler, concurrency=16, batch_size=100)
    assert await w.run_once() == total
    assert len(handler.calls) == total
    assert len({uid for *_, uid in handler.calls}) == total
    assert 1 < handler.most_in_flight <= 16


async def test_move_fallback_without_move_capability(server: ImapServer) -> None:
    for n in range(3):
        await server.append(mail(n))
    async with imap_session(server.host, server.port, server.user, server.password) as conn:
        await conn.select(server.mailbox)
        uids = await conn.search_uids()
        # Pretend an older server: no MOVE (COPY + \Deleted + UID EXPUNGE) ...
        conn.client.protocol.capabilities.discard("MOVE")
        await conn.move(uids[:1], server.processed)
        # ... and no UIDPLUS either (COPY + \Deleted + EXPUNGE).
        conn.client.protocol.capabilities.discard("UIDPLUS")
        await conn.move(uids[1:2], server.processed)
    assert await server.count() == 1
    assert await server.count(server.processed) == 2


async def test_mailbox_names_with_spaces_and_accents(server: ImapServer) -> None:
    server.mailbox = f"Postvak BIG ü & co {time.time_ns()}"
    server.processed = "Verwerkt é"
    await server.create_folders()
    await server.append(mail(1))
    assert await watcher(server, Recorder()).run_once() == 1
    assert await server.count("Verwerkt é") >= 1


def test_modified_utf7() -> None:
    assert encode_mailbox_name("Postvak & ü") == '"Postvak &- &APw-"'
    assert decode_mailbox_name("Postvak &- &APw-") == "Postvak & ü"
    assert encode_mailbox_name('a"b') == '"a\\"b"'


async def test_reconnects_after_pymap_restart(tmp_path) -> None:
    sandbox = ImapSandbox(free_port(), tmp_path, "pulse", "secret", ["big"])
    async with sandbox:
        server = ImapServer("pymap", sandbox.host, sandbox.port, "pulse", "secret")
        server.mailbox, server.processed = "big", "Processed"
        handler = Recorder()
        w = watcher(server, handler, reconnect_max_seconds=0.5)
        async with running(w):
            await sandbox.restart()
            await server.append(mail(1))  # the mail dir survives the restart
            await eventually(lambda: _count_is(server, "Processed", 1), timeout=15)
        assert len(handler.calls) == 1


@pytest.mark.dovecot
async def test_reconnects_after_dovecot_restart(dovecot_instance, dovecot_server) -> None:
    handler = Recorder()
    w = watcher(dovecot_server, handler, reconnect_max_seconds=0.5)
    async with running(w):
        dovecot_instance.stop()
        await asyncio.sleep(0.5)
        await dovecot_instance.start()
        await dovecot_server.append(mail(1))
        await eventually(lambda: _count_is(dovecot_server, dovecot_server.processed, 1), timeout=15)
    assert len(handler.calls) == 1


async def test_wrong_password_does_not_kill_the_watcher(imap_server: ImapServer) -> None:
    imap_server.password = "wrong"
    w = watcher(imap_server, Recorder(), reconnect_max_seconds=0.2)
    task = asyncio.create_task(w.run())
    await asyncio.sleep(1.0)
    assert not task.done()  # keeps trying, with back-off
    await w.stop()


async def _count_is(server: ImapServer, mailbox: str, expected: int) -> bool:
    return await server.count(mailbox) == expected


async def _true(value: bool) -> bool:
    return value
