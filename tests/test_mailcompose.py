"""adapters.mail.compose: threading, references, auto-reply marks, and SMTP outcomes."""

from __future__ import annotations

import aiosmtplib
import pytest

from adapters.mail.compose import (
    OutboundAttachment,
    PermanentSendError,
    compose_message,
    ensure_reference,
    new_message_id,
    reply_subject,
    send_message,
    thread_headers,
)
from adapters.mail.outbox import read_outbox
from adapters.mail.parse import parse_message
from devstack.mail_sandbox import SmtpSink
from tests.mailservers import free_port

SIGNATURE = "Met vriendelijke groet,\nKCC BIG-register"


def reply(**overrides):
    fields = dict(
        from_address="big@cibg.nl",
        from_name="BIG-register (CIBG)",
        to="Burger@Example.org",
        subject="Re: Vraag over registratie",
        text_body="Dank voor uw vraag.",
        domain="pulse.test",
        reference="KCC-2026-000123",
        signature=SIGNATURE,
        parent_message_id="q1@example.org",
        parent_references=["root@example.org"],
    )
    fields.update(overrides)
    return compose_message(**fields)


def test_reply_threads_and_round_trips() -> None:
    msg = reply(
        html_body="<p>Dank voor uw vraag.</p>",
        attachments=[OutboundAttachment("besluit.pdf", "application/pdf", b"%PDF fake")],
    )
    assert msg["In-Reply-To"] == "<q1@example.org>"
    assert msg["References"] == "<root@example.org> <q1@example.org>"
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@pulse.test>")
    assert msg["Date"]
    assert "Auto-Submitted" not in msg
    parsed = parse_message(msg.as_bytes())
    assert parsed.subject == "Re: Vraag over registratie [KCC-2026-000123]"
    assert parsed.reference_in_subject == "KCC-2026-000123"
    assert parsed.from_name == "BIG-register (CIBG)" and parsed.from_address == "big@cibg.nl"
    assert parsed.text_body == "Dank voor uw vraag.\n\n" + SIGNATURE
    assert "KCC BIG-register" in parsed.html_sanitized
    assert parsed.in_reply_to == "q1@example.org"
    assert parsed.references == ["root@example.org", "q1@example.org"]
    [pdf] = parsed.attachments
    assert (pdf.filename, pdf.content_type, pdf.data) == (
        "besluit.pdf",
        "application/pdf",
        b"%PDF fake",
    )
    assert not parsed.is_auto_reply


def test_acknowledgement_is_marked_automatic() -> None:
    msg = reply(auto_reply=True, parent_references=[])
    assert msg["Auto-Submitted"] == "auto-replied"
    assert msg["X-Auto-Response-Suppress"] == "All"
    assert msg["References"] == "<q1@example.org>"
    assert parse_message(msg.as_bytes()).is_auto_reply


def test_given_message_id_is_used_for_idempotent_retries() -> None:
    message_id = new_message_id("pulse.test")
    assert "<" not in message_id
    first, second = reply(message_id=message_id), reply(message_id=message_id)
    assert first["Message-ID"] == second["Message-ID"] == f"<{message_id}>"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Vraag", "Vraag [KCC-2026-000123]"),
        ("Re: Vraag [KCC-2026-000123]", "Re: Vraag [KCC-2026-000123]"),
        ("Re: [KCC-2026-000123] Vraag [kcc-2026-000123]", "Re: Vraag [KCC-2026-000123]"),
        ("Vraag\r\nBcc: evil@example.org", "Vraag Bcc: evil@example.org [KCC-2026-000123]"),
    ],
)
def test_reference_once_in_subject(subject: str, expected: str) -> None:
    assert ensure_reference(subject, "KCC-2026-000123") == expected


