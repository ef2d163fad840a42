"""Work distribution beyond the 1st line, through the API with the real
ContactWorkflow on the time-skipping server: automatic assignment of escalations
and complaints per product x line, and "next task" when a claim does not answer."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import select

from db.models.contacts import ContactEvent, Product, Task
from db.models.work import LineAccreditation, QueueAutoAssign
from tests.api_support import user_id
from tests.test_api_work import as_user, new_contacts, work_world  # noqa: F401
from tests.test_contact_workflow import eventually, smtp_sink  # noqa: F401


async def _product(db, code: str) -> Product:
    async with db() as s:
        return (await s.exec(select(Product).where(Product.code == code))).one()


async def _holder(db, reference: str) -> int | None:
    async with db() as s:
        task = (await s.exec(select(Task).where(Task.reference == reference))).first()
        return task.assignee_id if task else None


async def _held_on_line(db, reference: str, line: int) -> int | None:
    async with db() as s:
        task = (await s.exec(select(Task).where(Task.reference == reference))).first()
    if task is None or task.line != line or task.status != "claimed":
        return None
    return task.assignee_id


async def test_escalations_assign_themselves_round_robin_on_the_line(work_world):  # noqa: F811
    """BIG's 2nd line assigns round robin among the signed-in people accredited for
    that line (Gert, and Bram who gets the line for this test); Anna, signed in but
    1st line only, never gets one; the 1st line itself does not assign."""
    app, db, intake = work_world
    big = await _product(db, "BIG")
    gert, bram = await user_id(db, "backoffice2"), await user_id(db, "agent2")
    async with db() as s:
        s.add(QueueAutoAssign(product_id=big.id, line=2, mode="round_robin"))
        s.add(LineAccreditation(user_id=bram, product_id=big.id, line=2))
        await s.commit()
    refs = await new_contacts(db, intake, 3)
    async with (
        as_user(app, db, "agent") as anna,
        as_user(app, db, "agent2"),
        as_user(app, db, "backoffice2"),
    ):
        got = []
        for ref in refs:  # one at a time, so "whose turn" is well defined
            assert (await anna.post(f"/api/contacts/{ref}/claim")).status_code == 200
            asked = await anna.post(
                f"/api/contacts/{ref}/escalate", json={"to_line": 2, "question": "Geldig?"}
            )
            assert asked.status_code == 200, asked.text
            body = asked.json()
            assert body["status"] == "open" and body["assignee_id"] in (gert, bram), body
            got.append(await eventually(lambda ref=ref: _held_on_line(db, ref, 2)))
        assert got[0] != got[1] and got[0] == got[2], got  # took turns
        detail = (await anna.get(f"/api/contacts/{refs[0]}")).json()
        auto = [e for e in detail["events"] if e["kind"] == "auto_assigned"]
        assert [e["detail"]["line"] for e in auto] == [2]
        assert auto[0]["detail"]["to_user_id"] == got[0]


async def test_a_complaint_goes_to_the_least_loaded_signed_in_specialist(work_world):  # noqa: F811
    """BIG's 3rd line assigns least loaded; Hanna (specialist) is the only signed-in
    person on it. Without anyone signed in on the line, the contact waits on the list."""
    app, db, intake = work_world
    big = await _product(db, "BIG")
    hanna = await user_id(db, "specialist")
    async with db() as s:
        s.add(QueueAutoAssign(product_id=big.id, line=3, mode="least_loaded"))
        await s.commit()
    first, second = await new_contacts(db, intake, 2)
    async with as_user(app, db, "agent") as anna:
        assert (await anna.post(f"/api/contacts/{first}/claim")).status_code == 200
        # Nobody of the 3rd line is signed in: the complaint waits on the list.
        marked = await anna.post(f"/api/contacts/{first}/complaint", json={"note": "Boos"})
        assert marked.json() == {"status": "new", "assignee_id": None}
        async with as_user(app, db, "specialist"):
            assert (await anna.post(f"/api/contacts/{second}/claim")).status_code == 200
            marked = await anna.post(f"/api/contacts/{second}/complaint", json={"note": "Boos"})
            assert marked.json() == {"status": "open", "assignee_id": hanna}
            assert await eventually(lambda: _held_on_line(db, second, 3)) == hanna
        assert await _holder(db, first) is None


async def test_time_left_runs_on_the_configured_calendar(db, engine):
    """A closing day between now and the due date takes one office day (8.5 working
    hours by default) off "time left"; the calendar is read once per cache period,
    so a warm task list is one query."""
    from datetime import timedelta

    from sqlalchemy import event

    from api.routes.work.tasks import ACTIVE, load_tasks
    from db.models.work import ClosingDay, OfficeCalendar
    from services.work.calendar import display_calendar, forget_display_calendar
    from tests.api_support import make_contact, seeded

    await seeded(db)
    sample = await make_contact(db, "BIG", 1, due_in_hours=24 * 10)
    pairs = [(sample.product_id, 1)]
    forget_display_calendar()
    async with db() as s:
        before = (await load_tasks(s, pairs, ACTIVE))[0]
        cal = await display_calendar(s)
    day = before.due_at.date() - timedelta(days=2)
    while day.weekday() not in cal.workdays or day.isoformat() in cal.holidays:
        day -= timedelta(days=1)
    async with db() as s:
        s.add(ClosingDay(day=day, label="brugdag"))
        await s.commit()
    forget_display_calendar()  # what the admin screen's change does (else: half a minute)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    async with db() as s:
        after = (await load_tasks(s, pairs, ACTIVE))[0]
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        try:
            await load_tasks(s, pairs, ACTIVE)
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", count)
    row = OfficeCalendar()
    office_day = row.close_minute - row.open_minute
    assert before.minutes_left - after.minutes_left == office_day, (before, after, day)
    assert len(statements) == 1, statements  # the calendar came from the cache
    forget_display_calendar()


async def _unserved_contact(app, db, intake, monkeypatch):
    """A breached contact (the first candidate of "next task") whose workflow runs on a
    task queue no worker serves yet; "next task" gives up on it within seconds.
    (contact, the settings whose worker serves it)."""
    import random

    from services.contacts.opening import WorkflowStart, start_contact_workflow
    from services.work import next_task
    from tests.api_support import make_contact

    late = await make_contact(db, "BIG", random.randint(500_000, 999_999))
    async with db() as s:
        await s.execute(
            update(Task).where(Task.reference == late.reference).values(sla_state="breached")
        )
        await s.commit()
    cfg = intake.settings.model_copy(update={"temporal_task_queue": f"late-{late.contact_id}"})
    start = WorkflowStart(late.contact_id, late.reference, "BIG", "email")
    await start_contact_workflow(app.state.temporal_client, cfg, start)
    monkeypatch.setattr(next_task, "CLAIM_SECONDS", 1.0)
    monkeypatch.setattr(next_task, "SETTLE_SECONDS", 1.0)  # no worker: no task to settle
    monkeypatch.setattr(next_task, "CONFIRM_SECONDS", 0.5)
    return late, cfg


async def _kinds(db, contact_id: int) -> list[str]:
    async with db() as s:
        rows = await s.exec(
            select(ContactEvent.kind)
            .where(ContactEvent.contact_id == contact_id)
            .order_by(ContactEvent.id)
        )
        return list(rows.all())


async def _served(client, reference: str) -> None:
    """Once the workflow answers a query, it has also decided the Updates that waited."""
    from contracts.contact import contact_workflow_id
    from workflows.contact.workflow import ContactWorkflow

    handle = client.get_workflow_handle(contact_workflow_id(reference))
    await handle.query(ContactWorkflow.state)


async def test_a_claim_that_would_land_late_is_refused_by_its_deadline(work_world, monkeypatch):  # noqa: F811
    """The most urgent task's workflow is not served when Anna asks for the next task:
    its claim does not answer before its deadline, so she gets the next one. When that
    workflow comes up, the waiting claim is past its deadline and refused: nothing
    lands late, nothing is given back, she holds one contact."""
    from runtime.worker import build_worker

    app, db, intake = work_world
    [served] = await new_contacts(db, intake, 1)
    late, cfg = await _unserved_contact(app, db, intake, monkeypatch)
    anna = await user_id(db, "agent")
    client = app.state.temporal_client
    async with as_user(app, db, "agent") as client_anna:
        got = await client_anna.post("/api/work/next")
        assert got.json() == {"reference": served}, got.text
        async with build_worker(client, cfg, db):  # the late workflow comes up
            await _served(client, late.reference)
        assert await _holder(db, late.reference) is None
        assert "claimed" not in await _kinds(db, late.contact_id)
        mine = (await client_anna.get("/api/work/tasks?mine=true")).json()
        assert [r["reference"] for r in mine] == [served]
        assert await _holder(db, served) == anna


async def test_an_explicit_claim_after_a_busy_next_task_is_never_undone(work_world, monkeypatch):  # noqa: F811
    """ "Next task" finds only a contact whose workflow does not answer: 503, nothing
    claimed, the task still open. Anna then claims that contact herself once it is
    served: she holds it, and the next-task claim that waited is refused rather than
    landing (and nothing releases hers afterwards)."""
    import asyncio

    from runtime.worker import build_worker
    from services.work import next_task
    from services.work.next_task import BUSY

    app, db, intake = work_world
    late, cfg = await _unserved_contact(app, db, intake, monkeypatch)
    anna = await user_id(db, "agent")
    client = app.state.temporal_client
    monkeypatch.setattr(next_task, "CANDIDATES", 1)  # the unserved one, most urgent
    async with as_user(app, db, "agent") as client_anna:
        busy = await client_anna.post("/api/work/next")
        assert busy.status_code == 503, busy.text
        assert busy.json()["detail"] == BUSY
        assert await _holder(db, late.reference) is None
        async with build_worker(client, cfg, db):
            mine = await client_anna.post(f"/api/contacts/{late.reference}/claim")
            assert mine.status_code == 200, mine.text
            await asyncio.sleep(1.0)  # what a late-claim watcher would have needed
            await _served(client, late.reference)
        assert await _holder(db, late.reference) == anna
        kinds = await _kinds(db, late.contact_id)
        assert kinds.count("claimed") == 1 and "released" not in kinds, kinds


async def test_two_agents_racing_for_the_next_task_get_one_each(work_world):  # noqa: F811
    """Anna and Bram press "next task" at the same moment: the loser of the race for
    the most urgent contact is refused by its workflow and gets the next one; each
    ends up holding exactly one."""
    import asyncio

    app, db, intake = work_world
    refs = await new_contacts(db, intake, 2)
    async with as_user(app, db, "agent") as anna, as_user(app, db, "agent2") as bram:
        got = await asyncio.gather(anna.post("/api/work/next"), bram.post("/api/work/next"))
        picked = [r.json()["reference"] for r in got]
        assert sorted(picked) == sorted(refs), picked
        for client, ref in zip((anna, bram), picked, strict=True):
            mine = (await client.get("/api/work/tasks?mine=true")).json()
            assert [r["reference"] for r in mine] == [ref]


async def test_a_double_click_on_next_task_claims_one_contact(work_world, monkeypatch):  # noqa: F811
    """Two "next task" requests of the same page at once (a double click: one request
    token) share one claim: both answer the same contact, its workflow runs the claim
    once (one Update id), and a third request with that token, after both finished,
    answers the same contact instead of claiming another."""
    import asyncio

    from services.work import next_task

    app, db, intake = work_world
    await new_contacts(db, intake, 2)
    entered, gate = [], asyncio.Event()
    real_claim = next_task.claim_before_deadline

    async def gated_claim(*args, **kwargs):
        entered.append(args[1])
        await gate.wait()  # until both requests are in
        return await real_claim(*args, **kwargs)

    monkeypatch.setattr(next_task, "claim_before_deadline", gated_claim)
    click = {"token": "page-4f2a"}
    async with as_user(app, db, "agent") as anna:
        first = asyncio.ensure_future(anna.post("/api/work/next", json=click))
        second = asyncio.ensure_future(anna.post("/api/work/next", json=click))

        async def both_in():
            return len(entered) == 2

        await eventually(both_in)
        gate.set()
        answers = [(await r).json()["reference"] for r in (first, second)]
        assert answers[0] == answers[1] and answers[0] is not None, answers
        again = (await anna.post("/api/work/next", json=click)).json()["reference"]
        assert again == answers[0]
        mine = (await anna.get("/api/work/tasks?mine=true")).json()
        assert [r["reference"] for r in mine] == [answers[0]]
        async with db() as s:
            contact_id = (
                await s.exec(select(Task.contact_id).where(Task.reference == answers[0]))
            ).one()
        assert (await _kinds(db, contact_id)).count("claimed") == 1


async def test_the_next_task_form_with_its_page_token_opens_one_contact(work_world):  # noqa: F811
    """The "next task" form posted twice with one page token (a double click whose
    first request already finished) opens the same contact both times, and the person
    holds one."""
    app, db, intake = work_world
    await new_contacts(db, intake, 2)
    async with as_user(app, db, "agent") as anna:
        form = {"token": "page-7c1d", "csrf_token": anna.headers["X-CSRF-Token"]}
        first = await anna.post("/work/next", data=form)
        second = await anna.post("/work/next", data=form)
        assert first.status_code == second.status_code == 303
        assert first.headers["location"] == second.headers["location"]
        assert first.headers["location"].startswith("/contacts/KCC-")
        mine = (await anna.get("/api/work/tasks?mine=true")).json()
        assert len(mine) == 1, mine
