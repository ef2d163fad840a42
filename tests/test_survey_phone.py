"""The post-call survey by keypad: after the agent hangs up, the caller's score
arrives over AMI (the PBX simulator over TCP sends Asterisk's UserEvent PulseSurvey)
and the AMI bridge stores it once on that call's contact."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlmodel import select

from adapters.ami.client import AmiClient, AmiConfig
from channels.phone.bridge import AmiBridge
from channels.phone.survey import KeypadScore, keypad_score
from db.models.contacts import Contact, User
from db.models.customers import SatisfactionScore
from db.models.phone import AgentPhoneState, PhoneCall
from devstack.demo.seed import seed_demo
from devstack.pbx_simulator import PbxSimulator
from runtime.worker import build_worker
from tests.test_contact_workflow import eventually

SECRET = "sim-secret"


@pytest.fixture
async def phone(db, settings, temporal_env):
    await seed_demo(db)
    sim = await PbxSimulator(secret=SECRET, ring_timeout=30).start()
    ami = AmiConfig("127.0.0.1", sim.port, "pulse", SECRET)
    cfg = settings.model_copy(update={"ami_port": sim.port, "ami_secret": SecretStr(SECRET)})
    bridge = AmiBridge(cfg, db, temporal_env.client, ami)
    async with build_worker(temporal_env.client, cfg, db):
        await bridge.start()
        await asyncio.wait_for(bridge.reconciled.wait(), 20)
        client = AmiClient(ami)
        try:
            yield sim, bridge, client, db
        finally:
            client.close()
            await bridge.stop()
            await sim.stop()


async def _first(db, stmt):
    async with db() as s:
        return (await s.exec(stmt)).first()


async def _scores(db):
    async with db() as s:
        return (await s.exec(select(SatisfactionScore))).all()


async def test_keypad_score_after_the_call_is_stored_once_on_its_contact(phone):
    sim, bridge, ami, db = phone
    anna = (await _first(db, select(User).where(User.username == "agent"))).id
    await ami.queue_add("big-register", "PJSIP/agent", "agent")

    async def signed_in():
        row = await _first(db, select(AgentPhoneState).where(AgentPhoneState.user_id == anna))
        return row is not None and row.signed_in and row.status == 1

    await eventually(signed_in)
    linkedid = sim.call_in("big-register", "+31 6 12345678", "Jan")

    async def ringing():
        call = await _first(db, select(PhoneCall).where(PhoneCall.linkedid == linkedid))
        return call is not None and sim.calls[linkedid].state == "ringing"

    await eventually(ringing)
    assert sim.answer(linkedid)
    call = await _first(db, select(PhoneCall).where(PhoneCall.linkedid == linkedid))

    async def answered():
        contact = await _first(db, select(Contact).where(Contact.id == call.contact_id))
        return contact.assignee_id == anna

    await eventually(answered)
    assert sim.hang_up(linkedid, reason="agent")

    # not a score, and a call PULSE does not know: nothing stored, nothing broken
    sim.post_call_survey(linkedid, "9")
    sim.post_call_survey("999.999", "5")
    sim.post_call_survey(linkedid, "4", "+31612345678")

    async def stored():
        return await _scores(db)

    [score] = await eventually(stored)
    contact = await _first(db, select(Contact).where(Contact.id == call.contact_id))
    assert (score.contact_id, score.score, score.via) == (contact.id, 4, "keypad")
    assert (score.channel, score.product_id, score.agent_id) == ("phone", contact.product_id, anna)

    # the event again (Asterisk or the link repeating it): still one answer. The bridge
    # queues an event's work as it reads it, so once it was read, drain() waits for it.
    read = bridge.counts["events"]
    sim.post_call_survey(linkedid, "2")

    async def read_it():
        return bridge.counts["events"] > read

    await eventually(read_it)
    await bridge.drain()
    assert [s.score for s in await _scores(db)] == [4]


ASTERISK = Path(__file__).resolve().parents[1] / "asterisk"


def test_the_dialplan_asks_answered_callers_and_sends_only_the_score():
    dialplan = (ASTERISK / "extensions.conf").read_text()
    assert re.search(r"Queue\(\$\{PULSE_QUEUE\},t?C?c", dialplan)  # the caller stays on
    assert 'GotoIf($["${MEMBERINTERFACE}" != ""]?survey,1)' in dialplan
    (event,) = re.findall(r"UserEvent\(PulseSurvey,([^)]*)\)", dialplan)
    assert {part.split(":", 1)[0].strip() for part in event.split(",")} == {"Score"}
    manager = (ASTERISK / "manager.conf").read_text()
    assert re.search(r"^eventfilter\(.*name\(UserEvent\).*\) = PulseSurvey$", manager, re.M)


def test_the_survey_event_is_read_as_asterisk_sends_it():
    # a header Asterisk sends twice comes from panoramisk as a list; the first is ours
    event = {"Event": "UserEvent", "UserEvent": "PulseSurvey", "Score": "5"}
    assert keypad_score({**event, "Linkedid": ["17.1", "x"], "Uniqueid": "17.2"}) == (
        KeypadScore("17.1", "17.2", 5)
    )
    assert keypad_score({**event, "Linkedid": "17.1", "Score": "0"}).score is None
    assert keypad_score({**event}) is None  # no call to store it on
    assert keypad_score({**event, "UserEvent": "PulseCallback", "Linkedid": "1"}) is None
