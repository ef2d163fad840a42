"""The web form's pure rules: what a file is by its content, the BIG check digit,
the numbers a person may give (never a BSN), and the Generic JSON mapping."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from services.webform.config import FormSettings, Reason
from services.webform.identifiers import InvalidIdentifier, big_check, validate_identifier
from services.webform.sniff import sniff
from services.webform.sources import IntakeError, map_submission, parse_body


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0....", "jpeg"),
        (b"GIF89a...", "gif"),
        (docx(), "docx"),
        ("Geachte heer, één vraag.\n".encode(), "txt"),
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable
        (b"\x7fELF\x02\x01\x01", None),
        (b"#!/bin/sh\nrm -rf /\n", None),
        (b"PK\x03\x04not really a zip", None),
        (b"", None),
    ],
)
def test_sniff_judges_by_content(data, kind):
    assert sniff(data) == kind


def test_big_check_digit():
    assert big_check("89012345601") and big_check("39012345617")
    assert not big_check("69012345601")  # one digit off
    assert not big_check("89112345601")  # the second digit is always 9


def test_identifiers_on_the_public_form():
    assert validate_identifier("big", "8901 2345 601") == "89012345601"
    assert validate_identifier("uzi", "900012345") == "900012345"
    assert validate_identifier("kvk", "12.34.56.78") == "12345678"
    for kind, raw, code in (
        ("bsn", "111222333", "kind"),  # never a BSN
        ("kvk", "1234567", "length"),
        ("big", "69012345601", "check"),
        ("uzi", "90001234X", "length"),
    ):
        with pytest.raises(InvalidIdentifier, match=code):
            validate_identifier(kind, raw)


FORM = FormSettings(
    product_id=1,
    product_code="BIG",
    product_name="BIG-register",
    enabled=True,
    fields={"phone": "optional"},
    reasons=[Reason(7, "Herregistratie", "Re-registration", "herregistratie")],
    attachment_types=["pdf"],
    attachment_max_bytes=1024 * 1024,
    attachment_max_count=2,
    privacy_url="",
    privacy_text_nl="",
    privacy_text_en="",
)


def test_generic_json_mapping():
    body = {
        "values": {
            "naam": "A",
            "mail": {"adres": "a@example.nl"},
            "vraag": "?",
            "soort": "herregistratie",
        },
        "values_schema": {},
        "metadata": {"ref": "OF-1"},
        "metadata_schema": {},
    }
    raw = json.dumps(body).encode()
    mapping = {
        "fields": {"name": "naam", "email": "mail.adres", "message": "vraag", "reason": "soort"},
        "submission_key": "metadata.ref",
    }
    mapped = map_submission(parse_body(raw), mapping, FORM, raw, "of")
    assert mapped.key == "of:OF-1"
    assert mapped.raw["email"] == "a@example.nl" and mapped.raw["reason"] == "7"
    no_key = map_submission(parse_body(raw), {"fields": mapping["fields"]}, FORM, raw, "of")
    assert no_key.key.startswith("of:sha256:")
    assert parse_body(json.dumps(json.dumps(body)).encode()) == body  # JSON-encoded twice
    for bad in (b"[]", b'{"values": 3}', b'{"values": {}, "metadata": []}', b"\xff"):
        with pytest.raises(IntakeError):
            parse_body(bad)
