"""`make run` without a TOPdesk (no PULSE_TOPDESK_URL): start the local fake, so a
new user can file an incident from a contact and play the operator.

The worker and the API are spawned after this and read the fake's address, login,
application password and a webhook token from the environment set here.
"""

from __future__ import annotations

import os
import sys

from devstack.ports import wait_for_port
from devstack.topdesk_fake import FakeTopdesk

FAKE_PORT = 8020
DEV_WEBHOOK_TOKEN = "dev-only-topdesk-webhook-token"


def start_topdesk(stack) -> None:
    if stack.settings.topdesk_url:
        return  # a real TOPdesk (or another fake) is configured
    login, password = FakeTopdesk.login, FakeTopdesk.app_password
    proc = stack.spawn(
        "topdesk",
        [
            sys.executable,
            "-m",
            "devstack.topdesk_fake",
            "--port",
            str(FAKE_PORT),
            "--login",
            login,
            "--app-password",
            password,
        ],
    )
    wait_for_port("127.0.0.1", FAKE_PORT, "TOPdesk fake", proc)
    os.environ["PULSE_TOPDESK_URL"] = f"http://127.0.0.1:{FAKE_PORT}"
    os.environ["PULSE_TOPDESK_LOGIN"] = login
    os.environ["PULSE_TOPDESK_APP_PASSWORD"] = password
    os.environ.setdefault("PULSE_TOPDESK_WEBHOOK_TOKEN", DEV_WEBHOOK_TOKEN)
    os.environ.setdefault("PULSE_TOPDESK_POLL_SECONDS", "30")
    print(f"  TOPdesk fake    http://127.0.0.1:{FAKE_PORT}/tas/api", flush=True)
