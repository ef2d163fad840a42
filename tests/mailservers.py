"""Pytest plugin: real mail servers on loopback for the mail tests.

- ``imap_server``: the pymap sandbox (started once per session); each test gets
  its own folder names, so tests do not see each other's mail.
- ``dovecot_server``: Debian's dovecot with a throw-away config (skips with a
  reason when ``/usr/sbin/dovecot`` is missing; CI installs ``dovecot-imapd``).
- ``smtp_sink``: the aiosmtpd sink on a free port, fresh per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import textwrap
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio

from adapters.mail.imap_admin import (
    StoredMessage,
    append_message,
    count_messages,
    create_mailboxes,
    list_messages,
)
from devstack.mail_sandbox import ImapSandbox, SmtpSink, wait_for_port

DOVECOT = "/usr/sbin/dovecot"
USER, PASSWORD = "pulse", "pulse-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class ImapServer:
    """Where a test's IMAP server is, with its own folders and a few helpers."""

    kind: str
    host: str
    port: int
    user: str
    password: str
    mailbox: str = field(default_factory=lambda: f"in-{uuid.uuid4().hex[:8]}")
    processed: str = field(default_factory=lambda: f"done-{uuid.uuid4().hex[:8]}")

    async def append(self, raw: bytes, mailbox: str | None = None) -> None:
        await append_message(
            self.host, self.port, self.user, self.password, mailbox or self.mailbox, raw
        )

    async def count(self, mailbox: str | None = None) -> int:
        return await count_messages(
            self.host, self.port, self.user, self.password, mailbox or self.mailbox
        )

    async def messages(self, mailbox: str | None = None) -> list[StoredMessage]:
        return await list_messages(
            self.host, self.port, self.user, self.password, mailbox or self.mailbox
        )

    async def create_folders(self) -> None:
        folders = [self.mailbox, self.processed]
        await create_mailboxes(self.host, self.port, self.user, self.password, folders)


# --- pymap ---------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session")
async def pymap_sandbox(tmp_path_factory) -> AsyncIterator[ImapSandbox]:
    sandbox = ImapSandbox(
        free_port(), tmp_path_factory.mktemp("pymap"), USER, PASSWORD, mailboxes=["INBOX"]
    )
    async with sandbox:
        yield sandbox


@pytest_asyncio.fixture
async def imap_server(pymap_sandbox: ImapSandbox) -> ImapServer:
    server = ImapServer("pymap", pymap_sandbox.host, pymap_sandbox.port, USER, PASSWORD)
    await server.create_folders()
    return server


# --- dovecot -------------------------------------------------------------------------


class Dovecot:
    """A private dovecot instance: config, passwd-file user and maildirs in one temp dir."""

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port, self.host = root, port, "127.0.0.1"
        self.process: subprocess.Popen | None = None

    def write_config(self) -> Path:
        mail_owner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)  # the mail processes run as the mail owner, not root
        if os.geteuid() == 0:
            os.chown(self.root / "mail", mail_owner.pw_uid, mail_owner.pw_gid)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
        version = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True).stdout
        cleartext = (
            "auth_allow_cleartext = yes"
            if version.startswith(("2.4", "3"))
            else "disable_plaintext_auth = no"
        )
        config = self.root / "dovecot.conf"
        config.write_text(
            textwrap.dedent(f"""\
            base_dir = {self.root}/run
            state_dir = {self.root}/state
            log_path = {self.root}/dovecot.log
            protocols = imap
            listen = 127.0.0.1
            ssl = no
            {cleartext}
            auth_mechanisms = plain login
            default_internal_user = {mail_owner.pw_name}
            default_internal_group = {_group_name(mail_owner.pw_gid)}
            default_login_user = {mail_owner.pw_name}
            first_valid_uid = {mail_owner.pw_uid}
            mail_location = maildir:{self.root}/mail/%u
            passdb {{
              driver = passwd-file
              args = {self.root}/passwd
            }}
            userdb {{
              driver = static
              args = uid={mail_owner.pw_uid} gid={mail_owner.pw_gid} home={self.root}/mail/%u
            }}
            service imap-login {{
              inet_listener imap {{
                address = 127.0.0.1
                port = {self.port}
              }}
              inet_listener imaps {{
                port = 0
              }}
            }}
            service stats {{
              unix_listener stats-reader {{
                mode = 0666
              }}
              unix_listener stats-writer {{
                mode = 0666
              }}
            }}
            """)
        )
        return config

    async def start(self) -> None:
        config = self.write_config()
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if not await wait_for_port(self.host, self.port, 15.0):
            self.stop()
            log = (
                (self.root / "dovecot.log").read_text()
                if (self.root / "dovecot.log").exists()
                else ""
            )
            raise RuntimeError(f"dovecot did not start: {log[-2000:]}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _group_name(gid: int) -> str:
    import grp

    return grp.getgrgid(gid).gr_name


@pytest_asyncio.fixture(scope="session")
async def dovecot_instance() -> AsyncIterator[Dovecot]:
    if not Path(DOVECOT).exists():
        pytest.skip(f"{DOVECOT} not found; install Debian's dovecot-imapd to run these tests")
    root = Path(tempfile.mkdtemp(prefix="pulse-dovecot-"))
    dovecot = Dovecot(root, free_port())
    await dovecot.start()
    try:
        yield dovecot
    finally:
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest_asyncio.fixture
async def dovecot_server(dovecot_instance: Dovecot) -> ImapServer:
    server = ImapServer("dovecot", dovecot_instance.host, dovecot_instance.port, USER, PASSWORD)
    await server.create_folders()
    return server


# --- SMTP ----------------------------------------------------------------------------


@pytest_asyncio.fixture
async def smtp_sink(tmp_path) -> AsyncIterator[SmtpSink]:
    async with SmtpSink(free_port(), tmp_path / "mail") as sink:
        yield sink


@pytest.fixture
def unused_port() -> Iterator[int]:
    yield free_port()


async def eventually(predicate, timeout: float = 10.0, interval: float = 0.05) -> None:
    """Wait until ``await predicate()`` is truthy, or fail the test."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        with contextlib.suppress(Exception):
            if await predicate():
                return
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)
