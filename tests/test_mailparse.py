"""adapters.mail.parse: every message, however broken, becomes a ParsedMail."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from adapters.mail.parse import ParsedMail, find_reference, parse_message, safe_filename

DANGEROUS = ("<script", "onerror", "onclick", "javascript:", "<style", "onload")


def simple(headers: str, body: bytes = b"Hallo\r\n") -> bytes:
    return headers.replace("\n", "\r\n").encode("utf-8", "surrogateescape") + b"\r\n\r\n" + body


def nested(depth: int) -> bytes:
    head = "From: deep@example.org\r\nSubject: deep\r\nMIME-Version: 1.0\r\n"
    parts = [head]
    for level in range(depth):
        parts.append(f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n')
    parts.append("Content-Type: text/plain\r\n\r\nthe bottom\r\n")
    for level in reversed(range(depth)):
        parts.append(f"--b{level}--\r\n")
    return "".join(parts).encode()


HOSTILE_HTML = (
    b"<html><head><style>body{background:url(javascript:alert(1))}</style></head><body>"
    b'<p onclick="steal()">Beste KCC,</p><script>alert("x")</script>'
    b'<img src="x" onerror="alert(1)"><a href="javascript:alert(2)">klik</a>'
    b'<a href="https://www.bigregister.nl">BIG</a><img src="cid:logo@x">'
    b'<iframe src="https://evil.example"></iframe><svg onload="alert(3)"></svg></body></html>'
)

TNEF = (
    b"From: outlook@example.org\r\nSubject: winmail\r\nMIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="t"\r\n\r\n--t\r\n'
    b"Content-Type: text/plain\r\n\r\nzie bijlage\r\n--t\r\n"
    b"Content-Type: application/ms-tnef\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    + base64.b64encode(b"\x78\x9f\x3e\x22" + bytes(100))
    + b"\r\n--t--\r\n"
)

CORPUS: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \r\n\r\n ",
    "garbage": bytes(range(256)) * 40,
    "nul-laden": b"From: a@b.nl\x00\r\nSubject: nul\x00\x00 here\r\n\r\nbody\x00with\x00nuls\r\n",
    "missing-headers": b"\r\n\r\njust a body\r\n",
    "only-subject": b"Subject: alleen onderwerp\r\n\r\nhoi\r\n",
    "unknown-charset": simple(
        "From: a@b.nl\nSubject: x\nContent-Type: text/plain; charset=x-klingon-42", b"caf\xe9\r\n"
    ),
    "wrong-charset": simple(
        "From: a@b.nl\nSubject: x\nContent-Type: text/plain; charset=us-ascii", b"caf\xc3\xa9\r\n"
    ),
    "bytes-codec-charset": simple(
        "From: a@b.nl\nSubject: x\nContent-Type: text/plain; charset=base64", b"aGk=\r\n"
    ),
    "rfc2047-bad-charset": simple("From: =?nope?q?Piet?= <p@x.nl>\nSubject: =?bogus?b?AAAA?="),
    "8bit-headers": simple("From: Jos\xe9 <j@x.nl>\nSubject: caf\xe9 \xc3\xa9\n").replace(
        b"\\xe9", b"\xe9"
    ),
    "bad-date": simple("From: a@b.nl\nDate: gisteren om een uur of drie\nSubject: x"),
    "bad-addresses": simple('From: <<<@@@>>>\nTo: ,,,;;; <\nCc: "unclosed <x@y\nSubject: x'),
    "broken-base64": simple(
        "From: a@b.nl\nSubject: x\nMIME-Version: 1.0\nContent-Type: text/plain\n"
        "Content-Transfer-Encoding: base64",
        b"!!!not base64$$$\r\n",
    ),
    "no-closing-boundary": simple(
        'From: a@b.nl\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="z"',
        b"--z\r\nContent-Type: text/plain\r\n\r\nhalf\r\n",
    ),
    "multipart-without-boundary": simple(
        "From: a@b.nl\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed", b"x\r\n"
    ),
    "hostile-html-only": simple(
        "From: a@b.nl\nSubject: html\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8",
        HOSTILE_HTML,
    ),
    "nested-50": nested(50),
    "nested-2000": nested(2000),
    "tnef": TNEF,
    "header-only": b"From: a@b.nl\r\nSubject: geen body",
    "long-header": simple("From: a@b.nl\nSubject: " + "x" * 50_000),
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_corpus_never_raises(name: str) -> None:
    mail = parse_message(CORPUS[name])
    assert isinstance(mail, ParsedMail)
    assert mail.dedupe_key
    for text in [mail.text_body, mail.subject, *(mail.headers.values())]:
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogates: storable as-is
    html = (mail.html_sanitized or "").lower()
    for marker in DANGEROUS:
        assert marker not in html
    assert all(len(v) <= 1000 for v in mail.headers.values())


@pytest.mark.parametrize("raw", [b"", b"   \r\n"])
def test_empty_input_is_flagged(raw: bytes) -> None:
    mail = parse_message(raw)
    assert mail.parse_error == "empty message"
    assert mail.dedupe_key.startswith("sha256:")


def test_garbage_is_flagged_but_salvaged() -> None:
    mail = parse_message(CORPUS["garbage"])
    assert mail.parse_error
    assert mail.text_body  # something for a human to look at


def test_non_bytes_input_does_not_raise() -> None:
    assert parse_message(None).parse_error  # type: ignore[arg-type]
    assert parse_message(bytearray(b"Subject: x\r\n\r\nhoi")).subject == "x"


def test_nested_50_deep_reaches_the_text() -> None:
    mail = parse_message(CORPUS["nested-50"])
    assert mail.parse_error is None
    assert mail.text_body == "the bottom"


def test_absurd_nesting_is_cut_off_not_fatal() -> None:
    mail = parse_message(CORPUS["nested-2000"])
    assert mail.parse_error or "MIME nesting cut off" in mail.warnings


def test_headers_fields_and_conventions() -> None:
    raw = simple(
        "Message-ID: <ABC.123@mail.example.org>\n"
        "In-Reply-To: <first@pulse.test>\n"
        "References: <root@pulse.test>\n <first@pulse.test>\n"
        "From: =?utf-8?q?Jansen=2C_Pi=C3=ABt?= <Piet.Jansen@Example.NL>\n"
        'To: big@cibg.nl, "Uzi Desk" <UZI@cibg.nl>\n'
        "Cc: kopie@example.org\n"
        "Reply-To: antwoord@example.org\n"
        "Subject: =?iso-8859-1?q?Vraag_over_registratie_=E9=E9n?= [KCC-2026-000123]\n"
        "Date: Tue, 03 Feb 2026 09:15:00 +0100\n"
        "Content-Language: nl-NL\n"
        "X-Mailer: Test"
    )
    mail = parse_message(raw)
    assert mail.parse_error is None
    assert mail.message_id == "ABC.123@mail.example.org"  # no angle brackets
    assert mail.dedupe_key.startswith("sha256:")  # a Message-ID is not unique
    assert mail.in_reply_to == "first@pulse.test"
    assert mail.references == ["root@pulse.test", "first@pulse.test"]
    assert mail.from_address == "piet.jansen@example.nl"
    assert mail.from_name == "Jansen, Piët"
    assert mail.to == ["big@cibg.nl", "uzi@cibg.nl"]
    assert mail.cc == ["kopie@example.org"]
    assert mail.reply_to == ["antwoord@example.org"]
    assert mail.subject == "Vraag over registratie één [KCC-2026-000123]"
    assert mail.reference_in_subject == "KCC-2026-000123"
    assert mail.date == datetime(2026, 2, 3, 8, 15, tzinfo=UTC)
    assert mail.date.tzinfo is not None
    assert mail.language == "nl-nl"
    assert mail.headers["X-Mailer"] == "Test"
    assert not mail.is_auto_reply


def test_no_message_id_dedupes_on_content_hash() -> None:
    raw = simple("From: a@b.nl\nSubject: x")
    first, second = parse_message(raw), parse_message(raw)
    assert first.message_id is None
    assert first.dedupe_key.startswith("sha256:") and first.dedupe_key == second.dedupe_key
    assert parse_message(raw + b"!").dedupe_key != first.dedupe_key


def test_8bit_headers_are_decoded_not_fatal() -> None:
    mail = parse_message(b"From: Jos\xc3\xa9 <j@x.nl>\r\nSubject: caf\xc3\xa9\r\n\r\nhoi\r\n")
    assert mail.subject == "café"
    assert mail.from_address == "j@x.nl"
    latin = parse_message(b"From: j@x.nl\r\nSubject: caf\xe9\r\n\r\nhoi\r\n")
    assert latin.subject.startswith("caf")


def test_charsets() -> None:
    unknown = parse_message(CORPUS["unknown-charset"])
    assert unknown.text_body == "café"  # cp1252 fallback
    assert any("charset" in w for w in unknown.warnings)
    wrong = parse_message(CORPUS["wrong-charset"])
    assert wrong.text_body == "café"  # declared ascii, really utf-8
    assert parse_message(CORPUS["bytes-codec-charset"]).text_body == "aGk="
    msg = EmailMessage()
    msg["From"] = "a@b.nl"
    msg["Subject"] = "koi"
    msg.set_content("Привет", charset="koi8-r")
    assert parse_message(msg.as_bytes()).text_body == "Привет"


def multipart_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Burger <burger@example.org>"
    msg["To"] = "big@cibg.nl"
    msg["Subject"] = "Met bijlagen"
    msg["Message-ID"] = "<multi@example.org>"
    msg.set_content("Platte tekst\n")
    msg.add_alternative(
        '<p>HTML <b>tekst</b><img src="cid:logo123@example.org" onerror="x()"></p>',
        subtype="html",
    )
    html_part = msg.get_payload()[1]
    html_part.add_related(
        b"\x89PNG fake", maintype="image", subtype="png", cid="<logo123@example.org>"
    )
    msg.add_attachment(
        b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="../../etc/passwd\x07.pdf"
    )
    msg.add_attachment(b"no name", maintype="application", subtype="octet-stream")
    return msg.as_bytes()


def test_alternative_related_and_attachments() -> None:
    mail = parse_message(multipart_mail())
    assert mail.parse_error is None
    assert mail.text_body == "Platte tekst"
    assert "<b>tekst</b>" in mail.html_sanitized
    assert 'src="cid:logo123@example.org"' in mail.html_sanitized
    assert "onerror" not in mail.html_sanitized
    by_type = {a.content_type: a for a in mail.attachments}
    image = by_type["image/png"]
    assert image.inline and image.content_id == "logo123@example.org"
    assert image.data == b"\x89PNG fake"
    pdf = by_type["application/pdf"]
    assert pdf.filename == "passwd.pdf" and not pdf.inline
    assert by_type["application/octet-stream"].filename.startswith("attachment-")


def test_html_only_gets_text_and_is_sanitized() -> None:
    mail = parse_message(CORPUS["hostile-html-only"])
    assert "Beste KCC," in mail.text_body
    assert "alert" not in mail.text_body  # script content is not text
    html = mail.html_sanitized
    assert "Beste KCC," in html
    assert 'href="https://www.bigregister.nl"' in html
    assert "cid:logo@x" in html
    assert "iframe" not in html and "evil.example" not in html


def test_remote_images_are_dropped() -> None:
    raw = simple(
        "From: a@b.nl\nSubject: x\nContent-Type: text/html",
        b'<p>hi<img src="https://tracker.example/p.gif"></p>',
    )
    assert "tracker.example" not in parse_message(raw).html_sanitized


def test_tnef_is_an_ordinary_attachment() -> None:
    mail = parse_message(TNEF)
    assert mail.text_body == "zie bijlage"
    [tnef] = mail.attachments
    assert tnef.content_type == "application/ms-tnef"
    assert tnef.filename == "winmail.dat"
    assert tnef.data.startswith(b"\x78\x9f\x3e\x22")


def test_forwarded_message_is_kept_as_eml() -> None:
    inner = EmailMessage()
    inner["Subject"] = "origineel"
    inner.set_content("binnenste tekst")
    outer = EmailMessage()
    outer["From"] = "a@b.nl"
    outer["Subject"] = "Fwd: origineel"
    outer.set_content("zie doorgestuurd")
    outer.add_attachment(inner)
    mail = parse_message(outer.as_bytes())
    assert mail.text_body == "zie doorgestuurd"
    [eml] = mail.attachments
    assert eml.content_type == "message/rfc822" and eml.filename.endswith(".eml")
    assert b"binnenste tekst" in eml.data


def test_huge_attachment() -> None:
    payload = bytes(range(256)) * (30 * 1024 * 1024 // 256)  # 30 MB
    msg = EmailMessage()
    msg["From"] = "a@b.nl"
    msg["Subject"] = "groot"
    msg.set_content("groot bestand")
    msg.add_attachment(payload, maintype="application", subtype="zip", filename="groot.zip")
    raw = msg.as_bytes()
    mail = parse_message(raw)
    assert mail.attachments[0].data == payload
    assert mail.text_body == "groot bestand"


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "List-Id: <nieuws.example.org>",
        "List-Unsubscribe: <mailto:uit@example.org>",
        "Return-Path: <>",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
    ],
)
def test_auto_reply_headers(headers: str) -> None:
    assert parse_message(simple(f"From: a@b.nl\nSubject: x\n{headers}")).is_auto_reply


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@mx.example.org", "postmaster@example.org"])
def test_auto_reply_senders(sender: str) -> None:
    assert parse_message(simple(f"From: {sender}\nSubject: Undelivered")).is_auto_reply


def test_delivery_status_report_is_auto() -> None:
    raw = simple(
        "From: a@b.nl\nSubject: bounce\nMIME-Version: 1.0\nContent-Type: multipart/report; "
        'report-type=delivery-status; boundary="r"',
        b"--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r\r\n"
        b"Content-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--r--\r\n",
    )
    assert parse_message(raw).is_auto_reply


def test_human_mail_is_not_auto() -> None:
    raw = simple("From: a@b.nl\nSubject: x\nAuto-Submitted: no\nReturn-Path: <a@b.nl>")
    assert not parse_message(raw).is_auto_reply


def test_find_reference() -> None:
    assert find_reference("Re: vraag [KCC-2026-000123]") == "KCC-2026-000123"
    assert find_reference("re: kcc-2026-000042 bedankt") == "KCC-2026-000042"
    assert find_reference("KCC-26-1") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\brief.docx", "brief.docx"),
        ("evil\r\nname.txt", "evilname.txt"),
        ("...", "attachment-3.pdf"),
        (None, "attachment-3.pdf"),
        ("a\u202egnp.exe", "agnp.exe"),  # right-to-left override removed
    ],
)
def test_safe_filename(name: str | None, expected: str) -> None:
    assert safe_filename(name, "application/pdf", 3) == expected


def test_long_filename_keeps_extension() -> None:
    name = safe_filename("x" * 400 + ".pdf", "application/pdf", 1)
    assert len(name) <= 150 and name.endswith(".pdf")
