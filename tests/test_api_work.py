"""The work area through the API, with the real ContactWorkflow on the time-skipping
server: line task lists, "next task", escalation by form and JSON, the trafficer's
overview and bulk assignment, priority, presence, reply templates."""

from __future__ import annotations

import time
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from sqlalchemy import update
from sqlmodel import select

from channels.email.intake import MailIntake
from db.models.contacts import Contact, Task
from devstack.demo.seed import seed_demo
from runtime.worker import build_worker
from tests.api_support import JSON, client_for, login, running_app
from tests.test_contact_workflow import customer_mail, eventually, smtp_sink  # noqa: F401


@pytest_asyncio.fixture
async def work_world(db, settings, temporal_env, smtp_sink):  # noqa: F811
    await seed_demo(db)
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port, "smtp_host": "127.0.0.1"})
    with pytest.MonkeyPatch.context() as patch:
        await _follow_server_clock(temporal_env, patch)
        async with build_worker(temporal_env.client, cfg, db):
            intake = MailIntake(db, temporal_env.client, cfg)
            async with running_app(cfg, db, temporal_env.client) as app:
                yield app, db, intake


async def _follow_server_clock(env, patch) -> None:
    """Claims carry a deadline on the workflows' clock; the shared time-skipping
    server's clock runs ahead of the wall clock once a test skipped time on it."""
    from services.work import next_task

    ahead = (await env.get_current_time()).timestamp() - time.time()
    patch.setattr(next_task, "workflow_clock", lambda: time.time() + ahead)


@asynccontextmanager
async def as_user(app, db, username: str):
    async with client_for(app) as client:
        csrf = await login(client, db, username)
        client.headers.update({**JSON, "X-CSRF-Token": csrf})
        yield client


async def new_contacts(
    db, intake, count: int, mailbox: str = "big", first_uid: int = 1
) -> list[str]:
    """Contacts by e-mail (other areas' demo data may hold contacts of its own)."""
    async with db() as s:
        before = (await s.exec(select(Contact.id).order_by(Contact.id.desc()))).first() or 0
    for uid in range(first_uid, first_uid + count):
        await intake.handle(customer_mail(subject=f"vraag {uid}").as_bytes(), mailbox, 9, uid)
    async with db() as s:
        refs = (
            await s.exec(select(Contact.reference).where(Contact.id > before).order_by(Contact.id))
        ).all()

    async def all_started():
        async with db() as s:
            tasks = (await s.exec(select(Task).where(Task.reference.in_(refs)))).all()
            return len(tasks) == count and all(t.due_at is not None for t in tasks)

    await eventually(all_started)
    return list(refs)


async def test_escalation_through_the_api_and_the_line_lists(work_world):
    app, db, intake = work_world
    [ref] = await new_contacts(db, intake, 1)
    async with (
        as_user(app, db, "agent") as anna,
        as_user(app, db, "agent2") as bram,
        as_user(app, db, "backoffice2") as gert,
    ):
        assert (await anna.post(f"/api/contacts/{ref}/claim")).status_code == 200
        # Not the holder: refused by the workflow, with its code.
        refused = await bram.post(
            f"/api/contacts/{ref}/escalate", json={"to_line": 2, "question": "?"}
        )
        assert refused.status_code == 409 and refused.json()["code"] == "NotHolder"
        asked = await anna.post(
            f"/api/contacts/{ref}/escalate",
            json={"to_line": 2, "question": "Is dit diploma geldig?"},
        )
        assert asked.status_code == 200 and asked.json() == {"status": "new", "assignee_id": None}

        async def on_line_2():
            rows = (await gert.get("/api/work/tasks?line=2")).json()
            return [r["reference"] for r in rows] == [ref]

        await eventually(on_line_2)
        assert (await anna.get("/api/work/tasks?line=2")).json() == []  # not her list
        # A 1st-line agent cannot claim it from the backoffice list.
        taken = await bram.post(f"/api/contacts/{ref}/claim")
        assert taken.status_code == 409 and taken.json()["code"] == "NotOnYourLine"
        # The backoffice takes the next task of its lists and answers by the form.
        nxt = await gert.post("/api/work/next")
        assert nxt.json() == {"reference": ref}
        page_csrf = gert.headers["X-CSRF-Token"]
        answered = await gert.post(
            f"/contacts/{ref}/answer",
            data={"answer": "Ja, geldig tot 2030.", "csrf_token": page_csrf},
            headers={"Accept": "text/html"},
        )
        assert answered.status_code == 303, answered.text
        detail = (await anna.get(f"/api/contacts/{ref}")).json()
        assert detail["contact"]["assignee_id"] is not None
        kinds = [e["kind"] for e in reversed(detail["events"])]
        assert kinds[:1] == ["received"]
        hops = [k for k in kinds if k in ("claimed", "escalated", "escalation_answered")]
        assert hops == ["claimed", "escalated", "claimed", "escalation_answered"]
        notes = [n["body"] for n in detail["notes"]]
        assert notes == ["Is dit diploma geldig?", "Ja, geldig tot 2030."]
        page = await anna.get(f"/contacts/{ref}", headers={"Accept": "text/html"})
        # Each hop names the line it left and the line it went to, who and when.
        assert "Doorgezet door Anna Agent: 1e lijn → 2e lijn (BIG backoffice)" in page.text
        assert "Beantwoord door Gert Backoffice: 2e lijn (BIG backoffice) → 1e lijn" in page.text


