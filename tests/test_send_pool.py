"""Many outbound mails sent at once share a small database pool without stalling.

A send used to hold one pooled connection (its per-message lock) while asking
the pool for a second: with more sends in flight than connections, every
connection was a lock waiting for another, and all of them timed out together."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import create_async_engine
from temporalio.testing import ActivityEnvironment

from activities.contacts import ContactActivities
from contracts.contact import SendMessageInput
from db.models.contacts import Direction, Message, SendStatus
from db.session import make_sessionmaker, session_scope
from devstack.mail_sandbox import SmtpSink
from tests.api_support import make_contact, seeded
from tests.conftest import free_port

SENDS = 25


async def test_concurrent_sends_do_not_exhaust_a_small_pool(db, settings, tmp_path):
    await seeded(db)
    sample = await make_contact(db, "BIG", 1)
    async with session_scope(db) as s:
        rows = [
            Message(
                contact_id=sample.contact_id,
                direction=Direction.outbound,
                send_status=SendStatus.sending,
                subject=f"Antwoord {i}",
                text_body="Beste klant,",
                to_addresses="burger1@example.test",
                from_address="big@pulse.test",
                message_id_header=f"pool-{i}@pulse.test",
            )
            for i in range(SENDS)
        ]
        s.add_all(rows)
        await s.flush()
        ids = [m.id for m in rows]
    # 2 + 2 connections for 25 sends; a stall shows as a pool timeout within 5 s.
    engine = create_async_engine(settings.database_url, pool_size=2, max_overflow=2, pool_timeout=5)
    try:
        async with SmtpSink(free_port(), tmp_path / "mail") as sink:
            cfg = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": sink.port})
            acts = ContactActivities(make_sessionmaker(engine), cfg)
            env = ActivityEnvironment()
            results = await asyncio.wait_for(
                asyncio.gather(*(env.run(acts.send_message, SendMessageInput(i)) for i in ids)),
                timeout=60,
            )
            assert {r.status for r in results} == {SendStatus.sent}
            await sink.wait_for(SENDS, timeout=20)
            assert len(sink.messages) == SENDS
    finally:
        await engine.dispose()
