"""The local mail sandbox: an IMAP server with the product mailboxes and an SMTP sink.

Run it for ``make run``::

    python -m devstack.mail_sandbox --imap-port 1143 --smtp-port 1025 \\
        --data-dir .pulse/mail --user pulse --password pulse --mailboxes big,uzi,donor

- IMAP: ``pymap`` with its maildir backend under ``<data-dir>/imap`` (mail
  survives a restart), one login user, one folder per product mailbox plus the
  processed folder. pymap runs as a child process of this one: it gets its own
  CPU (the intake benchmark needs that on a 2-core machine), and tests can kill
  and restart it like a real server.
- SMTP: ``aiosmtpd`` accepting all mail, each message stored as
  ``<data-dir>/outbox/*.eml`` plus one line in ``<data-dir>/outbox/index.jsonl``;
  ``adapters.mail.outbox.read_outbox(data_dir)`` lists what PULSE sent (dev outbox page).
- Failing on purpose: while the file ``<data-dir>/smtp-failing`` exists (or after
  ``SmtpSink.set_failing(True)``, or with ``--smtp-fail``) the sink answers 451;
  SIGUSR1 toggles it in a running sandbox.

Tests use ``ImapSandbox`` and ``SmtpSink`` directly (both async context managers).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.parser import BytesHeaderParser
from functools import cached_property
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger(__name__)

DEFAULT_MAILBOXES = ("big", "uzi", "donor", "farmatec", "diploma")
FAILING_FLAG_FILE = "smtp-failing"


class PortInUseError(RuntimeError):
    """The sandbox cannot listen because something else already does."""


def ensure_port_free(host: str, port: int, what: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise PortInUseError(
                f"{what} port {host}:{port} is already in use ({exc.strerror}); "
                "is another mail sandbox running? Choose another port or stop it."
            ) from None


async def wait_for_port(host: str, port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection(host, port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return True
    return False


# --- IMAP ---------------------------------------------------------------------------


async def prepare_pymap_user(base_dir: Path, user: str, password: str) -> None:
    """Create (or update) the login user in pymap's maildir user files."""
    from pymap.backend.maildir.users import PasswordsFile, UsersFile
    from pymap.config import IMAPConfig
    from pysasl.hashing import BuiltinHash

    base_dir.mkdir(parents=True, exist_ok=True)
    context = IMAPConfig._get_hash_context(None)
    if isinstance(context, BuiltinHash):
        # pymap reads the rounds from the stored hash. Its default (500,000 PBKDF2
        # rounds) costs ~0.3 s per LOGIN, which dominates tests and the demo; this
        # sandbox guards no real secret.
        context = BuiltinHash(rounds=1000)
    hashed = context.hash(password)
    base = str(base_dir)
    async with UsersFile.with_write(base) as users, PasswordsFile.with_write(base) as passwords:
        users.set(users.build_record(user, user))
        passwords.set(passwords.build_record(user, hashed))