async def test_next_task_takes_the_most_urgent_first(work_world):
    app, db, intake = work_world
    refs = await new_contacts(db, intake, 3)
    async with db() as s:  # the last one has breached its SLA: it comes first
        await s.execute(update(Task).where(Task.reference == refs[2]).values(sla_state="breached"))
        await s.commit()
    async with as_user(app, db, "agent") as anna, as_user(app, db, "agent2") as bram:
        first = (await anna.post("/api/work/next")).json()["reference"]
        second = (await bram.post("/api/work/next")).json()["reference"]
        third = (await anna.post("/api/work/next")).json()["reference"]
        assert first == refs[2] and second == refs[0] and third == refs[1]
        assert (await bram.post("/api/work/next")).json() == {"reference": None}
        mine = (await anna.get("/api/work/tasks?mine=true")).json()
        assert {r["reference"] for r in mine} == {refs[2], refs[1]}
        assert all(r["minutes_left"] is not None for r in mine)


async def test_trafficer_overview_bulk_assign_and_priority(work_world):
    app, db, intake = work_world
    refs = await new_contacts(db, intake, 3)
    async with as_user(app, db, "trafficer") as daan, as_user(app, db, "agent") as anna:
        me = (await anna.get("/api/auth/me")).json()
        overview = (await daan.get("/api/trafficer/overview")).json()
        assert sum(q["open"] for q in overview["queues"]) == 3
        assert [t["reference"] for t in overview["tasks"]] == refs  # oldest first, same SLA

        result = await daan.post(
            "/api/trafficer/assign",
            json={"references": [refs[0], refs[1], "KCC-0000-000000"], "user_id": me["id"]},
        )
        outcome = {item["reference"]: item for item in result.json()}
        assert outcome[refs[0]]["ok"] and outcome[refs[1]]["ok"]
        assert outcome["KCC-0000-000000"] == {
            "reference": "KCC-0000-000000",
            "ok": False,
            "code": "NotFound",
            "detail": None,
        }
        # Reassign one of them while it is held: the trafficer may.
        moved = await daan.post(
            "/api/trafficer/assign",
            json={"references": [refs[0]], "user_id": await _id(db, "specialist")},
        )
        assert moved.json()[0]["ok"] is True

        prio = await daan.post(f"/api/contacts/{refs[2]}/priority", json={"priority": 5})
        assert prio.status_code == 200

        async def reflected():
            data = (await daan.get("/api/trafficer/overview")).json()
            load = {w["full_name"]: w["claimed"] for w in data["workload"]}
            first = data["tasks"][0]
            return (
                load == {"Anna Agent": 1, "Hanna Specialist": 1}
                and first["reference"] == refs[2]
                and first["priority"] == 5
            )

        await eventually(reflected)
        page = await daan.get("/trafficer", headers={"Accept": "text/html"})
        assert "Hanna Specialist" in page.text and refs[2] in page.text


async def _id(db, username: str) -> int:
    from tests.api_support import user_id

    return await user_id(db, username)


async def test_presence_and_templates(work_world):
    app, db, intake = work_world
    [ref] = await new_contacts(db, intake, 1)
    async with as_user(app, db, "agent") as anna, as_user(app, db, "agent2") as bram:
        assert (await anna.post(f"/api/contacts/{ref}/presence")).json()["viewers"] == []
        seen = (await bram.post(f"/api/contacts/{ref}/presence")).json()
        assert seen["viewers"] == ["Anna Agent"] and seen["holder_id"] is None
        assert (await anna.delete(f"/api/contacts/{ref}/presence")).status_code == 204
        assert (await bram.post(f"/api/contacts/{ref}/presence")).json()["viewers"] == []

        await anna.put("/api/work/signature", json={"body": "Anna, team BIG"})
        templates = (await anna.get(f"/api/contacts/{ref}/templates")).json()
        chosen = next(t for t in templates if t["code"] == "bevestiging_wijziging")
        assert chosen["language"] == "nl"  # the contact's language first
        filled = (
            await anna.get(f"/api/contacts/{ref}/templates/fill?template_id={chosen['id']}")
        ).json()["text"]
        assert ref in filled and "Jan Jansen" in filled and "Anna Agent" in filled
        assert filled.index("Anna, team BIG") < filled.index("Klantcontactcentrum CIBG")


