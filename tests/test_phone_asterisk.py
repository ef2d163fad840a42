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
