"""The two DMS implementations: the embedded local store (checksums) and the ZGW
Documenten API (JWT, base64 inhoud, bestandsdelen with lock/unlock), against a
local fake of the API built from its published shapes."""

from __future__ import annotations

import base64
import json
from datetime import date

import pytest

from adapters.dms import DmsDocument, DmsRefused, DmsUnavailable, RecordMeta
from adapters.dms.local import ChecksumMismatch, LocalDms
from adapters.dms.pdf import text_pdf
from adapters.dms.zgw import ZgwDms, zgw_jwt
from tests.conftest import free_port
from tests.zgw_fake import PREFIX, running_fake

META = RecordMeta("KCC-2026-000001", "BIG", "email", date(2026, 11, 28), "Klantcontact")


async def test_local_store_keeps_checksums_and_detects_damage(tmp_path):
    dms = LocalDms(tmp_path / "dms")
    stored = await dms.store(META, DmsDocument("001-in-1.eml", "message/rfc822", b"From: a\r\n"))
    again = await dms.store(META, DmsDocument("001-in-1.eml", "message/rfc822", b"From: a\r\n"))
    assert again.dms_id == stored.dms_id  # idempotent per (record, name)
    assert await dms.fetch(stored.dms_id) == b"From: a\r\n"
    folder = tmp_path / "dms" / "KCC-2026-000001"
    assert (folder / "001-in-1.eml.sha256").read_text().split()[0] == stored.sha256
    assert json.loads((folder / "record.json").read_text())["product_code"] == "BIG"
    (folder / "001-in-1.eml").write_bytes(b"changed")
    with pytest.raises(ChecksumMismatch):
        await dms.fetch(stored.dms_id)
    await dms.destroy(stored.dms_id)
    await dms.destroy(stored.dms_id)  # already gone: fine
    assert not folder.exists()


def test_summary_is_a_readable_pdf():
    pdf = text_pdf("Klantcontact KCC-1", "Regel één\n" + "lange regel " * 40 + "\n" * 70 + "eind")
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert b"/Count 2" in pdf  # wrapped over two pages
    assert "Regel één".encode("cp1252") in pdf
    start = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert pdf[start : start + 4] == b"xref"


async def test_zgw_small_and_large_documents_and_destroy():
    port = free_port()
    async with running_fake(port, part_size=1000) as fake:
        dms = ZgwDms(
            f"{fake.base_url}{PREFIX}",
            "pulse",
            fake.secret,
            "123456789",
            "http://catalogi.test/informatieobjecttypen/1",
            chunk_bytes=1500,
        )
        try:
            small = await dms.store(
                META, DmsDocument("samenvatting.pdf", "application/pdf", b"%PDF")
            )
            obj = next(iter(fake.objects.values()))
            assert obj["taal"] == "dut" and obj["bronorganisatie"] == "123456789"
            assert obj["formaat"] == "application/pdf" and obj["bestandsnaam"] == "samenvatting.pdf"
            assert obj["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
            assert obj["creatiedatum"] == "2026-11-28" and obj["auteur"]
            assert await dms.fetch(small.dms_id) == b"%PDF"

            big = bytes(range(256)) * 10  # 2560 bytes: three bestandsdelen of <= 1000
            large = await dms.store(
                META, DmsDocument("bijlage.bin", "application/octet-stream", big)
            )
            assert large.extra == {"parts": 3}
            assert sum("/bestandsdelen/" in c for c in fake.calls) == 3
            assert any(c.endswith("/unlock") for c in fake.calls)
            assert await dms.fetch(large.dms_id) == big

            # a retry after a lost answer finds the document instead of making another
            n = len(fake.objects)
            again = await dms.store(
                META, DmsDocument("samenvatting.pdf", "application/pdf", b"%PDF")
            )
            assert again.dms_id == small.dms_id and len(fake.objects) == n

            await dms.destroy(large.dms_id)
            await dms.destroy(large.dms_id)  # 404: already gone
            assert large.dms_id.rsplit("/", 1)[1] not in fake.objects

            fake.down = True
            with pytest.raises(DmsUnavailable):
                await dms.store(META, DmsDocument("x.txt", "text/plain", b"x"))
            fake.down = False
        finally:
            await dms.close()

        wrong = ZgwDms(f"{fake.base_url}{PREFIX}", "pulse", "not-the-secret", "1", "t")
        try:
            with pytest.raises(DmsRefused):
                await wrong.store(META, DmsDocument("x.txt", "text/plain", b"x"))
        finally:
            await wrong.close()


def test_zgw_token_is_hs256_with_client_id():
    token = zgw_jwt("pulse", "geheim", now=1_700_000_000)
    head, claims, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    assert json.loads(base64.urlsafe_b64decode(pad(head))) == {"alg": "HS256", "typ": "JWT"}
    body = json.loads(base64.urlsafe_b64decode(pad(claims)))
    assert body["client_id"] == body["iss"] == "pulse" and body["iat"] == 1_700_000_000