class ImapSandbox:
    """pymap (maildir backend) as a child process, with one user and its folders."""

    def __init__(
        self,
        port: int,
        data_dir: str | Path,
        user: str = "pulse",
        password: str = "pulse",  # noqa: S107 - the sandbox login, not a secret
        mailboxes: Sequence[str] = DEFAULT_MAILBOXES,
        *,
        host: str = "127.0.0.1",
        processed_folder: str = "Processed",
    ) -> None:
        self.host, self.port = host, port
        self.data_dir = Path(data_dir)
        self.base_dir = self.data_dir / "imap"
        self.user, self.password = user, password
        self.mailboxes = list(mailboxes)
        self.processed_folder = processed_folder
        self._process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> ImapSandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    async def start(self) -> None:
        ensure_port_free(self.host, self.port, "IMAP")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        await prepare_pymap_user(self.base_dir, self.user, self.password)
        # pymap's log goes to a file, not a pipe: a pipe nobody reads fills up and blocks it.
        with self.log_path.open("ab") as log_file:
            self._process = await asyncio.create_subprocess_exec(
                *self._command(),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log_file,
                env={**os.environ, "FQDN": "pulse-mail-sandbox"},  # no DNS lookup per greeting
            )
        if not await self._wait_until_listening(timeout=20.0):
            await self._stop_process()
            tail = self.log_path.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"pymap did not start on {self.host}:{self.port}: {tail}")
        await self.create_folders()

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-c",
            "from pymap.main import main; main()",
            "--no-tls",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "maildir",
            str(self.base_dir),
        ]

    async def _wait_until_listening(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is None or self._process.returncode is not None:
                return False
            if await wait_for_port(self.host, self.port, 0.2):
                return True
        return False

    async def create_folders(self) -> None:
        from adapters.mail.imap_admin import create_mailboxes

        folders = [*self.mailboxes, self.processed_folder]
        await create_mailboxes(self.host, self.port, self.user, self.password, folders)

    async def stop(self) -> None:
        await self._stop_process()

    async def restart(self, down_seconds: float = 0.0) -> None:
        """Stop the server (dropping every connection) and start it again."""
        await self.stop()
        if down_seconds:
            await asyncio.sleep(down_seconds)
        await self.start()

    @property
    def log_path(self) -> Path:
        return self.data_dir / "pymap.log"

    async def _stop_process(self) -> None:
        process, self._process = self._process, None
        if process is None or process.returncode is not None:
            return
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), 5.0)
        except TimeoutError:
            process.kill()
            await process.wait()

    # Convenience for tests and the demo.
    async def append(self, mailbox: str, raw: bytes) -> None:
        from adapters.mail.imap_admin import append_message

        await append_message(self.host, self.port, self.user, self.password, mailbox, raw)

    async def count(self, mailbox: str) -> int:
        from adapters.mail.imap_admin import count_messages

        return await count_messages(self.host, self.port, self.user, self.password, mailbox)


# --- SMTP ---------------------------------------------------------------------------


@dataclass
class SentMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    path: Path | None

    @cached_property
    def summary(self) -> dict:
        # Lazily: parsing headers of every message costs the sink real CPU, which on a
        # small machine the intake benchmark would take away from PULSE.
        summary = summarise(self.raw, self.mail_from, self.rcpt_tos)
        summary["path"] = str(self.path) if self.path else None
        return summary


class _SinkHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ) -> str:
        if address.lower() in self.sink.rejected_recipients:
            return "550 5.1.1 Recipient refused by the sandbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.sink.failing:
            return "451 4.3.0 Sandbox is failing on purpose, try again later"
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        self.sink.store(envelope.mail_from or "", list(envelope.rcpt_tos), bytes(raw))
        return "250 Message accepted for delivery"


