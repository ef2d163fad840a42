"""`make run`: the whole platform on embedded defaults, in one terminal.

Starts, in order: PostgreSQL (embedded), the Temporal dev server + Web UI, the
mail sandbox (IMAP + SMTP), then migrations and demo data, then the worker, the
mail intake and the API/UI. Ctrl-C stops them all, in reverse order. Data stays
under .pulse/ so a second run continues where the first stopped.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from config.settings import Settings, SettingsError, load_settings
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from devstack.demo.customers import seed_customers_history
from devstack.demo.mails import deliver_demo_mails
from devstack.demo.records import seed_due_records
from devstack.demo.seed import DEMO_PRODUCTS, seed_demo
from devstack.orphans import AnotherRun, RunFiles, die_with_parent, stale_postmaster
from devstack.phone_stack import start_phone
from devstack.ports import wait_for_port
from devstack.postgres import EmbeddedPostgres
from devstack.temporal import dev_server_command
from devstack.topdesk_stack import start_topdesk

ROOT = Path(__file__).resolve().parent.parent


class PortInUse(RuntimeError):
    pass


def port_free(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class Stack:
    settings: Settings
    data_dir: Path
    procs: list[tuple[str, subprocess.Popen]] = field(default_factory=list)
    pg: object | None = None

    @property
    def logs(self) -> Path:
        path = self.data_dir / "logs"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def ports(self) -> list[tuple[str, str, int]]:
        s = self.settings
        t_host, t_port = s.temporal_address.rsplit(":", 1)
        ports = [
            ("PostgreSQL", "127.0.0.1", _embedded_pg_port(s)),
            ("Temporal", t_host, int(t_port)),
            ("Temporal Web UI", t_host, _ui_port(s)),
            ("IMAP sandbox", s.imap_host, s.imap_port),
            ("SMTP sandbox", s.smtp_host, s.smtp_port),
            ("API/UI", s.api_host, s.api_port),
        ]
        if s.ami_simulator:  # else the port is the real Asterisk's, and in use
            ports.append(("PBX simulator (AMI)", s.ami_host, s.ami_port))
        return ports

    def check_ports(self) -> None:
        busy = [
            f"  {name}: {host}:{port}"
            for name, host, port in self.ports()
            if not port_free(host, port)
        ]
        if busy:
            raise PortInUse(
                "These ports are already in use (is another `make run` still running?):\n"
                + "\n".join(busy)
                + "\nStop that process, or choose other ports with PULSE_* settings "
                "(see README)."
            )

    def spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None):
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child)
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
            preexec_fn=die_with_parent,  # ends with `make run`, even a SIGKILLed one
        )
        self.procs.append((name, proc))
        RunFiles(self.data_dir).record(name, proc.pid)
        return proc

    def start(self) -> None:
        s = self.settings
        print("PULSE: starting the embedded platform (data in .pulse/) ...", flush=True)

        self.pg = EmbeddedPostgres(self.data_dir / "pg", _embedded_pg_port(s)).start()
        print(f"  PostgreSQL      127.0.0.1:{_embedded_pg_port(s)}", flush=True)

        t_host, t_port = s.temporal_address.rsplit(":", 1)
        temporal_dir = self.data_dir / "temporal"
        temporal_dir.mkdir(parents=True, exist_ok=True)
        proc = self.spawn(
            "temporal",
            dev_server_command(
                temporal_dir,
                t_host,
                int(t_port),
                _ui_port(s),
                s.temporal_namespace,
                codec_endpoint=s.public_url.rstrip("/") + "/codec",
            ),
        )
        wait_for_port(t_host, int(t_port), "Temporal", proc)
        wait_for_port(t_host, _ui_port(s), "Temporal Web UI", proc)
        print(f"  Temporal        {s.temporal_address}  (Web UI {s.temporal_web_url})", flush=True)

        mailboxes = ",".join(_demo_mailboxes())
        proc = self.spawn(
            "mail",
            [
                sys.executable,
                "-m",
                "devstack.mail_sandbox",
                "--imap-port",
                str(s.imap_port),
                "--smtp-port",
                str(s.smtp_port),
                "--data-dir",
                str(self.data_dir / "mail"),
                "--user",
                s.imap_user,
                "--password",
                s.imap_password.get_secret_value(),
                "--mailboxes",
                mailboxes,
                "--processed-folder",
                s.imap_processed_folder,
            ],
        )
        wait_for_port(s.imap_host, s.imap_port, "IMAP sandbox", proc)
        wait_for_port(s.smtp_host, s.smtp_port, "SMTP sandbox", proc)
        print(
            f"  Mail sandbox    IMAP {s.imap_host}:{s.imap_port}, SMTP {s.smtp_host}:{s.smtp_port}",
            flush=True,
        )

        upgrade(s.database_url)
        asyncio.run(_seed(s))

        delivered = asyncio.run(deliver_demo_mails(s, self.data_dir))
        if delivered:  # first start only: the intake takes them in like any mail
            print(f"  Demo mail       {delivered} customer mails waiting in the mailboxes")
        start_topdesk(self)  # the local TOPdesk fake, unless PULSE_TOPDESK_URL is set
        self.spawn("worker", [sys.executable, "worker.py"])
        self.spawn("intake", [sys.executable, "-m", "channels.email.service"])

        start_phone(self)  # PBX simulator (AMI) + AMI bridge
        proc = self.spawn(
            "api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "api.main:create_app",
                "--host",
                s.api_host,
                "--port",
                str(s.api_port),
                "--no-access-log",
            ],
        )
        wait_for_port(s.api_host, s.api_port, "API", proc)
        self.banner()

    def banner(self) -> None:
        s = self.settings
        print(
            f"""
