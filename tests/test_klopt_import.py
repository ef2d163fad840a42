"""The migration from Klopt (channels/klopt/): the example export imports, a second
run changes nothing, an interrupted run resumes, bad rows land in the rejects file,
customers merge with existing ones, open contacts get their workflow and task, and a
dry run writes nothing."""

from __future__ import annotations

import asyncio
import io
import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlmodel
from sqlalchemy import func, select, text

from channels.klopt.run import Options, Rejects, run_import
from contracts.contact import contact_workflow_id
from db.models.contacts import (
    Attachment,
    AuditEvent,
    Contact,
    ContactStatus,
    Customer,
    Message,
    Note,
    Product,
    Task,
)
from db.models.customers import CustomerMerge
from db.models.records import ContactRecord, Disposal, RecordStatus
from db.session import session_scope
from devstack.demo.seed import seed_demo
from devstack.klopt_export import bsn_for
from runtime.worker import build_worker
from services.customers.service import create_customer
from services.records.retention import add_years, seed_default_retention

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "devstack" / "fixtures" / "klopt_example"
EXPECTED = {"customers": 12, "contacts": 30, "messages": 90, "notes": 10, "attachments": 6}
OPEN_IN_EXAMPLE = 6


def lines(name: str, folder: Path = EXAMPLE) -> list[dict]:
    return [json.loads(x) for x in (folder / name).read_text().splitlines() if x.strip()]


async def seeded(db):
    await seed_demo(db)
    async with session_scope(db) as s:
        products = {p.code: p for p in (await s.exec(sqlmodel.select(Product))).all()}
        await seed_default_retention(s, products)


async def count(db, model) -> int:
    async with db() as s:
        return (await s.execute(select(func.count()).select_from(model))).scalar_one()


async def imported(db, settings, folder=EXAMPLE, rejects=None, **options):
    """One run without Temporal: open contacts wait for a later run's start."""

    async def no_temporal():
        raise ConnectionError("no Temporal in this test")

    return await run_import(
        db, settings, folder, Rejects(rejects), Options(temporal=no_temporal, **options)
    )


async def test_example_imports_and_a_second_run_changes_nothing(db, settings):
    await seeded(db)
    summary = await imported(db, settings)
    assert {t: c["imported"] for t, c in summary.counts.items()} == EXPECTED
    assert all(c["rejected"] == 0 for c in summary.counts.values())
    assert await count(db, Contact) == 30 and await count(db, Message) == 90
    assert await count(db, Note) == 10 and await count(db, Attachment) == 6
    assert summary.workflows_waiting == OPEN_IN_EXAMPLE
    async with db() as s:
        records = (await s.execute(select(ContactRecord, Contact).join(Contact))).all()
    assert len(records) == 30 - OPEN_IN_EXAMPLE
    for record, contact in records:  # closed records: retention from the close date
        assert record.status == RecordStatus.pending and contact.status == ContactStatus.closed
        if record.disposal == Disposal.destroy:
            assert record.disposal_date == add_years(contact.closed_at.date(), 5)
    async with db() as s:
        [(action, detail)] = (
            await s.execute(
                select(AuditEvent.action, AuditEvent.detail).where(
                    AuditEvent.action == "klopt.import"
                )
            )
        ).all()
    assert detail["counts"]["contacts"]["imported"] == 30
    again = await imported(db, settings)
    assert again.all_unchanged()
    assert {t: c["unchanged"] for t, c in again.counts.items()} == EXPECTED
    assert await count(db, Contact) == 30