class SmtpSink:
    """An SMTP server that accepts everything and keeps it (disk + memory)."""

    def __init__(
        self,
        port: int,
        data_dir: str | Path | None = None,
        *,
        host: str = "127.0.0.1",
        failing: bool = False,
    ) -> None:
        self.host, self.port = host, port
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.messages: list[SentMail] = []
        self.rejected_recipients: set[str] = set()
        self._failing = failing
        self._server: asyncio.AbstractServer | None = None
        self._arrived = asyncio.Condition()

    async def __aenter__(self) -> SmtpSink:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def outbox_dir(self) -> Path | None:
        return self.data_dir / "outbox" if self.data_dir is not None else None

    @property
    def failing(self) -> bool:
        flag = self.data_dir / FAILING_FLAG_FILE if self.data_dir is not None else None
        return self._failing or bool(flag and flag.exists())

    def set_failing(self, failing: bool) -> None:
        """While failing, every message is answered with 451 (a temporary error)."""
        self._failing = failing
        if not failing and self.data_dir is not None:
            (self.data_dir / FAILING_FLAG_FILE).unlink(missing_ok=True)

    def reject_recipient(self, address: str) -> None:
        """Answer 550 (permanent) for this recipient."""
        self.rejected_recipients.add(address.lower())

    async def start(self) -> None:
        ensure_port_free(self.host, self.port, "SMTP")
        if self.outbox_dir is not None:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
        handler = _SinkHandler(self)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(
                handler,
                hostname="pulse-mail-sandbox",
                data_size_limit=64 * 1024 * 1024,
                enable_SMTPUTF8=True,
                decode_data=False,
            ),
            host=self.host,
            port=self.port,
        )

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2.0)

    def store(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> SentMail:
        path = None
        if self.outbox_dir is not None:
            path = self._write(raw, summarise(raw, mail_from, rcpt_tos))
        sent = SentMail(mail_from, rcpt_tos, raw, path)
        self.messages.append(sent)
        asyncio.get_running_loop().create_task(self._notify())
        return sent

    def _write(self, raw: bytes, summary: dict) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        path = self.outbox_dir / f"{stamp}-{len(self.messages) + 1:06d}.eml"
        path.write_bytes(raw)
        line = json.dumps({**summary, "path": str(path)}, ensure_ascii=False)
        with (self.outbox_dir / "index.jsonl").open("a", encoding="utf-8") as index:
            index.write(line + "\n")
        return path

    async def _notify(self) -> None:
        async with self._arrived:
            self._arrived.notify_all()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[SentMail]:
        """Wait until at least ``count`` messages arrived; raises TimeoutError otherwise."""

        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.messages) >= count)

        await asyncio.wait_for(enough(), timeout)
        return list(self.messages)


def summarise(raw: bytes, mail_from: str = "", rcpt_tos: Iterable[str] = ()) -> dict:
    """From/To/Subject/Message-ID/Date of a raw message (header-only parse)."""
    headers = BytesHeaderParser(policy=policy.default).parsebytes(raw)

    def header(name: str) -> str:
        try:
            return str(headers.get(name) or "")
        except Exception:  # noqa: BLE001 - a summary must not fail on a bad header
            return ""

    return {
        "from": header("From"),
        "to": header("To"),
        "subject": header("Subject"),
        "message_id": header("Message-ID").strip().strip("<>"),
        "date": header("Date"),
        "mail_from": mail_from,
        "rcpt_tos": list(rcpt_tos),
        "stored_at": datetime.now(UTC).isoformat(),
    }


# --- command line ------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.mail_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--imap-port", type=int, default=1143)
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--data-dir", default=".pulse/mail")
    parser.add_argument("--user", default="pulse")
    parser.add_argument("--password", default="pulse")
    parser.add_argument("--mailboxes", default=",".join(DEFAULT_MAILBOXES))
    parser.add_argument("--processed-folder", default="Processed")
    parser.add_argument("--smtp-fail", action="store_true", help="answer 451 to all mail")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    mailboxes = [m.strip() for m in args.mailboxes.split(",") if m.strip()]
    data_dir = Path(args.data_dir)
    # Check both ports before starting either, so the error names the real culprit.
    ensure_port_free(args.host, args.imap_port, "IMAP")
    ensure_port_free(args.host, args.smtp_port, "SMTP")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGINT, stop.set)
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    imap = ImapSandbox(
        args.imap_port,
        data_dir,
        args.user,
        args.password,
        mailboxes,
        host=args.host,
        processed_folder=args.processed_folder,
    )
    smtp = SmtpSink(args.smtp_port, data_dir, host=args.host, failing=args.smtp_fail)
    loop.add_signal_handler(signal.SIGUSR1, lambda: smtp.set_failing(not smtp.failing))
    async with smtp, imap:
        print(
            f"mail sandbox ready: IMAP {args.host}:{args.imap_port} "
            f"(user {args.user}, folders {', '.join(mailboxes)}, {args.processed_folder}), "
            f"SMTP {args.host}:{args.smtp_port}, data in {data_dir}",
            flush=True,
        )
        await stop.wait()
    print("mail sandbox stopped", flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    args = _parse_args(argv)
    try:
        asyncio.run(serve(args))
    except PortInUseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