def test_reply_subject_and_thread_headers() -> None:
    assert reply_subject("Vraag") == "Re: Vraag"
    assert reply_subject("Antw: Vraag") == "Antw: Vraag"
    assert reply_subject("AW: x") == "AW: x"
    assert reply_subject("SV: x") == "SV: x"
    assert reply_subject("RE: x") == "RE: x"
    in_reply_to, refs = thread_headers("m30@x", [f"m{i}@x" for i in range(30)])
    assert in_reply_to == "m30@x" and len(refs) == 20
    assert refs[0] == "m0@x" and refs[-1] == "m30@x"
    assert thread_headers(None, []) == (None, [])


def test_stored_thread_headers_are_sent_as_stored() -> None:
    """A reply draft stores In-Reply-To and References when it is written; the send
    uses them rather than working them out again from the parent."""
    msg = reply(thread=("q2@example.org", ["root@example.org", "q2@example.org"]))
    assert msg["In-Reply-To"] == "<q2@example.org>"
    assert msg["References"] == "<root@example.org> <q2@example.org>"


def test_header_injection_is_neutralised() -> None:
    msg = reply(from_name="KCC\r\nBcc: evil@example.org", subject="x\nBcc: evil@example.org")
    raw = msg.as_bytes()
    assert b"\nBcc:" not in raw


def test_signature_not_doubled() -> None:
    msg = reply(text_body="Antwoord.\n\n" + SIGNATURE)
    assert msg.get_body(("plain",)).get_content().count("KCC BIG-register") == 1


async def test_send_reaches_the_sink(smtp_sink: SmtpSink) -> None:
    msg = reply()
    result = await send_message(
        msg, host=smtp_sink.host, port=smtp_sink.port, starttls=False, timeout=10
    )
    assert result.message_id == msg["Message-ID"].strip("<>")
    assert result.refused == {}
    [sent] = await smtp_sink.wait_for(1, timeout=5)
    assert sent.rcpt_tos == ["Burger@Example.org"]
    outbox = read_outbox(smtp_sink.data_dir)
    assert outbox[0]["subject"] == "Re: Vraag over registratie [KCC-2026-000123]"
    assert outbox[0]["message_id"] == result.message_id
    # the dev outbox page shows the Date header as a moment (in office time)
    assert outbox[0]["sent_at"] is not None and outbox[0]["sent_at"].tzinfo is not None
    assert parse_message(sent.raw).text_body.startswith("Dank voor uw vraag.")


async def test_temporary_failure_propagates_for_retry(smtp_sink: SmtpSink) -> None:
    smtp_sink.set_failing(True)
    with pytest.raises(aiosmtplib.SMTPResponseException) as caught:
        await send_message(reply(), host=smtp_sink.host, port=smtp_sink.port, timeout=10)
    assert caught.value.code == 451
    assert not isinstance(caught.value, PermanentSendError)
    smtp_sink.set_failing(False)
    await send_message(reply(), host=smtp_sink.host, port=smtp_sink.port, timeout=10)
    assert len(smtp_sink.messages) == 1


async def test_refused_recipient_is_permanent(smtp_sink: SmtpSink) -> None:
    smtp_sink.reject_recipient("burger@example.org")
    with pytest.raises(PermanentSendError) as caught:
        await send_message(reply(), host=smtp_sink.host, port=smtp_sink.port, timeout=10)
    assert caught.value.code == 550
    assert caught.value.recipients == ["Burger@Example.org"]


async def test_partly_refused_recipients_are_reported(smtp_sink: SmtpSink) -> None:
    smtp_sink.reject_recipient("weg@example.org")
    result = await send_message(
        reply(to=["burger@example.org", "weg@example.org"]),
        host=smtp_sink.host,
        port=smtp_sink.port,
        timeout=10,
    )
    assert list(result.refused) == ["weg@example.org"]
    assert result.refused["weg@example.org"].startswith("550")


async def test_no_server_is_a_retryable_error() -> None:
    with pytest.raises((aiosmtplib.SMTPConnectError, OSError)):
        await send_message(reply(), host="127.0.0.1", port=free_port(), timeout=3)