async def test_a_changed_row_is_updated(db, settings, tmp_path):
    await seeded(db)
    folder = tmp_path / "export"
    shutil.copytree(EXAMPLE, folder)
    await imported(db, settings, folder)
    rows = lines("messages.jsonl", folder)
    rows[0]["body"] = "Aangepast in Klopt"
    (folder / "messages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = await imported(db, settings, folder)
    assert summary.counts["messages"] == {
        "imported": 0,
        "updated": 1,
        "unchanged": 89,
        "rejected": 0,
    }
    async with db() as s:
        bodies = [m.text_body for m in (await s.execute(select(Message))).scalars().all()]
    assert await count(db, Message) == 90
    assert "Aangepast in Klopt" in bodies


class Interrupted(Exception):
    pass


async def test_an_interrupted_run_resumes(db, settings):
    await seeded(db)

    def stop_after_first_contacts_batch(table, rows):
        if table == "contacts":
            raise Interrupted

    with pytest.raises(Interrupted):
        await imported(db, settings, batch_size=10, on_batch=stop_after_first_contacts_batch)
    assert await count(db, Contact) == 10  # the first batch committed, the rest not
    assert await count(db, Message) == 0
    summary = await imported(db, settings, batch_size=10)
    assert summary.counts["customers"]["unchanged"] == 12
    assert summary.counts["contacts"] == {
        "imported": 20,
        "updated": 0,
        "unchanged": 10,
        "rejected": 0,
    }
    assert await count(db, Contact) == 30 and await count(db, Message) == 90


async def test_each_bad_row_is_rejected_with_its_reason(db, settings, tmp_path):
    await seeded(db)
    folder = tmp_path / "broken"
    shutil.copytree(EXAMPLE, folder)
    with (folder / "customers.jsonl").open("a") as f:
        f.write('{"id": "K900", "name": "Bad BSN", "bsn": "123456789"}\n')
        f.write("this is not json\n")
        f.write('{"id": "K901", "name": "Bad mail", "email": "no-at-sign"}\n')
    with (folder / "contacts.jsonl").open("a") as f:
        f.write('{"id": "C900", "product": "NOPE", "channel": "mail", "status": "closed"}\n')
        f.write(
            '{"id": "C901", "customer": "K404", "product": "KL-BIG", "channel": "mail",'
            ' "status": "open", "opened": "2020-01-01T10:00:00"}\n'
        )
        f.write(
            '{"id": "C902", "product": "KL-BIG", "channel": "mail", "status": "closed",'
            ' "opened": "2020-01-01T10:00:00"}\n'
        )
    with (folder / "messages.jsonl").open("a") as f:
        f.write('{"id": "M900", "contact": "C900", "direction": "in", "date": "2020-01-01"}\n')
    with (folder / "attachments.jsonl").open("a") as f:
        f.write('{"id": "A900", "message": "M1-0", "path": "../../etc/passwd"}\n')
    out = io.StringIO()
    summary = await imported(db, settings, folder, rejects=out)
    rejects = [json.loads(x) for x in out.getvalue().splitlines()]
    reasons = {(r["table"], r["id"]): r["reason"] for r in rejects}
    assert len(rejects) == 8
    assert "11-check" in reasons[("customers", "K900")]
    assert reasons[("customers", "")].startswith("not valid JSON")
    assert "email" in reasons[("customers", "K901")]
    assert "product 'NOPE'" in reasons[("contacts", "C900")]
    assert "customer 'K404' was not imported" in reasons[("contacts", "C901")]
    assert reasons[("contacts", "C902")] == "closed is missing"
    assert "contact 'C900' was not imported" in reasons[("messages", "M900")]
    assert "outside the export folder" in reasons[("attachments", "A900")]
    # the run went on: every good row is in
    assert {t: c["imported"] for t, c in summary.counts.items()} == EXPECTED


async def test_customers_merge_with_existing_ones(db, settings):
    await seeded(db)
    async with session_scope(db) as s:
        by_bsn = await create_customer(
            s, settings, None, "test", display_name="Bestaand BSN", identifiers={"bsn": bsn_for(1)}
        )
        by_mail = await create_customer(
            s, settings, None, "test", display_name="Bestaand mail", emails=["klant2@example.nl"]
        )
    summary = await imported(db, settings)
    assert summary.counts["customers"]["imported"] == 12
    async with db() as s:
        merges = (await s.execute(select(CustomerMerge))).scalars().all()
        survivors = {m.survivor_id for m in merges}
        merged_contacts = (
            (await s.execute(select(Contact.customer_id).where(Contact.customer_id.in_(survivors))))
            .scalars()
            .all()
        )
        merged_rows = (
            (await s.execute(select(Customer).where(Customer.merged_into_id.is_not(None))))
            .scalars()
            .all()
        )
    assert survivors == {by_bsn.id, by_mail.id}
    assert len(merged_rows) == 2
    expected = sum(1 for c in lines("contacts.jsonl") if c["customer"] in ("K1", "K2"))
    assert len(merged_contacts) == expected  # their contacts are on the existing customers


async def test_dry_run_writes_nothing(db, settings):
    await seeded(db)
    customers = await count(db, Customer)  # the demo's
    summary = await imported(db, settings, dry_run=True)
    assert {t: c["imported"] for t, c in summary.counts.items()} == EXPECTED
    assert await count(db, Contact) == 0 and await count(db, Customer) == customers
    async with db() as s:
        assert (await s.execute(text("SELECT count(*) FROM klopt_ids"))).scalar_one() == 0


async def test_open_contacts_get_their_workflow_and_task(db, settings, temporal_env):
    await seeded(db)
    settings = settings.model_copy(update={"temporal_task_queue": f"klopt-{uuid.uuid4()}"})
    client = temporal_env.client

    async def temporal():
        return client

    async with build_worker(client, settings, db):
        summary = await run_import(db, settings, EXAMPLE, Rejects(None), Options(temporal=temporal))
        assert summary.workflows_started == OPEN_IN_EXAMPLE
        async with db() as s:
            opened = (
                (await s.execute(select(Contact).where(Contact.status != ContactStatus.closed)))
                .scalars()
                .all()
            )
        assert len(opened) == OPEN_IN_EXAMPLE
        for _ in range(500):  # until every workflow wrote its task (no fixed sleep)
            async with db() as s:
                tasks = (await s.execute(select(Task))).scalars().all()
            if len(tasks) == OPEN_IN_EXAMPLE:
                break
            await asyncio.sleep(0.02)
        assert {t.contact_id for t in tasks} == {c.id for c in opened}
        # on their product's list, on the line they had in Klopt (the example has both)
        assert {(t.contact_id, t.product_id, t.line) for t in tasks} == {
            (c.id, c.product_id, c.line) for c in opened
        }
        assert {c.line for c in opened} == {1, 2}
        again = await run_import(db, settings, EXAMPLE, Rejects(None), Options(temporal=temporal))
        assert again.all_unchanged() and again.workflows_started == 0
        for contact in opened:
            handle = client.get_workflow_handle(contact_workflow_id(contact.reference))
            assert (await handle.describe()).workflow_type == "ContactWorkflow"
            await handle.terminate("test done")


async def test_the_command_dry_runs_with_a_summary_and_refuses_a_missing_folder(
    db, settings, database_url, tmp_path
):
    await seeded(db)
    env = {**os.environ, "PULSE_DATABASE_URL": database_url, "PULSE_ENVIRONMENT": "test"}
    command = [sys.executable, "-m", "channels.klopt", "import"]
    rejects = tmp_path / "rejects.jsonl"
    done = await asyncio.to_thread(
        subprocess.run,
        [*command, str(EXAMPLE), "--dry-run", "--rejects", str(rejects)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "dry run" in done.stdout and "attachments" in done.stdout
    assert rejects.read_text() == "" and await count(db, Contact) == 0
    missing = await asyncio.to_thread(
        subprocess.run,
        [*command, str(tmp_path / "none")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode == 2 and "is not a folder" in " ".join(missing.stderr.split())
