"""People's decisions while the worker is down, on a real Temporal (the dev server)
with no worker polling the contact's task queue: every Update has a deadline.

- Temporal has the Update but no worker runs it: 202 "queued, do not repeat"; a
  repeated reply is the same draft and the same Update id, so once the worker is
  back the customer gets one reply;
- Temporal cannot be reached: 503 "your action was not taken".
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment

from api.errors import BUSY, QUEUED
from channels.email.intake import MailIntake
from db.models.contacts import Direction, Message
from devstack.binaries import temporal_cli
from devstack.demo.seed import seed_demo
from runtime.worker import build_worker
from services import decisions
from tests.api_support import running_app
from tests.conftest import pulse_data_converter
from tests.test_api_work import as_user, new_contacts
from tests.test_contact_workflow import eventually

REPLY = "Beste Jan, uw registratie is verwerkt."


async def _replies(db, contact_reference: str) -> int:
    from db.models.contacts import Contact

    async with db() as s:
        return (
            await s.exec(
                select(func.count())
                .select_from(Message)
                .join(Contact)
                .where(
                    Contact.reference == contact_reference,
                    Message.direction == Direction.outbound,
                    Message.is_acknowledgement.is_(False),
                )
            )
        ).one()


def _delivered_replies(sink) -> int:
    return sum(REPLY.encode() in m.raw for m in sink.messages)


@pytest.fixture
def short_deadline(monkeypatch):
    monkeypatch.setattr(decisions, "UPDATE_DEADLINE", decisions.timedelta(seconds=2))


async def test_reply_while_the_worker_is_down_is_queued_once(
    db, settings, temporal_dev, smtp_sink, short_deadline
):
    await seed_demo(db)
    cfg = settings.model_copy(
        update={
            "smtp_port": smtp_sink.port,
            "temporal_task_queue": f"deadline-{uuid.uuid4().hex[:8]}",
        }
    )
    client = temporal_dev.client
    intake = MailIntake(db, client, cfg)
    async with running_app(cfg, db, client) as app, as_user(app, db, "agent") as anna:
        async with build_worker(client, cfg, db):
            [ref] = await new_contacts(db, intake, 1)
            claimed = await anna.post(f"/api/contacts/{ref}/claim")
            assert claimed.status_code == 200, claimed.text
        # the worker is gone: nothing polls the task queue
        first = await anna.post(f"/api/contacts/{ref}/reply", data={"text": REPLY})
        assert first.status_code == 202, first.text
        assert first.json()["detail"] == QUEUED
        again = await anna.post(f"/api/contacts/{ref}/reply", data={"text": REPLY})
        assert again.status_code == 202, again.text
        assert again.json()["update_id"] == first.json()["update_id"]
        assert await _replies(db, ref) == 1
        release = await anna.post(f"/api/contacts/{ref}/release")
        assert release.status_code == 202, release.text  # any Update: queued, not hung
        async with build_worker(client, cfg, db):  # back: the queued Updates run
            await eventually(lambda: _sent(smtp_sink), timeout=30)
            third = await anna.post(f"/api/contacts/{ref}/reply", data={"text": REPLY})
            assert third.status_code == 200, third.text  # the same Update: its answer
        assert await _replies(db, ref) == 1
        assert _delivered_replies(smtp_sink) == 1


async def _sent(sink) -> bool:
    return _delivered_replies(sink) >= 1


async def test_claim_when_temporal_cannot_be_reached_is_not_taken(
    db, settings, temporal_env, smtp_sink, short_deadline
):
    await seed_demo(db)
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port})
    async with build_worker(temporal_env.client, cfg, db):
        [ref] = await new_contacts(db, MailIntake(db, temporal_env.client, cfg), 1)
    gone = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(), ui=False, data_converter=pulse_data_converter()
    )
    nowhere = gone.client  # connected, and then the server goes away
    await gone.shutdown()
    async with running_app(cfg, db, nowhere) as app, as_user(app, db, "agent") as anna:
        busy = await anna.post(f"/api/contacts/{ref}/claim")
        assert busy.status_code == 503, busy.text
        assert busy.json() == {"detail": BUSY, "code": "EngineBusy"}
        assert busy.headers["retry-after"]


async def test_two_clicks_at_once_store_one_draft(db, settings):
    """The same reply sent twice at the same moment is one draft, so one Update id."""
    import asyncio

    from db.models.contacts import Contact
    from services.access import Viewer
    from services.contacts.replies import store_reply_draft
    from tests.api_support import make_contact, seeded, user_id

    await seeded(db)
    sample = await make_contact(db, "BIG", 4242)
    anna = Viewer(await user_id(db, "agent"), "agent", "Anna", "agent", "nl", True, (), "x")

    async def click():
        async with db() as s:
            contact = await s.get(Contact, sample.contact_id)
            return (await store_reply_draft(s, settings, anna, contact, REPLY, [], None)).id

    first, second = await asyncio.gather(click(), click())
    assert first == second
    assert await _replies(db, sample.reference) == 1
