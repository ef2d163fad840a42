"""The mail intake is safe by default, through real dovecot, Temporal and an SMTP sink:

- a `[KCC-…]` reference in the subject joins a contact only for its customer's own
  address or a reply to a message PULSE sent; a stranger gets a contact of their
  own that mentions the other; a reply from a new address waits for the agent;
- dedupe compares content: a message that only reuses a Message-ID is kept;
- a reply fetched in the same batch as its parent, or handled before it, joins it;
- auto replies and bounces stay on the contact without moving it; spam is junk;
- the acknowledgement echoes no raw sender text, and none goes to a sender whose
  SPF/DKIM/DMARC check failed.
"""

from __future__ import annotations

import asyncio
import uuid
from email.message import EmailMessage

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from channels.email.intake import MailIntake
from channels.email.watcher import MailboxWatcher
from contracts.contact import ClaimRequest, CloseRequest, contact_workflow_id
from db.models.contacts import (
    Contact,
    ContactEvent,
    ContactReason,
    CustomerEmail,
    Direction,
    Message,
    Product,
    SendStatus,
    User,
)
from db.models.junk import JunkMail
from devstack.demo.seed import seed_demo
from runtime.worker import build_worker
from services.contacts.replies import customer_address
from tests.api_support import client_for, login, running_app
from tests.mailservers import ImapServer
from workflows.contact.workflow import ContactWorkflow

pytestmark = pytest.mark.dovecot

CUSTOMER = "jan@example.nl"
STRANGER = "mallory@evil.example"


