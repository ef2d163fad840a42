"""A PBX simulator that speaks AMI over TCP, for `make run`, tests and benchmarks.

It behaves like an Asterisk with queues as far as PULSE can tell: Login, Events,
Ping, QueueAdd / QueueRemove / QueuePause, QueueStatus, CoreShowChannels and
Originate answer as Asterisk 23 does, and a call produces the event stream of a
real one (devstack/pbx_templates.py: ~150 events per answered call, noise included).

Calls come from Python (``call_in`` / ``answer`` / ``hang_up``) or, for the dev page,
over AMI with three actions a real Asterisk does not have: ``PulseSimCall``
(Queue, CallerIDNum, CallerIDName), ``PulseSimAnswer`` (Linkedid, optional
MemberName) and ``PulseSimHangup`` (Linkedid).

A queued call rings the first free, unpaused member; members answer after
``auto_answer_after`` seconds, or when told to (``answer``), or not at all within
``ring_timeout`` (AgentRingNoAnswer, then the next member).

    python -m devstack.pbx_simulator --port 5038 --user pulse --secret pulse-dev-secret
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import time
from dataclasses import dataclass, field

from devstack import pbx_survey
from devstack.pbx_astdb import AstDb
from devstack.pbx_templates import (
    EOL,
    MEMBER_TEMPLATE,
    abandon_template,
    call_phases,
    caller_hangup_template,
    caller_leave_template,
    fill,
    ring_no_answer_template,
)
from rules.device_state import AVAILABLE_STATES

log = logging.getLogger("pulse.pbx")

BANNER = "Asterisk Call Manager/12.0.0" + EOL
# asterisk/manager.conf's eventfilter lines (adapters/ami/events.py EVENT_FILTER + these).
MANAGER_CONF_FILTER = frozenset(
    {
        "QueueCallerJoin",
        "QueueCallerAbandon",
        "AgentCalled",
        "AgentRingNoAnswer",
        "AgentConnect",
        "AgentComplete",
        "Hangup",
        "QueueMemberAdded",
        "QueueMemberRemoved",
        "QueueMemberStatus",
        "QueueMemberPause",
        "OriginateResponse",
        "FullyBooted",
        "UserEvent",
    }
)
NOT_IN_USE, IN_USE, RINGING = 1, 2, 6


@dataclass
class Member:
    queue: str
    name: str
    interface: str
    status: int = NOT_IN_USE
    paused: bool = False
    reason: str = ""
    login: int = field(default_factory=lambda: int(time.time()))
    taken: int = 0


@dataclass
class Call:
    linkedid: str
    queue: str
    number: str
    name: str
    ids: dict[str, str]
    joined: float = field(default_factory=time.monotonic)
    state: str = "queued"  # queued / ringing / connected / done
    member: Member | None = None
    ring_task: asyncio.Task | None = None
    answered: float | None = None
    tried: set[str] = field(default_factory=set)


class Session:
    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.logged_in = False
        self.events = True

    def write(self, text: str) -> None:
        if not self.writer.is_closing():
            self.writer.write(text.encode())


class PbxSimulator:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "pulse",
        secret: str = "pulse-dev-secret",  # noqa: S107  (the dev stack's AMI secret)
        auto_answer_after: float | None = None,
        ring_timeout: float = 15.0,
        originate_outcome: str = "answered",
        customer_dial_status: str = "ANSWER",
        event_filter: frozenset[str] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.secret = username, secret
        self.auto_answer_after = auto_answer_after
        self.ring_timeout = ring_timeout
        self.originate_outcome = originate_outcome  # the agent's leg: answered / busy / …
        # the customer's leg once the agent answered: the DIALSTATUS of [pulse-callback]
        self.customer_dial_status = customer_dial_status
        # Like manager.conf eventfilter lines: only these event names are sent (None: all
        # of them, the full noise of a real Asterisk).
        self.event_filter = event_filter
        self.members: dict[tuple[str, str], Member] = {}  # (queue, interface)
        self.calls: dict[str, Call] = {}
        self.sessions: set[Session] = set()
        self.connect_sent: dict[str, float] = {}  # linkedid -> perf_counter of AgentConnect
        self.originates: list[dict[str, str]] = []
        self.astdb = AstDb()  # DBPut / DBGet, and the IVR's open/closed check on it
        self._server: asyncio.AbstractServer | None = None
        self._serving: set[asyncio.Task] = set()
        self._ids = itertools.count(int(time.time() * 100) % 10**7)
        self._rr = itertools.count()

    # --- server ----------------------------------------------------------------------

    async def start(self) -> PbxSimulator:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        self.drop_connections()
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
        for call in self.calls.values():
            if call.ring_task:
                call.ring_task.cancel()
        for task in list(self._serving):
            task.cancel()
        if self._serving:
            await asyncio.wait(list(self._serving), timeout=2)

    async def __aenter__(self) -> PbxSimulator:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    def drop_connections(self) -> None:
        """Cut every AMI connection (as a network failure or Asterisk restart would)."""
        for session in list(self.sessions):
            session.writer.close()
        self.sessions.clear()

    def send_raw(self, data: bytes) -> None:
        """Write bytes as they are to every logged-in session (garbage tests)."""
        for session in self.sessions:
            if session.logged_in and not session.writer.is_closing():
                session.writer.write(data)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(writer)
        self.sessions.add(session)
        task = asyncio.current_task()
        if task is not None:
            self._serving.add(task)
        session.write(BANNER)
        try:
            while True:
                block = await reader.readuntil(b"\r\n\r\n")
                action = _parse(block.decode("utf-8", "replace"))
                if action:
                    self._handle(session, action)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # the simulator stops
            pass
        finally:
            self.sessions.discard(session)
            self._serving.discard(asyncio.current_task())
            writer.close()

    def _broadcast(self, text: str) -> None:
        for session in list(self.sessions):
            if session.logged_in and session.events:
                session.write(text)

    # --- actions ----------------------------------------------------------------------

    def _handle(self, session: Session, action: dict[str, str]) -> None:
        name = action.get("action", "").lower()
        aid = action.get("actionid", "")
        if name == "login":
            return self._login(session, action, aid)
        if not session.logged_in:
            return session.write(_response("Error", aid, Message="Permission denied"))
        handler = getattr(self, f"_action_{name}", None)
        if handler is None:
            return session.write(_response("Error", aid, Message="Invalid/unknown command"))
        handler(session, action, aid)

    def _login(self, session: Session, action: dict[str, str], aid: str) -> None:
        if action.get("username") != self.username or action.get("secret") != self.secret:
            return session.write(_response("Error", aid, Message="Authentication failed"))
        session.logged_in = True
        session.events = action.get("events", "on").lower() not in ("off", "no", "false")
        session.write(_response("Success", aid, Message="Authentication accepted"))
        if session.events:
            session.write(
                _event(
                    "FullyBooted",
                    Privilege="system,all",
                    Uptime="243",
                    LastReload="243",
                    Status="Fully Booted",
                )
            )

    def _action_ping(self, session, action, aid) -> None:
        session.write(_response("Success", aid, Ping="Pong", Timestamp=f"{time.time():.6f}"))

    def _action_events(self, session, action, aid) -> None:
        session.events = action.get("eventmask", "on").lower() not in ("off", "no", "false")
        session.write(_response("Success", aid, Events="On" if session.events else "Off"))

    def _action_queueadd(self, session, action, aid) -> None:
        queue, iface = action.get("queue", ""), action.get("interface", "")
        if not queue or not iface:
            return session.write(_response("Error", aid, Message="'Queue' not specified."))
        if (queue, iface) in self.members:
            return session.write(
                _response("Error", aid, Message="Unable to add interface: Already there")
            )
        member = Member(queue, action.get("membername") or iface, iface)
        member.paused = action.get("paused", "false").lower() in ("true", "1", "yes")
        self.members[(queue, iface)] = member
        session.write(_response("Success", aid, Message="Added interface to queue"))
        self._member_event("QueueMemberAdded", member)
        self._distribute(queue)

    def _action_queueremove(self, session, action, aid) -> None:
        member = self.members.pop((action.get("queue", ""), action.get("interface", "")), None)
        if member is None:
            return session.write(
                _response("Error", aid, Message="Unable to remove interface: Not there")
            )
        session.write(_response("Success", aid, Message="Removed interface from queue"))
        self._member_event("QueueMemberRemoved", member)

    def _action_queuepause(self, session, action, aid) -> None:
        iface, queue = action.get("interface", ""), action.get("queue")
        paused = action.get("paused", "true").lower() in ("true", "1", "yes")
        found = [m for (q, i), m in self.members.items() if i == iface and queue in (None, q)]
        if not found:
            return session.write(_response("Error", aid, Message="Interface not found"))
        session.write(
            _response(
                "Success",
                aid,
                Message="Interface paused successfully"
                if paused
                else "Interface unpaused successfully",
            )
        )
        for member in found:
            member.paused, member.reason = paused, action.get("reason", "") if paused else ""
            self._member_event("QueueMemberPause", member)
            if not paused:
                self._distribute(member.queue)

    def _action_queuestatus(self, session, action, aid) -> None:
        session.write(
            _response("Success", aid, EventList="start", Message="Queue status will follow")
        )
        items = 0
        for queue in sorted({q for q, _ in self.members} | {c.queue for c in self.calls.values()}):
            waiting = [c for c in self.calls.values() if c.queue == queue and c.state != "done"]
            session.write(
                _event(
                    "QueueParams",
                    Queue=queue,
                    Max="0",
                    Strategy="rrmemory",
                    Calls=str(len(waiting)),
                    Holdtime="0",
                    TalkTime="0",
                    Completed="0",
                    Abandoned="0",
                    ServiceLevel="30",
                    ServicelevelPerf="0.0",
                    ServicelevelPerf2="0.0",
                    Weight="0",
                    ActionID=aid,
                )
            )
            items += 1
            for (q, _), m in sorted(self.members.items()):
                if q != queue:
                    continue
                session.write(
                    _event(
                        "QueueMember",
                        Queue=queue,
                        Name=m.name,
                        Location=m.interface,
                        StateInterface=m.interface,
                        Membership="dynamic",
                        Penalty="0",
                        CallsTaken=str(m.taken),
                        LastCall="0",
                        LastPause="0",
                        LoginTime=str(m.login),
                        InCall="1" if m.status == IN_USE else "0",
                        Status=str(m.status),
                        Paused="1" if m.paused else "0",
                        PausedReason=m.reason,
                        Wrapuptime="0",
                        ActionID=aid,
                    )
                )
                items += 1
            for position, call in enumerate(c for c in waiting if c.state != "connected"):
                session.write(
                    _event(
                        "QueueEntry",
                        Queue=queue,
                        Position=str(position + 1),
                        Channel=f"PJSIP/trunk-{call.ids['§C1§']}",
                        Uniqueid=call.linkedid,
                        CallerIDNum=call.number,
                        CallerIDName=call.name,
                        ConnectedLineNum="<unknown>",
                        ConnectedLineName="<unknown>",
                        Wait=str(int(time.monotonic() - call.joined)),
                        Priority="0",
                        ActionID=aid,
                    )
                )
                items += 1
        session.write(
            _event("QueueStatusComplete", ActionID=aid, EventList="Complete", ListItems=str(items))
        )

    def _action_coreshowchannels(self, session, action, aid) -> None:
        session.write(_response("Success", aid, EventList="start", Message="Channels will follow"))
        live = [c for c in self.calls.values() if c.state != "done"]
        for call in live:
            session.write(
                _event(
                    "CoreShowChannel",
                    ActionID=aid,
                    Channel=f"PJSIP/trunk-{call.ids['§C1§']}",
                    ChannelState="6",
                    ChannelStateDesc="Up",
                    CallerIDNum=call.number,
                    CallerIDName=call.name,
                    Context="incoming",
                    Exten="enqueue",
                    Priority="9",
                    Uniqueid=call.linkedid,
                    Linkedid=call.linkedid,
                    Application="Queue",
                    ApplicationData=call.queue,
                    Duration="00:00:01",
                    BridgeId="",
                )
            )
        session.write(
            _event(
                "CoreShowChannelsComplete",
                ActionID=aid,
                EventList="Complete",
                ListItems=str(len(live)),
            )
        )

    def _action_originate(self, session, action, aid) -> None:
        self.originates.append(dict(action))
        if action.get("channel", "") == "":
            return session.write(_response("Error", aid, Message="Channel not specified"))
        session.write(_response("Success", aid, Message="Originate successfully queued"))
        outcome = self.originate_outcome
        reason = {"answered": "4", "busy": "5", "no_answer": "3"}.get(outcome, "0")
        uid = self._new_id()
        session.write(
            _event(
                "OriginateResponse",
                Privilege="call,all",
                Timestamp=f"{time.time():.6f}",
                ActionID=aid,
                Response="Success" if outcome == "answered" else "Failure",
                Channel=action.get("channel", ""),
                Context=action.get("context", ""),
                Exten=action.get("exten", ""),
                Reason=reason,
                Uniqueid=uid,
                CallerIDNum=action.get("exten", ""),
                CallerIDName="<unknown>",
            )
        )
        if outcome == "answered":  # the dialplan dials the customer and reports it
            variables = dict(
                v.split("=", 1) for v in action.get("variable", "").split(",") if "=" in v
            )
            session.write(
                _event(
                    "UserEvent",
                    Privilege="user,all",
                    Channel=action.get("channel", ""),
                    Uniqueid=uid,
                    UserEvent="PulseCallbackDial",
                    PulseOriginate=variables.get("PULSE_ORIGINATE", ""),
                    DialStatus=self.customer_dial_status,
                )
            )

    def _action_pulsesimcall(self, session, action, aid) -> None:
        number, product = action.get("calleridnum", ""), action.get("product", "")
        if product and self.astdb.answer_closed(product, number):
            return session.write(_response("Success", aid, Message="Closed message played"))
        linkedid = self.call_in(action.get("queue", ""), number, action.get("calleridname", ""))
        session.write(_response("Success", aid, Message="Call queued", Linkedid=linkedid))

    def _action_dbput(self, session, action, aid) -> None:
        fields = self.astdb.put(action)
        session.write(_response(fields.pop("Response"), aid, **fields))

    def _action_dbget(self, session, action, aid) -> None:
        response, events = self.astdb.get(action)
        session.write(_response(response.pop("Response"), aid, **response))
        for fields in events:
            session.write(_event(fields.pop("Event"), ActionID=aid, **fields))

    def dial_in(self, product: str, queue: str, number: str) -> str | None:
        """A caller dials a product's number: the closed message (None) when AstDB says
        the line is closed, else the caller joins the queue (its linkedid)."""
        if self.astdb.answer_closed(product, number):
            return None
        return self.call_in(queue, number)

    def _action_pulsesimanswer(self, session, action, aid) -> None:
        ok = self.answer(action.get("linkedid", ""), action.get("membername") or None)
        session.write(
            _response(
                "Success" if ok else "Error", aid, Message="Answered" if ok else "Not ringing"
            )
        )

    def _action_pulsesimhangup(self, session, action, aid) -> None:
        ok = self.hang_up(action.get("linkedid", ""))
        session.write(
            _response("Success" if ok else "Error", aid, Message="Hung up" if ok else "No call")
        )

    def _action_pulsesimsurvey(self, session, action, aid) -> None:
        self.post_call_survey(action.get("linkedid", ""), action.get("score", ""))
        session.write(_response("Success", aid, Message="Survey answered"))

    # --- calls ------------------------------------------------------------------------

    def post_call_survey(self, linkedid: str, score: str, number: str = "") -> None:
        """The caller keys a score after the agent hung up (devstack/pbx_survey.py)."""
        self._broadcast(pbx_survey.survey_event(linkedid, number, score))

    def _new_id(self) -> str:
        return f"{int(time.time())}.{next(self._ids)}"

    def call_in(self, queue: str, number: str, name: str = "") -> str:
        """A caller reaches ``queue`` (after the IVR): QueueCallerJoin and the noise."""
        linkedid = self._new_id()
        ids = {
            "§L§": linkedid,
            "§U2§": self._new_id(),
            "§C1§": f"{next(self._ids) % 16**8:08x}",
            "§C2§": f"{next(self._ids) % 16**8:08x}",
            "§BR§": f"sim-bridge-{linkedid}",
            "§Q§": queue,
            "§NUM§": number or "anonymous",
            "§NAME§": name or number or "anonymous",
        }
        call = Call(linkedid, queue, number, name, ids)
        self.calls[linkedid] = call
        position = sum(1 for c in self.calls.values() if c.queue == queue and c.state == "queued")
        self._phase(call, "join", {"§POS§": str(position)})
        self._distribute(queue)
        return linkedid

    def _values(self, call: Call, extra: dict[str, str] | None = None) -> dict[str, str]:
        member = call.member
        values = dict(call.ids)
        values["§IFACE§"] = member.interface if member else "PJSIP/none"
        values["§MEMBER§"] = member.name if member else "none"
        values["§T§"] = f"{time.time():.6f}"
        values.update(extra or {})
        return values

    def _phase(self, call: Call, phase: str, extra: dict[str, str] | None = None) -> None:
        values = self._values(call, extra)
        wanted = self.event_filter
        self._broadcast(
            "".join(
                fill(text, values)
                for name, text in call_phases()[phase]
                if wanted is None or name in wanted
            )
        )

    def _member_event(self, event: str, m: Member) -> None:
        self._broadcast(
            fill(
                MEMBER_TEMPLATE,
                {
                    "§EVENT§": event,
                    "§T§": f"{time.time():.6f}",
                    "§Q§": m.queue,
                    "§MEMBER§": m.name,
                    "§IFACE§": m.interface,
                    "§TAKEN§": str(m.taken),
                    "§LOGIN§": str(m.login),
                    "§INCALL§": "1" if m.status == IN_USE else "0",
                    "§STATUS§": str(m.status),
                    "§PAUSED§": "1" if m.paused else "0",
                    "§REASON§": m.reason,
                },
            )
        )

    def _set_status(self, interface: str, status: int) -> None:
        """A device is in every queue it is a member of: all memberships change."""
        for (_, iface), m in self.members.items():
            if iface == interface and m.status != status:
                m.status = status
                self._member_event("QueueMemberStatus", m)

    def _free_member(self, call: Call) -> Member | None:
        busy = {c.member.interface for c in self.calls.values() if c.member and c.state != "done"}
        free = [
            m
            for (q, i), m in self.members.items()
            if q == call.queue
            and not m.paused
            and i not in busy
            and i not in call.tried
            and m.status in AVAILABLE_STATES
        ]
        if not free:
            return None
        return free[next(self._rr) % len(free)]

    def _distribute(self, queue: str) -> None:
        for call in sorted(self.calls.values(), key=lambda c: c.joined):
            if call.queue == queue and call.state == "queued":
                member = self._free_member(call)
                if member is None and call.tried:
                    # everyone tried once (AgentRingNoAnswer): app_queue starts a new
                    # round and offers the call again
                    call.tried.clear()
                    member = self._free_member(call)
                if member is not None:
                    self._ring(call, member)

    def _ring(self, call: Call, member: Member) -> None:
        call.state, call.member = "ringing", member
        call.tried.add(member.interface)
        self._phase(call, "ring")
        self._set_status(member.interface, RINGING)
        call.ring_task = asyncio.get_running_loop().create_task(self._ringing(call, member))

    async def _ringing(self, call: Call, member: Member) -> None:
        wait = self.auto_answer_after
        try:
            if wait is not None and wait < self.ring_timeout:
                await asyncio.sleep(wait)
                self._connect(call)
                return
            await asyncio.sleep(self.ring_timeout)
        except asyncio.CancelledError:
            return
        if call.state == "ringing" and call.member is member:
            ring_ms = str(int(self.ring_timeout * 1000))
            values = self._values(call, {"§RINGMS§": ring_ms})
            self._broadcast(fill(ring_no_answer_template(), values))
            call.state, call.member = "queued", None
            self._set_status(member.interface, NOT_IN_USE)
            self._distribute(call.queue)

    def answer(self, linkedid: str, member_name: str | None = None) -> bool:
        """The ringing member picks up (dev page "pick up")."""
        call = self.calls.get(linkedid)
        if call is None or call.state != "ringing":
            return False
        if member_name and call.member and call.member.name != member_name:
            return False
        if call.ring_task and call.ring_task is not asyncio.current_task():
            call.ring_task.cancel()
        self._connect(call)
        return True

    def _connect(self, call: Call) -> None:
        if call.state != "ringing" or call.member is None:
            return
        call.state, call.answered = "connected", time.monotonic()
        hold = str(int(call.answered - call.joined))
        values = {"§HOLD§": hold, "§RING§": "0"}
        for name, text in call_phases()["connect"]:
            if self.event_filter is not None and name not in self.event_filter:
                continue
            chunk = fill(text, self._values(call, values))
            if text.startswith("Event: AgentConnect"):
                self._broadcast(chunk)
                self.connect_sent[call.linkedid] = time.perf_counter()
            else:
                self._broadcast(chunk)
        call.member.taken += 1
        self._set_status(call.member.interface, IN_USE)

    def hang_up(self, linkedid: str, reason: str = "caller") -> bool:
        """The caller (or agent) hangs up: AgentComplete, or QueueCallerAbandon."""
        call = self.calls.get(linkedid)
        if call is None or call.state == "done":
            return False
        if call.ring_task:
            call.ring_task.cancel()
        hold = str(int((call.answered or time.monotonic()) - call.joined))
        if call.state == "connected":
            talk = str(int(time.monotonic() - (call.answered or time.monotonic())))
            values = {"§HOLD§": hold, "§TALK§": talk, "§REASON§": reason}
            self._phase(call, "end", values)
            member = call.member
            call.state = "done"
            if member is not None:
                self._set_status(member.interface, NOT_IN_USE)
                self._distribute(member.queue)
        else:
            member = call.member if call.state == "ringing" else None
            values = self._values(call, {"§HOLD§": hold, "§POS§": "1"})
            call.state = "done"
            self._broadcast(fill(abandon_template(), values))
            self._broadcast(fill(caller_leave_template(), values))
            self._broadcast(fill(caller_hangup_template(), values))
            if member is not None:  # its ringing agent is free for the next caller
                self._set_status(member.interface, NOT_IN_USE)
                self._distribute(member.queue)
        self.calls.pop(linkedid, None)
        return True

    def forget_call(self, linkedid: str) -> None:
        """The call ends without a word (as while PULSE's link was down)."""
        call = self.calls.pop(linkedid, None)
        if call and call.ring_task:
            call.ring_task.cancel()
        if call and call.member:
            call.member.status = NOT_IN_USE


def _parse(block: str) -> dict[str, str]:
    action: dict[str, str] = {}
    for line in block.replace("\r\n", "\n").split("\n"):
        key, sep, value = line.partition(":")
        if sep:
            action[key.strip().lower()] = value.strip()
    return action


def _lines(fields: dict[str, str]) -> str:
    return "".join(f"{k}: {v}{EOL}" for k, v in fields.items())


def _response(status: str, aid: str, **fields: str) -> str:
    return f"Response: {status}{EOL}ActionID: {aid}{EOL}" + _lines(fields) + EOL


def _event(name: str, **fields: str) -> str:
    return f"Event: {name}{EOL}" + _lines(fields) + EOL


async def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5038)
    parser.add_argument("--user", default="pulse")
    parser.add_argument("--secret", default="pulse-dev-secret")
    parser.add_argument("--ring-timeout", type=float, default=15.0)
    parser.add_argument(
        "--filtered", action="store_true", help="send only what asterisk/manager.conf lets through"
    )
    args = parser.parse_args()
    sim = PbxSimulator(
        args.host,
        args.port,
        args.user,
        args.secret,
        ring_timeout=args.ring_timeout,
        event_filter=MANAGER_CONF_FILTER if args.filtered else None,
    )
    await sim.start()
    log.info("PBX simulator (AMI) on %s:%s", args.host, sim.port)
    await asyncio.Event().wait()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main())
