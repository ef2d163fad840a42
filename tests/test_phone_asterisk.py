"""The Asterisk configuration PULSE ships and generates (asterisk/ and
services/phone/asterisk_config.py)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from adapters.ami.events import EVENT_FILTER
from devstack.pbx_simulator import MANAGER_CONF_FILTER
from services.phone.asterisk_config import Line, closed_days, holidays_conf, lines_conf, queues_conf

ASTERISK = Path(__file__).resolve().parent.parent / "asterisk"


def test_dutch_holidays_are_closed_days():
    days = dict(closed_days([2026]))
    assert date(2026, 4, 27) in days  # Koningsdag
    assert date(2026, 4, 6) in days  # Tweede paasdag
    assert date(2026, 5, 14) in days  # Hemelvaart
    assert date(2026, 12, 25) in days and date(2026, 12, 26) in days
    conf = holidays_conf([2026])
    assert "[pulse-holidays]" in conf and "exten => 20261225,1,NoOp(" in conf


def test_lines_and_queues_come_from_the_product_lines():
    lines = [Line("BIG", "big-register", "+31703407911"), Line("UZI", "uzi-register", "+3170")]
    dialplan = lines_conf(lines)
    assert "exten => 31703407911,1,Gosub(pulse-ivr,s,1(big-register,big))" in dialplan
    assert "[big-register](pulse-queue)" in queues_conf(lines)


def test_manager_conf_lets_through_what_the_bridge_needs():
    conf = (ASTERISK / "manager.conf").read_text()
    filtered = set(re.findall(r"^eventfilter\(action\(include\),name\((\w+)\)", conf, re.M))
    needed = {e for e in EVENT_FILTER if e not in ("QueueMember", "QueueMemberPaused")}
    assert needed <= filtered  # QueueMember* list items answer an action: not filtered
    assert filtered <= MANAGER_CONF_FILTER
    assert re.search(r"^read = agent,call,user$", conf, re.M)
    assert "system" not in re.search(r"^write = (.*)$", conf, re.M).group(1)


def test_shipped_demo_files_are_current():
    from devstack.asterisk_demo import demo_lines

    assert (ASTERISK / "pulse_lines.conf").read_text() == lines_conf(demo_lines())
    assert (ASTERISK / "pulse_queues.conf").read_text() == queues_conf(demo_lines())
    for name in ("pjsip.conf", "extensions.conf", "queues.conf"):
        assert (ASTERISK / name).stat().st_size > 500
    dialplan = (ASTERISK / "extensions.conf").read_text()
    assert "#include pulse_lines.conf" in dialplan and "#include pulse_holidays.conf" in dialplan
    assert "GotoIfTime(" in dialplan and "UserEvent(PulseCallback" in dialplan


def test_unknown_numbers_hear_number_unknown():
    dialplan = lines_conf([Line("BIG", "big-register", "+31703407911")])
    inbound = dialplan.split("[pulse-inbound]", 1)[1]
    assert "exten => i,1,Answer()" in inbound
    assert " same => n,Playback(pulse/number-unknown)" in inbound


def test_queue_options_asterisk_knows():
    queues = (ASTERISK / "queues.conf").read_text()
    keywords = re.findall(r"^(\w[\w-]*) *=", queues, re.M)
    # app_queue warns "Unknown keyword" for these since Asterisk 12
    assert not {"eventwhencalled", "eventmemberstatus"} & set(keywords)
    # the exit-key context is a queue option; QUEUE_CONTEXT is no variable app_queue reads
    assert re.search(r"^context = pulse-queue-keys\b", queues, re.M)
    dialplan = (ASTERISK / "extensions.conf").read_text()
    assert "QUEUE_CONTEXT" not in dialplan and "[pulse-queue-keys]" in dialplan
    moh_class = re.search(r"^musicclass = (\S+)", queues, re.M).group(1)
    moh = (ASTERISK / "musiconhold.conf").read_text()
    assert f"[{moh_class}]" in moh and re.search(r"^mode = files$", moh, re.M)


def test_callback_userevent_adds_no_header_asterisk_already_sends():
    dialplan = (ASTERISK / "extensions.conf").read_text()
    (call,) = re.findall(r"UserEvent\(PulseCallback,([^)]*)\)", dialplan)
    headers = {part.split(":", 1)[0].strip() for part in call.split(",")}
    assert headers == {"Queue"}
    ivr = dialplan.split("[pulse-ivr]", 1)[1].split("exten => menu", 1)[0]
    # offered before anything can route the caller away from the queue
    assert ivr.index("UserEvent(PulseOffered,Queue: ${PULSE_QUEUE})") < ivr.index("GotoIf")


def test_make_run_with_a_real_asterisk_leaves_its_ami_port_alone(tmp_path):
    import socket

    from config.settings import Settings
    from devstack.run import Stack

    with socket.socket() as asterisk:  # the real Asterisk holds the AMI port
        asterisk.bind(("127.0.0.1", 0))
        asterisk.listen()
        port = asterisk.getsockname()[1]
        real = Settings(ami_simulator=False, ami_port=port)
        assert all(p != port for _, _, p in Stack(real, tmp_path).ports())
        sim = Settings(ami_simulator=True, ami_port=port)
        assert ("PBX simulator (AMI)", sim.ami_host, port) in Stack(sim, tmp_path).ports()