def mail(sender: str, subject: str, body: str = "Hallo", **headers: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "big@pulse.test"
    msg["Subject"] = subject
    msg["Message-ID"] = headers.pop("message_id", f"<{uuid.uuid4()}@example.nl>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes()


@pytest.fixture
async def intake(db, settings, temporal_env, smtp_sink, dovecot_server: ImapServer):
    await seed_demo(db)
    async with db() as s:
        await s.execute(
            update(Product).where(Product.code == "BIG").values(mailbox=dovecot_server.mailbox)
        )
        await s.commit()
    cfg = settings.model_copy(update={"smtp_port": smtp_sink.port, "ack_rate_limit_per_hour": 100})
    async with build_worker(temporal_env.client, cfg, db):
        yield Intake(MailIntake(db, temporal_env.client, cfg), db, dovecot_server, smtp_sink)


class Intake:
    def __init__(self, intake: MailIntake, db, server: ImapServer, sink) -> None:
        self.intake, self.db, self.server, self.sink = intake, db, server, sink

    async def deliver(self, *raws: bytes) -> int:
        """Put the mails in the product's folder, then let the watcher take them all
        (one batch, handled concurrently, as in production)."""
        for raw in raws:
            await self.server.append(raw)
        watcher = MailboxWatcher(
            host=self.server.host,
            port=self.server.port,
            user=self.server.user,
            password=self.server.password,
            mailbox=self.server.mailbox,
            processed_folder=self.server.processed,
            handler=self.intake.handle,
            concurrency=16,
        )
        return await watcher.run_once()

    async def contacts(self) -> list[Contact]:
        async with self.db() as s:
            return list((await s.exec(select(Contact).order_by(Contact.id))).all())

    async def inbound(self, contact_id: int) -> list[Message]:
        async with self.db() as s:
            rows = await s.exec(
                select(Message)
                .where(Message.contact_id == contact_id, Message.direction == Direction.inbound)
                .order_by(Message.id)
            )
            return list(rows.all())

    async def ack_of(self, contact_id: int) -> Message:
        async def sent():
            async with self.db() as s:
                return (
                    await s.exec(
                        select(Message).where(
                            Message.contact_id == contact_id,
                            Message.is_acknowledgement,
                            Message.send_status == SendStatus.sent,
                        )
                    )
                ).first()

        return await eventually(sent)

    async def status(self, contact: Contact) -> str:
        handle = self.intake.temporal.get_workflow_handle(contact_workflow_id(contact.reference))
        return (await handle.query(ContactWorkflow.state)).status

    async def address(self, contact_id: int):
        async with self.db() as s:
            return await customer_address(s, await s.get(Contact, contact_id))


async def eventually(probe, timeout: float = 30.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = await probe()
        if result:
            return result
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(0.1)


# --- threading that a stranger cannot hijack ----------------------------------------------


async def test_a_stranger_naming_a_reference_gets_a_contact_of_their_own(intake: Intake):
    await intake.deliver(mail(f"Jan <{CUSTOMER}>", "Mijn registratie"))
    [first] = await intake.contacts()
    await intake.ack_of(first.id)

    await intake.deliver(mail(STRANGER, f"RE: [{first.reference}] Mijn registratie"))
    contacts = await intake.contacts()
    assert len(contacts) == 2, "the stranger's mail joined the citizen's contact"
    stranger = contacts[1]
    assert stranger.mentions_contact_id == first.id  # linked for the agent to check
    assert stranger.customer_id != first.customer_id
    assert len(await intake.inbound(first.id)) == 1
    assert (await intake.address(first.id)).to == CUSTOMER  # replies still go to Jan

    # the customer's own mail with the reference joins
    await intake.deliver(mail(CUSTOMER, f"Aanvulling [{first.reference}]"))
    assert len(await intake.contacts()) == 2
    assert len(await intake.inbound(first.id)) == 2


async def test_a_reply_from_a_new_address_waits_for_the_agent(intake: Intake):
    await intake.deliver(mail(CUSTOMER, "Vraag"))
    [contact] = await intake.contacts()
    ack = await intake.ack_of(contact.id)
    # an answer to the acknowledgement PULSE sent, from another address
    reply = mail(
        "jan.werk@example.com",
        f"Re: {ack.subject}",
        In_Reply_To=f"<{ack.message_id_header}>",
        References=f"<{ack.message_id_header}>",
    )
    await intake.deliver(reply)
    assert len(await intake.contacts()) == 1  # it answers PULSE's mail: it joins
    address = await intake.address(contact.id)
    assert address.to == CUSTOMER  # not silently to the new sender
    assert address.unconfirmed == "jan.werk@example.com"  # shown for confirmation


# --- dedupe by content ------------------------------------------------------------------


async def test_messages_that_share_a_message_id_are_all_kept(intake: Intake):
    shared = f"<{uuid.uuid4()}@lists.example.org>"
    first = mail(CUSTOMER, "Eerste", "Eerste bericht", message_id=shared)
    second = mail(CUSTOMER, "Tweede", "Een ander bericht, zelfde id", message_id=shared)
    copied = mail("piet@example.org", "Derde", "Piet kopieerde het id", message_id=shared)
    assert await intake.deliver(first, second, copied) == 3
    async with intake.db() as s:
        stored = (
            await s.exec(
                select(func.count())
                .select_from(Message)
                .where(Message.direction == Direction.inbound)
            )
        ).one()
    assert stored == 3
    # the very same bytes again (delivered twice) are one message
    assert await intake.deliver(first) == 1
    async with intake.db() as s:
        again = (
            await s.exec(
                select(func.count())
                .select_from(Message)
                .where(Message.direction == Direction.inbound)
            )
        ).one()
    assert again == 3
    contacts = await intake.contacts()
    piet = [
        c for c in contacts if (await intake.inbound(c.id))[0].from_address == "piet@example.org"
    ]
    assert len(piet) == 1 and len(await intake.inbound(piet[0].id)) == 1


# --- threading in arrival order -------------------------------------------------------------


async def test_a_reply_in_the_same_batch_as_its_parent_joins_it(intake: Intake):
    senders = [f"burger{n}@example.nl" for n in range(8)]
    # known customers (a first customer of an address would make the two inserts
    # collide and retry, which hides the race)
    await intake.deliver(*(mail(sender, "Eerder") for sender in senders))
    batch = []
    for n, sender in enumerate(senders):
        parent_id = f"<parent-{n}-{uuid.uuid4()}@example.nl>"
        batch.append(mail(sender, f"Vraag {n}", "x" * 20_000, message_id=parent_id))
        batch.append(
            mail(sender, f"Re: Vraag {n}", "Nog iets", In_Reply_To=parent_id, References=parent_id)
        )
    assert await intake.deliver(*batch) == 16
    contacts = await intake.contacts()
    assert len(contacts) == 16, "a reply opened a contact of its own"
    threads = [await intake.inbound(c.id) for c in contacts[8:]]
    assert all(len(messages) == 2 for messages in threads)


async def test_a_parent_handled_after_its_reply_joins_the_reply(intake: Intake):
    """Retries run out of arrival order: the reply is stored first, the parent later."""
    parent_id = f"<{uuid.uuid4()}@example.nl>"
    parent = mail(CUSTOMER, "Vraag", message_id=parent_id)
    reply = mail(CUSTOMER, "Re: Vraag", "Nog iets", In_Reply_To=parent_id, References=parent_id)
    mailbox = intake.server.mailbox
    await intake.intake.handle(reply, mailbox, 1, 2)
    await intake.intake.handle(parent, mailbox, 1, 1)
    [contact] = await intake.contacts()
    assert len(await intake.inbound(contact.id)) == 2


# --- machine mail -----------------------------------------------------------------------------


async def _closed_contact(intake: Intake) -> tuple[Contact, Message]:
    await intake.deliver(mail(CUSTOMER, "Vraag"))
    [contact] = await intake.contacts()
    ack = await intake.ack_of(contact.id)
    async with intake.db() as s:
        agent = (await s.exec(select(User).where(User.username == "agent"))).one()
        reason = (
            await s.exec(
                select(ContactReason).where(ContactReason.product_id == contact.product_id)
            )
        ).first()
    handle = intake.intake.temporal.get_workflow_handle(contact_workflow_id(contact.reference))
    await handle.execute_update(ContactWorkflow.claim, ClaimRequest(agent.id))
    await handle.execute_update(ContactWorkflow.close, CloseRequest(agent.id, reason.id))
    return contact, ack


async def _events(intake: Intake, contact_id: int) -> list[str]:
    async with intake.db() as s:
        rows = await s.exec(select(ContactEvent.kind).where(ContactEvent.contact_id == contact_id))
        return list(rows.all())


async def test_an_out_of_office_does_not_reopen_a_closed_contact(intake: Intake):
    contact, ack = await _closed_contact(intake)
    ooo = mail(
        CUSTOMER,
        "Afwezig: Ontvangstbevestiging",
        "Ik ben tot maandag afwezig.",
        In_Reply_To=f"<{ack.message_id_header}>",
        Auto_Submitted="auto-replied",
    )
    await intake.deliver(ooo)
    assert len(await intake.contacts()) == 1
    await eventually(lambda: _has_event(intake, contact.id, "machine_mail"))
    assert await intake.status(contact) == "closed"
    [_, stored] = await intake.inbound(contact.id)
    assert stored.machine_kind == "auto_reply"


async def _has_event(intake: Intake, contact_id: int, kind: str) -> bool:
    return kind in await _events(intake, contact_id)


def bounce(ack: Message, recipient: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.nl>"
    msg["To"] = "big@pulse.test"
    msg["Subject"] = "Undelivered Mail Returned to Sender"
    msg["Message-ID"] = f"<{uuid.uuid4()}@mx.example.nl>"
    msg.set_content("This is the mail system. Your message could not be delivered.")
    status = EmailMessage()
    status.set_content(
        f"Reporting-MTA: dns; mx.example.nl\n\nFinal-Recipient: rfc822; {recipient}\n"
        "Action: failed\nStatus: 5.1.1\n"
    )
    msg.make_mixed()
    msg.replace_header("Content-Type", "multipart/report; report-type=delivery-status")
    msg.attach(_part("message/delivery-status", status.get_content()))
    returned = f"Message-ID: <{ack.message_id_header}>\nSubject: {ack.subject}\n\n"
    msg.attach(_part("text/rfc822-headers", returned))
    return msg.as_bytes()


def _part(ctype: str, text: str) -> EmailMessage:
    from email.parser import BytesParser
    from email.policy import compat32

    raw = f"Content-Type: {ctype}\n\n{text}".encode()
    return BytesParser(policy=compat32).parsebytes(raw)


async def test_a_bounce_flags_the_contact_and_the_address(intake: Intake):
    contact, ack = await _closed_contact(intake)
    await intake.deliver(bounce(ack, CUSTOMER))
    assert len(await intake.contacts()) == 1
    await eventually(lambda: _has_event(intake, contact.id, "reply_undelivered"))
    assert await intake.status(contact) == "closed"
    async with intake.db() as s:
        flagged = await s.get(Contact, contact.id)
        address = (
            await s.exec(select(CustomerEmail).where(CustomerEmail.address == CUSTOMER))
        ).one()
    assert flagged.reply_undelivered
    assert address.failing_since is not None


async def test_spam_is_junk_not_queue_work(intake: Intake):
    await intake.deliver(
        mail("win@prize.example", "Gefeliciteerd", "Klik hier", X_Spam_Flag="YES"),
        mail("x@spam.example", "Aanbieding", "Koop nu", X_Spam_Status="No, score=7.2"),
    )
    assert await intake.contacts() == []
    async with intake.db() as s:
        junk = (await s.exec(select(JunkMail))).all()
    assert len(junk) == 2 and all(j.status == "junk" and j.raw_sha256 for j in junk)


# --- the acknowledgement ---------------------------------------------------------------------


async def test_the_acknowledgement_echoes_no_raw_sender_text(intake: Intake):
    injected = "=?utf-8?q?Jan=0D=0ABcc=3A_victim=40example=2Eorg=0D=0A=0D=0AKlik_hier?="
    subject = "Vraag " + "x" * 300
    raw = mail(CUSTOMER, subject).replace(
        f"From: {CUSTOMER}".encode(), f"From: {injected} <{CUSTOMER}>".encode()
    )
    await intake.deliver(raw)
    [contact] = await intake.contacts()
    [stored] = await intake.inbound(contact.id)
    assert "\r" not in stored.from_name and "\n" not in stored.from_name
    ack = await intake.ack_of(contact.id)
    body_lines = ack.text_body.splitlines()
    assert not any(line.startswith("Bcc") for line in body_lines)
    assert len(ack.subject) < 120 and "x" * 100 not in ack.text_body
    await intake.sink.wait_for(1, timeout=10)
    assert b"victim@example.org" not in intake.sink.messages[0].raw.split(b"\r\n\r\n")[0]


async def test_no_acknowledgement_when_the_sender_fails_authentication(intake: Intake):
    forged = mail(
        CUSTOMER,
        "Vraag",
        Authentication_Results="mx.cibg.nl; spf=fail smtp.mailfrom=example.nl; dmarc=fail",
    )
    await intake.deliver(forged, mail("piet@example.org", "Andere vraag"))
    contacts = await intake.contacts()
    assert len(contacts) == 2
    await intake.ack_of(contacts[1].id)  # the genuine one is acknowledged
    async with intake.db() as s:
        acks = (
            await s.exec(
                select(func.count())
                .select_from(Message)
                .where(Message.is_acknowledgement, Message.contact_id == contacts[0].id)
            )
        ).one()
    assert acks == 0


# --- the agent checks, then joins or confirms --------------------------------------------------


async def test_the_agent_joins_a_mention_and_confirms_the_new_address(
    intake: Intake, settings, temporal_env
):
    await intake.deliver(mail(CUSTOMER, "Mijn registratie"))
    [first] = await intake.contacts()
    await intake.ack_of(first.id)
    await intake.deliver(mail(STRANGER, f"Re: [{first.reference}] namens Jan"))
    mention = (await intake.contacts())[1]
    await intake.ack_of(mention.id)

    async with (
        running_app(settings, intake.db, temporal_env.client) as app,
        client_for(app) as client,
    ):
        csrf = await login(client, intake.db, "agent")
        page = await client.get(f"/contacts/{mention.reference}")
        assert 'id="mentions"' in page.text and first.reference in page.text
        joined = await client.post(f"/contacts/{mention.reference}/join", data={"csrf_token": csrf})
        assert joined.status_code == 303, joined.text
        assert joined.headers["location"] == f"/contacts/{first.reference}"

        moved = await intake.inbound(first.id)
        assert [m.from_address for m in moved] == [CUSTOMER, STRANGER]
        assert await intake.inbound(mention.id) == []
        await eventually(lambda: _status_is(intake, mention, "closed"))
        await eventually(lambda: _has_event(intake, first.id, "customer_wrote"))

        address = await intake.address(first.id)
        assert (address.to, address.unconfirmed) == (CUSTOMER, STRANGER)
        page = await client.get(f"/contacts/{first.reference}")
        assert 'id="unconfirmed-address"' in page.text and STRANGER in page.text
        refused = await client.post(
            f"/contacts/{first.reference}/reply-address",
            data={"csrf_token": csrf, "address": "someone@else.example"},
        )
        assert refused.status_code == 422  # only an address that wrote here
        confirmed = await client.post(
            f"/contacts/{first.reference}/reply-address",
            data={"csrf_token": csrf, "address": STRANGER},
        )
        assert confirmed.status_code == 303, confirmed.text
    assert (await intake.address(first.id)).to == STRANGER


async def _status_is(intake: Intake, contact: Contact, status: str) -> bool:
    return await intake.status(contact) == status
