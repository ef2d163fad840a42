"""`make run`, phone area: the PBX simulator (AMI on settings.ami_port) and the AMI
bridge, as two processes of the dev stack (devstack/run.py calls ``start_phone``).

With a real Asterisk (PULSE_AMI_SIMULATOR=false and PULSE_AMI_HOST/PORT/USER/SECRET
pointing at it), only the bridge is started."""

from __future__ import annotations

import sys

from devstack.ports import wait_for_port


def start_phone(stack) -> None:

    s = stack.settings
    if s.ami_simulator:
        proc = stack.spawn(
            "pbx",
            [
                sys.executable,
                "-m",
                "devstack.pbx_simulator",
                "--host",
                s.ami_host,
                "--port",
                str(s.ami_port),
                "--user",
                s.ami_user,
                "--secret",
                s.ami_secret.get_secret_value(),
            ],
        )
        wait_for_port(s.ami_host, s.ami_port, "PBX simulator", proc)
        print(f"  PBX simulator   AMI {s.ami_host}:{s.ami_port}", flush=True)
    stack.spawn("ami_bridge", [sys.executable, "-m", "channels.phone.bridge"])