PULSE is running.
  Agent UI         {s.public_url}/            (log in: agent / pulse-demo-2026)
  Other demo users agent2, backoffice, backoffice2, specialist, trafficer, manager,
                   admin, records, ops (same password)
  Send a test mail {s.public_url}/dev/send
  Sent mail        {s.public_url}/dev/outbox
  Call in (phone)  {s.public_url}/dev/phone   (then /phone as agent: sign in, pick up)
  API docs         {s.public_url}/docs
  Temporal Web     {s.temporal_web_url}
  Logs             {self.logs}/
Press Ctrl-C to stop everything.""",
            flush=True,
        )

    def watch(self) -> None:
        while True:
            for name, proc in self.procs:
                if proc.poll() is not None:
                    tail = (self.logs / f"{name}.log").read_text(errors="replace")[-1500:]
                    raise RuntimeError(f"{name} stopped (exit {proc.returncode}):\n{tail}")
            time.sleep(1)

    def stop(self) -> None:
        for name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    print(f"  {name} did not stop in 15 s; killing it", flush=True)
                    proc.kill()
        if self.pg is not None:
            self.pg.stop()
        RunFiles(self.data_dir).release()
        print("PULSE stopped.", flush=True)

    def end_previous_run(self) -> None:
        """A run killed hard leaves its children (and PostgreSQL, a daemon) running,
        holding the ports: end them, from their pid files, before checking ports."""
        ended = RunFiles(self.data_dir).claim()
        pgdata = self.data_dir / "pg"
        if stale_postmaster(pgdata):  # no other run is alive (claim): an orphan
            EmbeddedPostgres(pgdata, _embedded_pg_port(self.settings)).stop()
            ended.append("postgresql")
        if ended:
            print(f"PULSE: ended what an earlier run left running: {', '.join(ended)}")


def _embedded_pg_port(s: Settings) -> int:
    # The embedded server listens where the default database URL points.
    from sqlalchemy.engine import make_url

    return make_url(s.database_url).port or 5432


def _ui_port(s: Settings) -> int:
    return int(s.temporal_web_url.rsplit(":", 1)[1].split("/")[0])


def _demo_mailboxes() -> list[str]:

    return [p.mailbox for p in DEMO_PRODUCTS]


async def _seed(s: Settings) -> None:

    engine = make_engine(s)
    await seed_demo(make_sessionmaker(engine))

    await seed_customers_history(make_sessionmaker(engine))
    await seed_due_records(make_sessionmaker(engine))
    await engine.dispose()


def main() -> int:
    # The dev stack turns on the dev tools and lets demo users skip TOTP.
    os.environ.setdefault("PULSE_DEV_TOOLS", "true")
    os.environ.setdefault("PULSE_DEMO_SKIP_TOTP", "true")
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    stack = Stack(settings, settings.data_dir)
    try:
        stack.end_previous_run()
        stack.check_ports()
    except (PortInUse, AnotherRun) as exc:
        print(f"PULSE cannot start: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _interrupt)
    code = 0
    try:
        stack.start()
        stack.watch()
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:
        print(f"PULSE: {exc}", file=sys.stderr)
        code = 1
    except Exception:  # a bug while starting: say it, and stop what already runs
        traceback.print_exc()
        print("PULSE: start-up failed (see above)", file=sys.stderr)
        code = 1
    # A second Ctrl-C must not leave half the platform running: finish stopping.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    print("\nStopping PULSE ...", flush=True)
    stack.stop()
    return code


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
