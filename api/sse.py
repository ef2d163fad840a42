"""Live updates: one LISTEN connection per process, fanned out to browser streams.

PostgreSQL NOTIFY (db.events) -> EventHub -> one asyncio.Queue per open browser
stream, filtered by the viewer's accredited products: a browser never hears of a
contact it may not see. If the connection drops, the hub reconnects and tells
every stream to "resync" (re-fetch), because notifications in the gap are lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from db.events import CHANNEL, LiveEvent

log = logging.getLogger(__name__)

QUEUE_SIZE = 200
HEARTBEAT_SECONDS = 15.0
RECONNECT_MAX_SECONDS = 10.0

# Put on a queue when events may have been missed (reconnect or a full queue).
RESYNC = LiveEvent(kind="resync", contact_id=0, product_id=0)


@dataclass(eq=False)
class Subscription:
    product_ids: frozenset[int]
    queue: asyncio.Queue[LiveEvent] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    # Which events of its products this stream wants (a resync always passes).
    accepts: Callable[[LiveEvent], bool] | None = None

    def offer(self, event: LiveEvent) -> None:
        """Never blocks the hub: a slow browser loses detail and gets a resync."""
        if self.accepts is not None and event.kind != "resync" and not self.accepts(event):
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


class EventHub:
    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    # --- subscribers -------------------------------------------------------------------

    def subscribe(
        self,
        product_ids: frozenset[int] | set[int] | tuple[int, ...],
        accepts: Callable[[LiveEvent], bool] | None = None,
    ) -> Subscription:
        subscription = Subscription(frozenset(product_ids), accepts=accepts)
        self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscriptions)

    def dispatch(self, event: LiveEvent) -> None:
        for subscription in list(self._subscriptions):
            if event is RESYNC or event.product_id in subscription.product_ids:
                subscription.offer(event)

    def dispatch_payload(self, payload: str) -> None:
        try:
            event = LiveEvent.from_json(payload)
        except (ValueError, TypeError) as exc:
            log.warning("Ignoring a malformed live event %r: %s", payload[:200], exc)
            return
        self.dispatch(event)

    # --- the LISTEN connection ---------------------------------------------------------

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="pulse-sse-listen")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        delay = 0.5
        first = True
        while True:
            try:
                await self._listen(announce_gap=not first)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any connection failure: wait, reconnect
                log.warning("Live-event connection lost (%s); reconnecting in %.1fs", exc, delay)
            first = False
            self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    async def _listen(self, announce_gap: bool) -> None:
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
            self.connected.set()
            if announce_gap:
                self.dispatch(RESYNC)
            async for notification in conn.notifies():
                self.dispatch_payload(notification.payload)


def format_sse(event: LiveEvent) -> str:
    return f"event: {event.kind}\ndata: {event.to_json()}\n\n"


async def event_stream(
    subscription: Subscription,
    still_allowed: Callable[[], Awaitable[bool]],
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
) -> AsyncIterator[str]:
    """The text of one browser's SSE stream; ends when its session ends."""
    yield "retry: 5000\n: connected\n\n"
    while True:
        try:
            event = await asyncio.wait_for(subscription.queue.get(), heartbeat_seconds)
        except TimeoutError:
            if not await still_allowed():
                yield "event: logout\ndata: {}\n\n"
                return
            yield ": heartbeat\n\n"
            continue
        yield format_sse(event)