async def test_callback_request_and_automatic_assignment(work_world):
    app, db, intake = work_world
    from db.models.contacts import Product
    from db.models.work import QueueAutoAssign

    async with db() as s:
        big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        s.add(QueueAutoAssign(product_id=big.id, line=1, mode="least_loaded"))
        await s.commit()
    # Anna and Bram are signed in; the least loaded of them gets each new contact.
    async with as_user(app, db, "agent") as anna, as_user(app, db, "agent2") as bram:
        anna_id = (await anna.get("/api/auth/me")).json()["id"]
        bram_id = (await bram.get("/api/auth/me")).json()["id"]
        refs = await new_contacts(db, intake, 3)

        async def assigned():
            async with db() as s:
                rows = (
                    await s.exec(
                        select(Task.reference, Task.assignee_id).where(Task.reference.in_(refs))
                    )
                ).all()
            got = dict(rows)
            return got if all(got.get(r) for r in refs) else None

        got = await eventually(assigned)
        loads = sorted([list(got.values()).count(anna_id), list(got.values()).count(bram_id)])
        assert loads == [1, 2], got  # spread over both, never all to one
        detail = (await anna.get(f"/api/contacts/{refs[0]}")).json()
        assert "auto_assigned" in [e["kind"] for e in detail["events"]]

        # Any agent registers a callback request: a "callback" task in the product queue.
        made = await bram.post(
            "/api/work/callbacks",
            json={"product_id": big.id, "phone": "06 1234 5678", "note": "Na 14 uur"},
        )
        assert made.status_code == 201, made.text
        callback = made.json()["reference"]

        async def callback_task():
            async with db() as s:
                return (await s.exec(select(Task).where(Task.reference == callback))).first()

        task = await eventually(callback_task)
        assert task.kind == "callback" and task.customer_label == "+31612345678"
        detail = (await bram.get(f"/api/contacts/{callback}")).json()
        assert detail["notes"][0]["body"].startswith("Terugbellen: +31612345678")
        assert detail["contact"]["channel"] == "phone"
        bad = await bram.post(
            "/api/work/callbacks", json={"product_id": big.id, "phone": "geen nummer"}
        )
        assert bad.status_code == 422


async def test_round_robin_assignment_takes_turns(work_world):
    """Round robin: each new contact goes to the signed-in agent whose last new
    contact is oldest -- whatever their load. Anna already holds two contacts, so
    least-loaded would give Bram the first two; round robin alternates."""
    app, db, intake = work_world
    from db.models.contacts import Product
    from db.models.work import QueueAutoAssign

    async with as_user(app, db, "agent") as anna, as_user(app, db, "agent2") as bram:
        for ref in await new_contacts(db, intake, 2, first_uid=100):
            assert (await anna.post(f"/api/contacts/{ref}/claim")).status_code == 200
        async with db() as s:
            big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
            s.add(QueueAutoAssign(product_id=big.id, line=1, mode="round_robin"))
            await s.commit()
        bram_id = (await bram.get("/api/auth/me")).json()["id"]
        ids = {(await c.get("/api/auth/me")).json()["id"] for c in (anna, bram)}
        refs = []
        for n in range(1, 5):  # one at a time, so "whose turn" is well defined
            refs += await new_contacts(db, intake, 1, first_uid=n)

            async def assigned(ref=refs[-1]):
                async with db() as s:
                    task = (await s.exec(select(Task).where(Task.reference == ref))).first()
                return task and task.assignee_id

            await eventually(assigned)
        async with db() as s:
            rows = (
                await s.exec(
                    select(Task.reference, Task.assignee_id).where(Task.reference.in_(refs))
                )
            ).all()
        order = [dict(rows)[r] for r in refs]
        assert set(order) == ids
        assert order[0] == bram_id, order  # Anna's last new contact is older
        assert order[0] != order[1] and order[2] != order[3] and order[0] == order[2], order


def test_history_names_both_lines_of_every_hop_in_dutch_and_english():
    from api.routes.work.decisions import hop_text

    up = {"from_line": 1, "to_line": 2, "queue": ""}
    assert hop_text("nl", "escalated", up, "Anna", None, "BIG") == (
        "Doorgezet door Anna: 1e lijn → 2e lijn (BIG backoffice)"
    )
    assert hop_text("en", "escalated", up, "Anna", None, "BIG") == (
        "Escalated by Anna: 1st line → 2nd line (BIG backoffice)"
    )
    back = {"from_line": 3, "to_line": 1}
    assert hop_text("en", "handed_back", back, "Hanna", None, "UZI") == (
        "Handed back by Hanna: 3rd line (UZI specialists) → 1st line"
    )
    complaint = {"from_line": 2, "to_line": 3}
    assert hop_text("nl", "complaint_marked", complaint, "Gert", None, "BIG") == (
        "Gemarkeerd als klacht door Gert: 2e lijn (BIG backoffice) → "
        "3e lijn (BIG klachtbehandeling)"
    )
    auto = {"to_user_id": 7, "line": 2, "queue": ""}
    assert hop_text("en", "auto_assigned", auto, None, "Gert", "BIG") == (
        "Assigned automatically to Gert on the 2nd line (BIG backoffice)"
    )
    # Steps that are no hop, and hops written before lines were recorded: the plain label.
    assert hop_text("nl", "claimed", {}, "Anna", None, "BIG") is None
    assert hop_text("nl", "escalated", {"note_id": 3}, "Anna", None, "BIG") is None
