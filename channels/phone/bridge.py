"""The AMI bridge: a long-running process that listens to Asterisk (panoramisk) and
turns queue events into the calls' ContactWorkflows and the agents' phone state.

    python -m channels.phone.bridge

- Events are read by panoramisk and mapped by ``adapters.ami.events.map_event``
  (noise dropped by name at once). The protocol callback only queues work: it never
  raises, so garbage can not break the connection.
- Work runs in lanes: one per call (events of a call keep their order), one per
  queue membership; different calls proceed in parallel.
- A call's first event with a queue registers it (contact + call row + task, keyed
  by Linkedid) and every event reaches the workflow by signal-with-start on the
  contact's workflow ID: a repeated event or a restart of the bridge is harmless.
- Disconnects: reconnect with exponential backoff; after every login the bridge
  reconciles (retried with back-off until Asterisk answers) with QueueStatus
  (memberships, waiting callers) and CoreShowChannels (live calls): a caller who
  joined while the link was down is registered with the join time of its Wait, a
  call PULSE still thinks is in progress but Asterisk no longer has is ended. A
  call that came *and went* while the link was down is not recovered (Asterisk's
  queue_log / CEL are not read).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from adapters.ami.client import AmiConfig, ami_list
from adapters.ami.events import (
    OFFERED,
    CallAction,
    MemberAction,
    field,
    map_event,
    waiting_callers,
)
from adapters.ami.reconnecting import BackoffManager
from channels.phone.store import PhoneStore
from channels.phone.survey import keypad_score, record_keypad_score
from config.settings import Settings
from contracts.contact import contact_workflow_id
from contracts.phone import ABANDON, COMPLETE, CONNECT, GONE, HANGUP, CallEvent
from services.contacts.opening import WorkflowStart, start_contact_workflow
from services.phone.calls import CallRef

log = logging.getLogger("pulse.ami_bridge")

CALL_CACHE = 20_000
RETRY_MAX_SECONDS = 30.0
RETRY_ATTEMPTS = 40
RECONCILE_RETRY_START, RECONCILE_RETRY_MAX = 0.5, 15.0

SignalSink = Callable[[CallRef, CallEvent], Awaitable[None]]


class AmiBridge:
    def __init__(
        self,
        settings: Settings,
        sessionmaker: async_sessionmaker[AsyncSession],
        temporal: Client | None,
        ami: AmiConfig | None = None,
        sink: SignalSink | None = None,
    ) -> None:
        self.settings = settings
        self.store = PhoneStore(sessionmaker)
        self.temporal = temporal
        self.ami = ami or AmiConfig.from_settings(settings)
        self.sink = sink or self._signal_workflow
        self._calls: OrderedDict[str, CallRef] = OrderedDict()
        self._finished: OrderedDict[str, None] = OrderedDict()
        self._popped: OrderedDict[str, None] = OrderedDict()
        self._started: OrderedDict[str, None] = OrderedDict()
        self._lanes: dict[str, asyncio.Task] = {}
        self._manager: BackoffManager | None = None
        self._reconcile_task: asyncio.Task | None = None
        self.stopped = False
        self.connected = asyncio.Event()
        self.reconciled = asyncio.Event()
        self.counts = dict.fromkeys(
            ("events", "actions", "skipped", "errors", "signals", "reconcile_failures"), 0
        )

    # --- connection -----------------------------------------------------------------

    async def start(self) -> None:
        self._manager = BackoffManager(
            self,
            host=self.ami.host,
            port=self.ami.port,
            username=self.ami.username,
            secret=self.ami.secret,
            ping_delay=10,
            ping_interval=10,
            loop=asyncio.get_running_loop(),
        )
        self._manager.register_event("*", self.on_event)
        self._manager.connect()

    async def stop(self) -> None:
        self.stopped = True  # no more reconnects
        if self._manager is not None:
            self._manager.close()
        if self._reconcile_task is not None:
            self._reconcile_task.cancel()
        await self.drain()

    def logged_in(self) -> None:
        log.info("AMI: logged in to %s:%s", self.ami.host, self.ami.port)
        self.connected.set()
        self.reconciled.clear()
        if self._reconcile_task is not None:
            self._reconcile_task.cancel()
        self._reconcile_task = asyncio.get_running_loop().create_task(self._reconcile_safely())

    def link_lost(self) -> None:
        log.warning("AMI: connection lost; reconnecting with backoff")
        self.connected.clear()

    async def drain(self) -> None:
        """Wait until every queued piece of work is done (tests, shutdown)."""
        while self._lanes:
            await asyncio.gather(*list(self._lanes.values()), return_exceptions=True)

    # --- events ----------------------------------------------------------------------

    def on_event(self, manager, message) -> None:
        """panoramisk's callback: map and queue; never raises (a raise would close
        the connection inside the protocol)."""
        try:
            self.counts["events"] += 1
            survey = keypad_score(message)
            if survey is not None:  # in the call's lane: after its registration
                sessionmaker = self.store.sessionmaker
                self._lane(
                    f"call:{survey.linkedid}", lambda: record_keypad_score(sessionmaker, survey)
                )
                return
            action = map_event(message)
            if action is None:
                return
            self.submit(action)
        except Exception:
            self.counts["errors"] += 1
            log.exception("AMI: event skipped")

    def submit(self, action: CallAction | MemberAction) -> None:
        self.counts["actions"] += 1
        if isinstance(action, CallAction):
            ref = self._calls.get(action.linkedid)
            if action.kind == CONNECT and ref is not None and action.member_name:
                # The screen pop does not queue behind the call's earlier signals.
                self._popped[action.linkedid] = None
                while len(self._popped) > CALL_CACHE:
                    self._popped.popitem(last=False)
                self._lane(f"pop:{action.linkedid}", lambda: self._pop(ref, action.member_name))
            self._lane(f"call:{action.linkedid}", lambda: self._on_call(action))
        else:
            key = f"member:{action.member_name}:{action.queue}"
            self._lane(key, lambda: self._on_member(action))

    def _lane(self, key: str, make: Callable[[], Awaitable[None]]) -> None:
        previous = self._lanes.get(key)

        async def run() -> None:
            if previous is not None:
                with contextlib.suppress(Exception):
                    await previous
            await self._with_retry(make, key)

        task = asyncio.get_running_loop().create_task(run())
        self._lanes[key] = task
        task.add_done_callback(
            lambda t: self._lanes.pop(key, None) if self._lanes.get(key) is t else None
        )

    async def _with_retry(self, make: Callable[[], Awaitable[None]], key: str) -> None:
        """Database or Temporal down: keep trying, in order (an event must not be
        lost); a persistent fault of one call is given up after RETRY_ATTEMPTS."""
        delay = 0.2
        for attempt in range(1, RETRY_ATTEMPTS + 1):
            try:
                await make()
                return
            except Exception as exc:
                self.counts["errors"] += 1
                if attempt == RETRY_ATTEMPTS:
                    log.error("AMI bridge: %s given up after %d attempts: %s", key, attempt, exc)
                    return
                log.warning("AMI bridge: %s failed (%s); retrying in %.1fs", key, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)

    async def _on_call(self, a: CallAction) -> None:
        if a.kind == OFFERED:
            await self.store.record_offer(a.linkedid, a.queue, a.caller_number, a.at)
            return
        ref = self._calls.get(a.linkedid)
        if ref is None:
            if a.kind == HANGUP:
                ref = await self.store.find_call(a.linkedid)  # a call PULSE never queued: noise
            else:
                ref = await self.store.register_call(
                    a.linkedid, a.queue, a.caller_number, a.at, queued=not a.callback_request
                )
            if ref is None:
                self.counts["skipped"] += 1
                return
            self._remember(a.linkedid, ref)
        if a.callback_request:
            await self.store.note_callback_request(a.linkedid, a.at)
        if a.kind == HANGUP and a.linkedid in self._finished:
            return  # the queue already said how it ended: the hangup adds nothing
        if a.kind in (COMPLETE, ABANDON):
            self._finished[a.linkedid] = None
            while len(self._finished) > CALL_CACHE:
                self._finished.popitem(last=False)
        agent = await self.store.user_id(a.member_name) if a.member_name else None
        if a.kind == CONNECT and agent is not None and a.linkedid not in self._popped:
            await self.store.screen_pop(ref, agent)  # the call was not registered yet
        event = CallEvent(
            kind=a.kind,
            at=a.at,
            agent_user_id=agent,
            hold_seconds=a.hold_seconds,
            talk_seconds=a.talk_seconds,
            ring_ms=a.ring_ms,
        )
        await self.sink(ref, event)
        self.counts["signals"] += 1

    async def _pop(self, ref: CallRef, member_name: str) -> None:
        """Answered: the agent's browser pops the caller at once (the workflow records
        the answer in its own time)."""
        agent = await self.store.user_id(member_name)
        if agent is not None:
            await self.store.screen_pop(ref, agent)

    def _remember(self, linkedid: str, ref: CallRef) -> None:
        self._calls[linkedid] = ref
        while len(self._calls) > CALL_CACHE:
            self._calls.popitem(last=False)

    async def _on_member(self, a: MemberAction) -> None:
        user_id = await self.store.user_id(a.member_name)
        if user_id is None:
            log.info("AMI: queue member %r is no PULSE user; ignored", a.member_name)
            return
        await self.store.apply_member(a, user_id)

    async def _signal_workflow(self, ref: CallRef, event: CallEvent) -> None:
        """Signal-with-start for the call's first event (or after a restart of the
        bridge), a plain signal after that (less work for the server)."""
        if ref.reference in self._started:
            handle = self.temporal.get_workflow_handle(contact_workflow_id(ref.reference))
            try:
                await handle.signal("call_event", event)
                return
            except RPCError as exc:
                if exc.status != RPCStatusCode.NOT_FOUND:
                    raise
                log.info("AMI: %s for finished contact %s ignored", event.kind, ref.reference)
                return
        start = WorkflowStart(
            ref.contact_id,
            ref.reference,
            ref.product_code,
            "phone",
            start_signal="call_event",
            signal_args=[event],
        )
        if not await start_contact_workflow(self.temporal, self.settings, start):
            # The contact's workflow has finished (wrapped up and past its reopen
            # window): a late event of a call long over changes nothing.
            log.info("AMI: late %s for finished contact %s ignored", event.kind, ref.reference)
            return
        self._started[ref.reference] = None
        while len(self._started) > CALL_CACHE:
            self._started.popitem(last=False)

    # --- reconcile ----------------------------------------------------------------------

    async def _reconcile_safely(self) -> None:
        """Until it succeeds, while the link stays up: right after Asterisk starts,
        AMI takes logins before app_queue answers QueueStatus (Response: Error)."""
        delay = RECONCILE_RETRY_START
        while not self.stopped and self.connected.is_set():
            try:
                await self.reconcile()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self.counts["reconcile_failures"] += 1
                log.warning("AMI: reconcile failed (%s); again in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECONCILE_RETRY_MAX)

    async def _list(self, action: str) -> list:
        return await ami_list(self._manager, action, 30)

    async def reconcile(self) -> None:
        """Asterisk's truth after a (re)connect: memberships, callers waiting in a
        queue, live calls."""
        present: set[tuple[int, str]] = set()
        entries: list[Mapping] = []
        for item in await self._list("QueueStatus"):
            if item.get("Event") == "QueueEntry":
                entries.append(item)
                continue
            action = map_event(item)
            if isinstance(action, MemberAction):
                user_id = await self.store.user_id(action.member_name)
                if user_id is not None:
                    present.add((user_id, action.queue))
                    await self.store.apply_member(action, user_id)
        await self.store.sign_out_missing(present)
        # Calls PULSE knew of *before* asking: one that joins after the snapshot is
        # not in it, and must not be taken for a call that ended.
        known = await self.store.open_calls()
        channels = await self._list("CoreShowChannels")
        live = {field(item, "Linkedid") for item in channels}
        linked = {field(item, "Uniqueid"): field(item, "Linkedid") for item in channels}
        joined = 0
        for action in waiting_callers(entries, linked, time.time()):
            if (
                action.linkedid not in self._calls
                and await self.store.find_call(action.linkedid) is None
            ):
                joined += 1  # queued while the link was down: its wait is Asterisk's
                self._lane(f"call:{action.linkedid}", lambda a=action: self._on_call(a))
        ended = 0
        for linkedid, ref in known:
            if linkedid not in live:
                ended += 1
                self._remember(linkedid, ref)
                self._lane(f"call:{linkedid}", lambda r=ref: self.sink(r, CallEvent(kind=GONE)))
        await self.drain()
        log.info(
            "AMI: reconciled; %d call(s) joined and %d ended while the link was down",
            joined,
            ended,
        )
        self.reconciled.set()


async def main() -> None:
    """One active bridge per Asterisk: of two (or more) bridge processes the one
    holding the lease "ami:<host>:<port>" listens, the others stand by and take over
    within about a second when it dies (db/leases.py)."""
    from adapters.temporal.codec import connect_temporal
    from config.settings import get_settings
    from db.leases import Lease, while_held
    from db.session import make_engine, make_sessionmaker

    settings = get_settings()
    engine = make_engine(settings)
    temporal = await connect_temporal(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    lease = Lease(settings.database_url, f"ami:{settings.ami_host}:{settings.ami_port}")
    active: list[AmiBridge] = []

    async def start() -> None:
        bridge = AmiBridge(settings, make_sessionmaker(engine), temporal)
        active.append(bridge)
        log.info("AMI bridge for %s:%s active", settings.ami_host, settings.ami_port)
        await bridge.start()

    async def halt() -> None:
        while active:
            await active.pop().stop()

    await while_held(lease, stop, start, halt)
    await engine.dispose()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    asyncio.run(main())
