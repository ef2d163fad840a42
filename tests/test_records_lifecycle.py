"""A closed contact's life as a record, on a time-skipping server of its own:
closed -> archived in the DMS (the ZGW fake; down, then up) -> kept 5 years ->
on the destruction list -> approved by the records manager -> destroyed in the DMS,
personal data purged -> certificate of destruction. A legal hold blocks it."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import func, text
from sqlmodel import select
from temporalio.testing import WorkflowEnvironment

from adapters.temporal.setup import ensure_search_attributes
from channels.email.intake import MailIntake
from contracts.contact import ClaimRequest, CloseRequest, DecisionResult, contact_workflow_id
from contracts.records import (
    DestructionResult,
    DestructionRunInput,
    DestructionState,
    archive_workflow_id,
)
from db.models.contacts import Blob, Contact, ContactReason, Customer, Message, User
from db.models.records import ContactRecord
from devstack.binaries import temporal_test_server
from devstack.demo.seed import seed_demo
from devstack.mail_sandbox import SmtpSink
from runtime.worker import build_worker
from tests.api_support import client_for, login, running_app
from tests.conftest import free_port, pulse_data_converter
from tests.zgw_fake import PREFIX, running_fake
from workflows.records import DestructionListWorkflow


def mail(subject: str, sender: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Klant <{sender}>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4()}@example.nl>"
    msg.set_content("Goedemiddag,\n\nMijn BIG-registratie graag.\n\n" + "tekst " * 300)
    msg.add_attachment(b"%PDF-1.4 diploma " * 200, "application", "pdf", filename="diploma.pdf")
    return msg.as_bytes()


async def eventually(check, timeout=30.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.1)


@pytest.fixture
async def env():
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(), data_converter=pulse_data_converter()
    )
    try:
        await ensure_search_attributes(env.client, "default")
        yield env
    finally:
        await env.shutdown()


async def close_contact(db, env, intake, subject: str, sender: str, uid: int) -> Contact:
    await intake.handle(mail(subject, sender), "big", 1, uid)
    async with db() as s:
        contact = (await s.exec(select(Contact).where(Contact.subject == subject))).one()
        agent = (await s.exec(select(User.id).where(User.username == "agent"))).one()
        reason = (
            await s.exec(
                select(ContactReason.id).where(ContactReason.product_id == contact.product_id)
            )
        ).first()
    handle = env.client.get_workflow_handle(contact_workflow_id(contact.reference))
    await handle.execute_update("claim", ClaimRequest(agent), result_type=DecisionResult)
    await handle.execute_update("close", CloseRequest(agent, reason), result_type=DecisionResult)
    return contact


async def record_of(db, reference: str) -> ContactRecord | None:
    async with db() as s:
        return (
            await s.exec(select(ContactRecord).where(ContactRecord.reference == reference))
        ).first()


async def test_record_lifecycle_archive_keep_destroy_certify(db, settings, env, tmp_path):
    async with (
        running_fake(free_port(), part_size=1000) as fake,
        SmtpSink(free_port(), tmp_path / "mail") as smtp,
    ):
        cfg = settings.model_copy(
            update={
                "smtp_port": smtp.port,
                "smtp_host": "127.0.0.1",
                "dms_backend": "zgw",
                "zgw_documenten_url": f"{fake.base_url}{PREFIX}",
                "zgw_secret": fake.secret,
                "zgw_chunk_bytes": 4096,
            }
        )
        from pydantic import SecretStr

        cfg.zgw_secret = SecretStr(fake.secret)
        await seed_demo(db)
        intake = MailIntake(db, env.client, cfg)
        async with build_worker(env.client, cfg, db):
            # 1. The DMS is down when contact A closes: "archiving pending", retried.
            fake.down = True
            a = await close_contact(db, env, intake, "Dossier A", "a@example.nl", 1)

            async def pending_with_attempt():
                r = await record_of(db, a.reference)
                return r is not None and r.status == "pending" and r.attempts >= 1

            await eventually(pending_with_attempt)
            assert "503" in (await record_of(db, a.reference)).last_error
            async with running_app(cfg, db, env.client) as app, client_for(app) as agent:
                await login(agent, db, "agent")
                shown = await agent.get(f"/api/records/contacts/{a.reference}")
                assert shown.status_code == 200 and shown.json()["status"] == "pending"

            # 2. The DMS is back: the retry archives it, nothing lost.
            fake.down = False
            archived = await env.client.get_workflow_handle(
                archive_workflow_id(a.reference)
            ).result()
            assert archived["status"] == "archived"
            rec_a = await record_of(db, a.reference)
            assert rec_a.status == "archived" and rec_a.backend == "zgw"
            kinds = sorted(d["kind"] for d in rec_a.documents)
            assert kinds.count("message") == 2  # the customer's mail and our acknowledgement
            assert {"attachment", "summary", "metadata"} <= set(kinds)
            assert any(c.endswith("/unlock") for c in fake.calls)  # the .eml went in parts
            titles = {o["bestandsnaam"] for o in fake.objects.values()}
            assert "samenvatting.pdf" in titles and "metadata.json" in titles
            inbound = next(d for d in rec_a.documents if d["name"].startswith("001-in"))
            oid = inbound["dms_id"].rsplit("/", 1)[1]
            async with db() as s:
                raw = (
                    await s.exec(
                        select(Blob.data)
                        .join(Message, Message.raw_sha256 == Blob.sha256)
                        .where(Message.contact_id == a.id)
                    )
                ).first()
            assert fake.content[oid] == raw  # the original message, byte for byte
            closed_on = rec_a.closed_at.date()
            assert rec_a.disposal == "destroy"
            assert rec_a.disposal_date == closed_on.replace(year=closed_on.year + 5)

            # Contacts B (legal hold before the list) and C (hold after approval).
            b = await close_contact(db, env, intake, "Dossier B", "b@example.nl", 2)
            c = await close_contact(db, env, intake, "Dossier C", "c@example.nl", 3)
            for ref in (b.reference, c.reference):
                await env.client.get_workflow_handle(archive_workflow_id(ref)).result()

            async with running_app(cfg, db, env.client) as app, client_for(app) as rm:
                csrf = await login(rm, db, "records")
                hdr = {"X-CSRF-Token": csrf}
                r = await rm.post(
                    f"/api/records/contacts/{b.reference}/legal-hold",
                    json={"hold": True, "reason": "WOO-verzoek 2026-17"},
                    headers=hdr,
                )
                assert r.status_code == 200 and r.json()["legal_hold"] is True

                # 3. Kept: a day before the disposal date nothing is listed.
                day_before = (rec_a.disposal_date - timedelta(days=1)).isoformat()
                early = await env.client.execute_workflow(
                    DestructionListWorkflow.run,
                    DestructionRunInput(as_of=day_before),
                    id=f"destruction-early-{uuid.uuid4()}",
                    task_queue=cfg.temporal_task_queue,
                    result_type=DestructionResult,
                )
                assert early.destroyed == 0 and early.certificate_id is None

                # 4. Five years on: A and C are listed, B (legal hold) is not.
                handle = await env.client.start_workflow(
                    DestructionListWorkflow.run,
                    DestructionRunInput(as_of=rec_a.disposal_date.isoformat()),
                    id=f"destruction-{uuid.uuid4()}",
                    task_queue=cfg.temporal_task_queue,
                    result_type=DestructionResult,
                )

                async def listed():
                    st = await handle.query("state", result_type=DestructionState)
                    return st if st.list_id else None

                state = await eventually(listed)
                lists = (await rm.get("/api/records/destruction-lists")).json()
                items = {i["reference"]: i for i in lists[0]["items"]}
                assert set(items) == {a.reference, c.reference}
                page = await rm.get("/records/destruction", headers={"Accept": "text/html"})
                assert a.reference in page.text and b.reference not in page.text

                # 5. The records manager decides; withholding without a reason is refused.
                body = {"list_id": state.list_id, "record_id": items[c.reference]["record_id"]}
                r = await rm.post(
                    "/api/records/destruction/decide", json=body | {"approve": False}, headers=hdr
                )
                assert r.status_code == 409 and r.json()["code"] == "ReasonRequired"
                r = await rm.post(
                    "/api/records/destruction/decide", json=body | {"approve": True}, headers=hdr
                )
                assert r.status_code == 200 and r.json()["pending"] == 1
                r = await rm.post(
                    "/api/records/destruction/decide", json=body | {"approve": True}, headers=hdr
                )
                assert r.status_code == 409 and r.json()["code"] == "NotPending"
                # The form is the same decision: its refusal is the page again, with a 409.
                form = {
                    "list_id": state.list_id,
                    "record_id": items[c.reference]["record_id"],
                    "decision": "approve",
                    "csrf_token": hdr["X-CSRF-Token"],
                }
                r = await rm.post(
                    "/records/destruction/decide", data=form, headers={"Accept": "text/html"}
                )
                assert r.status_code == 409 and a.reference in r.text
                # C goes under legal hold after approval: still not destroyed.
                await rm.post(
                    f"/api/records/contacts/{c.reference}/legal-hold",
                    json={"hold": True, "reason": "rechtszaak"},
                    headers=hdr,
                )
                a_docs = [d["dms_id"].rsplit("/", 1)[1] for d in rec_a.documents]
                r = await rm.post(
                    "/api/records/destruction/decide",
                    json={
                        "list_id": state.list_id,
                        "record_id": items[a.reference]["record_id"],
                        "approve": True,
                    },
                    headers=hdr,
                )
                assert r.status_code == 200 and r.json()["pending"] == 0

                result = await handle.result()
                assert result.destroyed == 1 and result.withheld == 1

                # 6. The certificate: what, when, whose approval.
                certs = (await rm.get("/api/records/certificates")).json()
                cert = next(x for x in certs if x["list_id"] == state.list_id)["body"]
                assert [d["reference"] for d in cert["destroyed"]] == [a.reference]
                gone = cert["destroyed"][0]
                assert gone["decided_by"] == "records" and gone["destroyed_at"]
                assert gone["disposal_date"] == rec_a.disposal_date.isoformat()
                assert len(gone["dms_documents"]) == len(rec_a.documents)
                kept = cert["not_destroyed"][0]
                assert kept["reference"] == c.reference and kept["reason"] == "legal hold"

        # 7. A is gone from the DMS and its personal data from PULSE; B and C stay.
        assert not set(a_docs) & set(fake.objects)
        async with db() as s:
            assert await s.get(Contact, a.id) is None
            assert await s.get(Contact, c.id) is not None
            assert (
                await s.exec(
                    select(func.count()).select_from(Message).where(Message.contact_id == a.id)
                )
            ).one() == 0
            assert (
                await s.exec(select(Customer).where(Customer.id == a.customer_id))
            ).first() is None
            assert await s.get(Blob, raw_sha(raw)) is None
            rec = await record_of(db, a.reference)
            assert rec.status == "destroyed" and rec.contact_id is None
            assert all("name" not in d for d in rec.documents)
            actions = (
                (
                    await s.execute(
                        text("SELECT action FROM audit_events WHERE object_id = :r"),
                        {"r": a.reference},
                    )
                )
                .scalars()
                .all()
            )
            assert {"record.archived", "destruction.approve", "record.destroyed"} <= set(actions)


def raw_sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_disposal_dates_follow_the_class():
    from datetime import UTC, datetime

    from db.models.records import Disposal, RetentionClass
    from services.records.retention import disposal_for

    destroy = RetentionClass(product_id=1, channel="email", disposal=Disposal.destroy, years=5)
    keep = RetentionClass(product_id=1, channel="email", disposal=Disposal.keep)
    leap = datetime(2028, 2, 29, 12, tzinfo=UTC)
    assert disposal_for(destroy, leap) == (Disposal.destroy, date(2033, 2, 28))
    assert disposal_for(keep, leap) == (Disposal.keep, None)
    assert disposal_for(None, leap) == (Disposal.keep, None)  # no class: never destroyed
