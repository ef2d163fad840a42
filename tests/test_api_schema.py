"""The API matches its OpenAPI document: schemathesis (examples, coverage, fuzzing and
stateful phases) against every operation of the logged-in API on a real HTTP server,
at a small example count. No server error, no response outside the document."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from pathlib import Path

import httpx
import pytest
import uvicorn

from api.deps import SESSION_COOKIE
from api.main import create_app
from tests.api_support import login, make_contact, seeded
from tests.conftest import free_port

MAX_EXAMPLES = os.environ.get("PULSE_SCHEMATHESIS_EXAMPLES", "3")
# The whole run's budget (schemathesis stops generating when it is spent).
MAX_SECONDS = os.environ.get("PULSE_SCHEMATHESIS_SECONDS", "110")
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


@pytest.mark.xfail(
    strict=True,
    reason="open findings of the run with 400 declared everywhere (seed 15): 3 server "
    "errors (ST101, presumably the phone routes' 503 without an AMI server), 2 undocumented "
    "content types (ST105), 1 runtime error; remove this mark when they are fixed",
)
async def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    db, settings, temporal_env, tmp_path: Path
):
    await seeded(db)
    await make_contact(db, "BIG", 31)
    target = temporal_env.client.service_client.config.target_host
    port = free_port()
    server = serve(create_app(settings.model_copy(update={"temporal_address": target})), port)
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
            "--phases",
            "examples,coverage,fuzzing,stateful",
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
    text = output.decode(errors="replace")
    print(text[-4000:])
    assert run.returncode == 0, text[-8000:]
