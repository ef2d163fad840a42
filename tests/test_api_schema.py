"""The API matches its OpenAPI document: schemathesis (examples, coverage, fuzzing and
stateful phases) against every operation of the logged-in API on a real HTTP server
with a telephone exchange to talk to (the PBX simulator over AMI), at a small example
count. No server error, no response outside the document."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr

from api.deps import SESSION_COOKIE
from api.main import create_app
from devstack.pbx_simulator import PbxSimulator
from tests.api_support import login, make_contact, seeded
from tests.conftest import free_port

MAX_EXAMPLES = os.environ.get("PULSE_SCHEMATHESIS_EXAMPLES", "3")
# The whole run's budget (schemathesis stops generating when it is spent).
MAX_SECONDS = os.environ.get("PULSE_SCHEMATHESIS_SECONDS", "90")
# Python 3.11.7's parser fails inside hypothesis while schemathesis builds the coverage
# cases of this one operation ("AST constructor recursion depth mismatch", a CPython
# bug fixed in later 3.11 releases): its coverage phase is off, the other phases run.
CONFIG = """
[[operations]]
include-path = "/api/contacts/{reference}/answer"
include-method = "POST"
phases.coverage.enabled = false
"""
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance"
)


def serve(app, port: int) -> uvicorn.Server:
    """The app on 127.0.0.1 in a thread with its own event loop (and its own engine)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    threading.Thread(target=server.run, daemon=True).start()
    return server


async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    db, settings, temporal_env, tmp_path: Path
):
    await seeded(db)
    await make_contact(db, "BIG", 31)
    target = temporal_env.client.service_client.config.target_host
    port = free_port()
    pbx = await PbxSimulator(secret="schema-secret").start()
    cfg = settings.model_copy(
        update={
            "temporal_address": target,
            "ami_port": pbx.port,
            "ami_secret": SecretStr("schema-secret"),
        }
    )
    server = serve(create_app(cfg), port)
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    try:
        for _ in range(1200):  # start-up (migrations, calendar) on a busy machine
            if server.started:
                break
            await asyncio.sleep(0.1)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, timeout=300) as client:
            csrf = await login(client, db, "agent")
            token = client.cookies.get(SESSION_COOKIE)
            # read behind the login, as schemathesis cannot log in by itself
            document = tmp_path / "openapi.json"
            document.write_bytes((await client.get("/openapi.json")).content)
        schemathesis = Path(sys.executable).with_name("schemathesis")
        run = await asyncio.create_subprocess_exec(
            str(schemathesis),
            "--config-file",
            str(config),
            "run",
            str(document),
            "--url",
            base,
            "--header",
            f"Cookie: {SESSION_COOKIE}={token}",
            "--header",
            f"X-CSRF-Token: {csrf}",
            "--header",
            "Accept: application/json",
            # every phase (the default; on the command line it would override CONFIG)
            "--checks",
            CHECKS,
            "--max-examples",
            MAX_EXAMPLES,
            "--max-time",
            MAX_SECONDS,
            "--workers",
            "2",
            "--seed",
            "15",
            "--request-timeout",
            "30",
            "--report-dir",
            str(tmp_path),
            env={**os.environ, "NO_COLOR": "1"},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await run.communicate()
    finally:
        server.should_exit = True
        await pbx.stop()
    text = output.decode(errors="replace")
    print(text[-4000:])
    (Path(os.environ.get("PULSE_SCHEMATHESIS_LOG", str(tmp_path))) / "schemathesis.txt").write_text(
        text
    )
    assert run.returncode == 0, text[-8000:]
