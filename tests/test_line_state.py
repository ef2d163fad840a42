"""The phone lines' open/closed state from PULSE's own calendar, in Asterisk's AstDB:
an admin adds the day as a closing day, the push (activities/line_state.py, over AMI
to the PBX simulator) writes ``pulse/<product>/open = 0``, and a simulated call is
answered by the closed message; removing the closing day opens the line again.

The moment is fixed (a Wednesday 10:00 in Amsterdam, no public holiday) so that the
test is about the closing day, not the hour it runs at."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from activities.line_state import LineStateActivities
from adapters.ami.client import AmiClient, AmiConfig
from contracts.line_state import PushLineStatesInput
from db.models.contacts import Product
from db.models.phone import PhoneLine
from devstack.pbx_simulator import PbxSimulator
from services.admin.work_setup.calendar import ClosingDayIn, add_closing_day, remove_closing_day
from tests.api_support import seeded
from tests.test_mailbox_reconcile import ADMIN

DAY = date(2031, 3, 5)  # a Wednesday
AT = datetime(2031, 3, 5, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam")).isoformat()


async def call(ami: AmiClient, product: str, queue: str) -> str:
    action = {"Action": "PulseSimCall", "Product": product, "Queue": queue}
    response = await ami.send({**action, "CallerIDNum": "0612345678"}, as_list=False)
    return response.get("Message", "")


async def db_get(ami: AmiClient, family: str, key: str) -> str | None:
    answer = await ami.send({"Action": "DBGet", "Family": family, "Key": key}, as_list=True)
    values = [m.get("Val") for m in answer if m.get("Event") == "DBGetResponse"]
    return values[0] if values else None


async def test_closing_day_closes_the_line_in_astdb_and_reopens(db, settings):
    await seeded(db)
    async with PbxSimulator(secret="s", ring_timeout=600) as sim:
        ami = AmiClient(AmiConfig("127.0.0.1", sim.port, "pulse", "s"))
        acts = LineStateActivities(db, settings, ami)
        try:
            assert await call(ami, "big", "big-register") == "Call queued"  # no key yet: open
            opened = await acts.push_line_states(PushLineStatesInput(at=AT))
            assert opened.open and opened.lines == 6 and opened.closing_day == ""
            assert await db_get(ami, "pulse/big", "open") == "1"

            async with db() as s:
                await add_closing_day(s, ADMIN, None, ClosingDayIn(day=DAY, label="Brugdag"))
            closed = await acts.push_line_states(PushLineStatesInput(at=AT))
            assert not closed.open and closed.closing_day == DAY.isoformat()
            assert await db_get(ami, "pulse/big", "open") == "0"
            assert await db_get(ami, "pulse/uzi", "closing_day") == DAY.isoformat()
            assert await call(ami, "big", "big-register") == "Closed message played"
            assert sim.astdb.played == [("0612345678", "pulse/big/closed")]  # the default

            async with db() as s:
                await remove_closing_day(s, ADMIN, None, DAY)
            await acts.push_line_states(PushLineStatesInput(at=AT))
            assert await db_get(ami, "pulse/big", "open") == "1"
            assert sim.astdb.values[("pulse/big", "closing_day")] == ""  # written, empty
            assert await call(ami, "big", "big-register") == "Call queued"
            assert len(sim.astdb.played) == 1

            # the admin's prompt and callback switch travel with the state
            async with db() as s:
                line = (
                    await s.exec(select(PhoneLine).join(Product).where(Product.code == "UZI"))
                ).one()
                line.closed_prompt, line.callback_enabled = "pulse/uzi/kerst", False
                s.add(line)
                await s.commit()
            await acts.push_line_states(PushLineStatesInput(at=AT.replace("T10:00", "T18:00")))
            assert await db_get(ami, "pulse/uzi", "callback") == "0"
            assert await db_get(ami, "pulse/big", "callback") == "1"
            assert await call(ami, "uzi", "uzi-register") == "Closed message played"
            assert sim.astdb.played[-1] == ("0612345678", "pulse/uzi/kerst")
        finally:
            ami.close()


async def test_outside_office_hours_is_closed(db, settings):
    await seeded(db)
    async with PbxSimulator(secret="s", ring_timeout=600) as sim:
        ami = AmiClient(AmiConfig("127.0.0.1", sim.port, "pulse", "s"))
        try:
            evening = AT.replace("T10:00", "T19:30")
            acts = LineStateActivities(db, settings, ami)
            result = await acts.push_line_states(PushLineStatesInput(at=evening))
            assert not result.open and result.closing_day == ""
            assert sim.astdb.values[("pulse/donor", "open")] == "0"
        finally:
            ami.close()
