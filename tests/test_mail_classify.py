"""adapters.mail.classify and the display names parse_message keeps: machine mail,
bounces, spam, the receiving server's authentication verdict."""

from __future__ import annotations

from adapters.mail.parse import display_name, parse_message


def raw(headers: str, body: str = "Tekst", ctype: str = "text/plain") -> bytes:
    return (
        "From: Jan <jan@example.nl>\r\nTo: big@pulse.test\r\nMessage-ID: <a@b>\r\n"
        f"{headers}Content-Type: {ctype}\r\n\r\n{body}\r\n"
    ).encode()


def test_auto_replies_by_header_and_subject() -> None:
    assert parse_message(raw("Subject: x\r\nAuto-Submitted: auto-replied\r\n")).machine_kind
    assert parse_message(raw("Subject: x\r\nPrecedence: auto_reply\r\n")).machine_kind
    assert parse_message(raw("Subject: x\r\nX-Auto-Response-Suppress: All\r\n")).machine_kind
    assert parse_message(raw("Subject: Out of Office: vraag\r\n")).machine_kind == "auto_reply"
    assert parse_message(raw("Subject: Afwezig: uw vraag\r\n")).machine_kind == "auto_reply"
    person = parse_message(raw("Subject: Ik ben afwezig geweest, nu terug\r\n"))
    assert person.machine_kind == "" and not person.is_auto_reply
    assert parse_message(raw("Subject: x\r\nAuto-Submitted: no\r\n")).machine_kind == ""


def test_a_dsn_names_the_failed_recipient_and_the_bounced_message() -> None:
    body = (
        "--b\r\nContent-Type: text/plain\r\n\r\nNiet bezorgd.\r\n"
        "--b\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.nl\r\n\r\n"
        "Final-Recipient: rfc822; Jan@Example.nl\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n"
        "--b\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        "Message-ID: <ack-1@pulse.test>\r\nSubject: Ontvangstbevestiging\r\n\r\n"
        "--b--\r\n"
    )
    mail = parse_message(
        raw(
            "Subject: Undelivered Mail\r\nMIME-Version: 1.0\r\n",
            body,
            'multipart/report; report-type=delivery-status; boundary="b"',
        )
    )
    assert mail.machine_kind == "bounce" and mail.is_auto_reply
    assert mail.bounced_recipients == ["jan@example.nl"]
    assert mail.bounced_message_id == "ack-1@pulse.test"


def test_spam_by_the_servers_verdict_and_simple_rules() -> None:
    assert parse_message(raw("Subject: x\r\nX-Spam-Flag: YES\r\n")).spam_reason
    assert parse_message(
        raw("Subject: x\r\nX-Spam-Status: No, score=6.1 required=5\r\n")
    ).spam_reason
    assert parse_message(raw("Subject: x\r\nX-Spam-Score: 12\r\n")).spam_reason
    assert parse_message(raw("Subject: x\r\nX-Spam-Level: *******\r\n")).spam_reason
    assert parse_message(raw("Subject: Cheap viagra now\r\n")).spam_reason == "subject"
    assert parse_message(raw("Subject: x\r\nX-Spam-Status: No, score=1.2\r\n")).spam_reason == ""


def test_the_topmost_authentication_results_decide() -> None:
    failed = "Authentication-Results: mx.cibg.nl; spf=pass; dmarc=fail header.from=x\r\n"
    forged_below = "Authentication-Results: mx.cibg.nl; spf=pass; dkim=pass; dmarc=pass\r\n"
    forged_below += "Authentication-Results: fake; spf=fail\r\n"
    assert parse_message(raw("Subject: x\r\n" + failed)).sender_unverified
    assert not parse_message(raw("Subject: x\r\n" + forged_below)).sender_unverified
    assert not parse_message(raw("Subject: x\r\n")).sender_unverified


def test_display_names_carry_no_control_or_format_characters() -> None:
    encoded = "=?utf-8?q?Jan=0D=0ABcc=3A_x=40y=2Ez?= <jan@example.nl>"
    mail = parse_message(raw("Subject: x\r\n").replace(b"Jan <jan@example.nl>", encoded.encode()))
    assert mail.from_name == "Jan Bcc: x@y.z"
    assert display_name("A\u202eB\u200bC\tD") == "A B C D"
    assert len(display_name("x" * 1000)) == 200
