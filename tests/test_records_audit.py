"""The audit log is a hash chain: append-only, tamper-evident, searchable, exportable;
and reading a contact page leaves a row in it."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from db.session import session_scope
from services import audit
from tests.api_support import client_for, login, make_contact, running_app, seeded


async def write_rows(db, n: int) -> None:
    for i in range(n):
        async with session_scope(db) as s:
            await audit.record(
                s,
                actor="tester",
                action="test.write",
                object_type="thing",
                object_id=i,
                detail={"n": i, "naam": "é"},
            )


async def test_rows_form_a_chain_that_verifies(db):
    await write_rows(db, 5)
    async with db() as s:
        report = await audit.verify_chain(s)
        rows = (
            await s.execute(
                text("SELECT chain_seq, prev_hash, row_hash FROM audit_events ORDER BY chain_seq")
            )
        ).all()
    assert report.ok, report.problems
    assert report.rows == 5 and [r.chain_seq for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0].prev_hash == audit.GENESIS
    assert all(rows[i].prev_hash == rows[i - 1].row_hash for i in range(1, 5))
    assert report.head_hash == rows[-1].row_hash


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET result = 'denied' WHERE chain_seq = 2",
        "DELETE FROM audit_events WHERE chain_seq = 2",
    ],
)
async def test_update_and_delete_are_refused(db, statement):
    await write_rows(db, 3)
    with pytest.raises(DBAPIError, match="append-only"):
        async with session_scope(db) as s:
            await s.execute(text(statement))


async def tamper(db, statement: str) -> None:
    """What someone with superuser rights could do behind the triggers' back."""
    async with session_scope(db) as s:
        await s.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_append_only"))
        await s.execute(text(statement))
        await s.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_append_only"))


async def test_a_tampered_row_is_detected(db, settings):
    await write_rows(db, 4)
    await tamper(db, "UPDATE audit_events SET actor = 'someone-else' WHERE chain_seq = 2")
    async with db() as s:
        report = await audit.verify_chain(s)
    assert not report.ok
    assert any("seq 2" in p and "content changed" in p for p in report.problems)

    # The command says so too, with a failing exit code.
    env = {"PULSE_DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "services.audit", "verify"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "content changed" in done.stdout and "ok=false" in done.stdout


async def test_a_removed_row_is_detected(db):
    await write_rows(db, 4)
    await tamper(db, "DELETE FROM audit_events WHERE chain_seq = 3")
    async with db() as s:
        report = await audit.verify_chain(s)
    assert any("expected 3" in p for p in report.problems)
    assert any("prev_hash does not link" in p for p in report.problems)


async def test_verify_command_passes_on_an_intact_chain(db, settings):
    await write_rows(db, 2)
    env = {"PULSE_DATABASE_URL": settings.database_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "services.audit", "verify"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rows=2" in done.stdout and "ok=true" in done.stdout


async def test_contact_page_read_is_audited_and_admin_can_search_and_export(db, settings):
    await seeded(db)
    sample = await make_contact(db, "UZI", 7)
    async with running_app(settings, db) as app:
        async with client_for(app) as agent:
            await login(agent, db, "agent")
            page = await agent.get(f"/contacts/{sample.reference}", headers={"Accept": "text/html"})
            assert page.status_code == 200
            api = await agent.get(f"/api/contacts/{sample.reference}")
            assert api.status_code == 200
        async with client_for(app) as admin:
            await login(admin, db, "admin")
            found = await admin.get(
                "/api/records/audit",
                params={"action": "contact.read", "object_id": sample.reference},
            )
            assert found.status_code == 200
            rows = found.json()
            assert len(rows) == 2 and {r["actor"] for r in rows} == {"agent"}
            assert all(r["object_type"] == "contact" and r["result"] == "ok" for r in rows)
            assert all(r["origin"] and r["at"] and r["row_hash"] for r in rows)

            exported = await admin.get("/api/records/audit/export", params={"format": "csv"})
            assert exported.status_code == 200
            table = list(csv.DictReader(io.StringIO(exported.text)))
            assert [r["action"] for r in table].count("contact.read") == 2
            assert [int(r["chain_seq"]) for r in table] == sorted(
                int(r["chain_seq"]) for r in table
            )

            as_json = await admin.get("/api/records/audit/export", params={"format": "json"})
            lines = [json.loads(line) for line in as_json.text.splitlines()]
            actions = {r["action"] for r in lines}
            assert "contact.read" in actions and "login.totp" in actions

            check = await admin.get("/api/records/audit/verify")
            assert check.json()["ok"] is True

            page = await admin.get("/records/audit", headers={"Accept": "text/html"})
            assert page.status_code == 200 and "contact.read" in page.text
        # searching the log is itself audited
        async with db() as s:
            n = (
                await s.execute(
                    text("SELECT count(*) FROM audit_events WHERE action = 'audit.search'")
                )
            ).scalar_one()
        assert n >= 1


async def test_klantbeeld_reads_are_audited(db, settings):
    """The klantbeeld page and API leave an audit row per read."""
    from tests.test_records_privacy import customer_with_contact

    await seeded(db)
    customer_id, _ = await customer_with_contact(db)
    async with running_app(settings, db) as app, client_for(app) as agent:
        await login(agent, db, "agent")
        page = await agent.get(f"/customers/{customer_id}", headers={"Accept": "text/html"})
        assert page.status_code == 200
        api = await agent.get(f"/api/customers/{customer_id}")
        assert api.status_code == 200
    async with db() as s:
        rows = (
            await s.execute(
                text(
                    "SELECT action, actor, origin FROM audit_events "
                    "WHERE object_type = 'customer' AND object_id = :id ORDER BY chain_seq"
                ),
                {"id": str(customer_id)},
            )
        ).all()
        report = await audit.verify_chain(s)
    assert len(rows) >= 2 and {r.actor for r in rows} == {"agent"}
    assert all(r.origin for r in rows)
    assert report.ok  # reads committed asynchronously are chained like any other row
