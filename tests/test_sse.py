"""Live events: one LISTEN connection fanned out per browser, filtered by product."""

from __future__ import annotations

import asyncio

import pytest_asyncio
from sqlalchemy import text

from api.sse import RESYNC, EventHub, event_stream
from db.events import CHANNEL, LiveEvent, publish
from db.session import session_scope

BIG, UZI = 1, 2


@pytest_asyncio.fixture
async def hub(settings):
    hub = EventHub(settings.psycopg_url)
    await hub.start()
    await asyncio.wait_for(hub.connected.wait(), 10)
    yield hub
    await hub.stop()


async def send(sessionmaker, product_id: int, contact_id: int) -> None:
    async with session_scope(sessionmaker) as session:
        await publish(session, LiveEvent(kind="task", contact_id=contact_id, product_id=product_id))


async def next_event(subscription, timeout: float = 5) -> LiveEvent:
    return await asyncio.wait_for(subscription.queue.get(), timeout)


async def test_events_reach_only_accredited_viewers(hub, sessionmaker):
    big_only = hub.subscribe({BIG})
    both = hub.subscribe({BIG, UZI})
    await send(sessionmaker, UZI, 20)
    await send(sessionmaker, BIG, 10)
    assert (await next_event(both)).contact_id == 20
    assert (await next_event(both)).contact_id == 10
    first_for_big = await next_event(big_only)
    assert (first_for_big.product_id, first_for_big.contact_id) == (BIG, 10)
    assert big_only.queue.empty()


async def test_a_stream_can_narrow_its_products_events(hub):
    """A phone page hears only the events meant for its agent; a resync always."""
    mine = hub.subscribe({BIG}, accepts=lambda event: event.assignee_id == 7)
    hub.dispatch(LiveEvent(kind="screen_pop", contact_id=1, product_id=BIG, assignee_id=8))
    hub.dispatch(LiveEvent(kind="screen_pop", contact_id=2, product_id=BIG, assignee_id=7))
    hub.dispatch(LiveEvent(kind="resync", contact_id=0, product_id=BIG))
    assert (await next_event(mine)).contact_id == 2
    assert (await next_event(mine)).kind == "resync"
    assert mine.queue.empty()


async def test_notify_is_heard_only_after_commit(hub, sessionmaker):
    subscription = hub.subscribe({BIG})
    async with sessionmaker() as session:
        await publish(session, LiveEvent(kind="task", contact_id=1, product_id=BIG))
        await session.rollback()
    await asyncio.sleep(0.3)
    assert subscription.queue.empty()


async def test_unsubscribed_streams_get_nothing(hub, sessionmaker):
    subscription = hub.subscribe({BIG})
    hub.unsubscribe(subscription)
    await send(sessionmaker, BIG, 1)
    await asyncio.sleep(0.3)
    assert subscription.queue.empty() and hub.subscriber_count == 0


async def test_malformed_payload_is_ignored(hub, sessionmaker):
    subscription = hub.subscribe({BIG})
    async with session_scope(sessionmaker) as session:
        await session.execute(text("SELECT pg_notify(:c, 'not json')"), {"c": CHANNEL})
    await send(sessionmaker, BIG, 5)
    assert (await next_event(subscription)).contact_id == 5


async def test_hub_reconnects_and_asks_browsers_to_resync(hub, sessionmaker):
    subscription = hub.subscribe({BIG})
    async with session_scope(sessionmaker) as session:
        await session.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        )
    assert (await next_event(subscription, timeout=15)) is RESYNC
    await send(sessionmaker, BIG, 7)
    assert (await next_event(subscription)).contact_id == 7


async def test_slow_browser_gets_resync_instead_of_blocking(hub):
    subscription = hub.subscribe({BIG})
    for i in range(subscription.queue.maxsize + 5):
        hub.dispatch(LiveEvent(kind="task", contact_id=i, product_id=BIG))
    assert (await next_event(subscription)) is RESYNC


async def test_stream_sends_events_heartbeats_and_ends_on_logout(hub):
    subscription = hub.subscribe({BIG})
    allowed = [True]

    async def still_allowed() -> bool:
        return allowed[0]

    stream = event_stream(subscription, still_allowed, heartbeat_seconds=0.05)
    assert (await anext(stream)).startswith("retry:")
    hub.dispatch(LiveEvent(kind="task", contact_id=3, product_id=BIG, reference="KCC-1"))
    chunk = await anext(stream)
    assert chunk.startswith("event: task\ndata: {") and '"contact_id":3' in chunk
    assert await anext(stream) == ": heartbeat\n\n"
    allowed[0] = False
    assert (await anext(stream)).startswith("event: logout")
