"""The public web form over HTTP against real PostgreSQL and Temporal: a submission
opens a webform contact once (a double submit is the same contact), bad input is a
clear answer that keeps what was typed and stores nothing, refusals are counted, a
flood from one IP does not stop other visitors, no JavaScript means held for review."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import func, select

from db.models.contacts import Attachment, Contact, Message
from db.models.webform import WebformRefusal, WebformSubmission
from tests.api_support import client_for, login, running_app, seeded
from tests.webform_support import VALID_BIG, clean_webform_tables, fill, visitor

FAST = {"webform_altcha_cost": 50, "webform_limit_per_ip": 1000, "webform_limit_per_email": 1000}


@pytest.fixture
async def app(db, settings, temporal_env):
    await seeded(db)
    await clean_webform_tables(db)
    async with running_app(settings, db, temporal_env.client, **FAST) as app:
        yield app


async def count(db, model) -> int:
    async with db() as s:
        return (await s.exec(select(func.count()).select_from(model))).one()


async def test_the_form_opens_a_webform_contact_once(app, db):
    async with visitor(app) as client:
        page = await client.get("/formulier/big")
        assert page.status_code == 200 and "Contactformulier BIG-register" in page.text
        assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
        data = await fill(client, identifier=VALID_BIG, phone="06 12345678")
        first = await client.post("/formulier/big", data=data)
        assert first.status_code == 303, first.text
        again = await client.post("/formulier/big", data=data)  # a double submit
        assert again.headers["location"] == first.headers["location"]
        received = await client.get(first.headers["location"])
    assert received.status_code == 200
    async with db() as s:
        contact = (await s.exec(select(Contact))).one()
        message = (await s.exec(select(Message))).one()
    assert contact.channel == "webform" and contact.reference in received.text
    assert message.from_address == "jan.jansen@example.nl"
    assert f"BIG-nummer (opgegeven, niet gecontroleerd): {VALID_BIG}" in message.text_body
    assert "Telefoon: +31612345678" in message.text_body
    assert await count(db, WebformSubmission) == 1


async def test_english_form_and_its_confirmation(app, db):
    async with visitor(app) as client:
        page = await client.get("/form/big")
        assert '<html lang="en">' in page.text and "Contact form" in page.text
        response = await client.post("/form/big", data=await fill(client, "/form/big"))
        received = await client.get(response.headers["location"])
    assert "Your reference is" in received.text
    async with db() as s:
        assert (await s.exec(select(Contact.language))).one() == "en"


BAD_INPUT = [
    ({"name": "x" * 201}, "name", "Dit is te lang."),
    ({"email": "not-an-address"}, "email", "geldig e-mailadres"),
    ({"email": "a@" + "b" * 320 + ".nl"}, "email", "Dit is te lang."),
    ({"message": ""}, "message", "Vul dit veld in."),
    ({"message": "m" * 10_001}, "message", "Dit is te lang."),
    ({"identifier": "12345"}, "identifier", "niet het juiste aantal cijfers"),
    ({"identifier": "69012345601"}, "identifier", "Dit BIG-nummer bestaat niet"),
    ({"identifier": "111222333", "identifier_kind": "bsn"}, "identifier", "soort"),
    ({"role": "admin"}, "role", "Kies een van de mogelijkheden."),
    ({"reason": "999999"}, "reason", "Kies een van de mogelijkheden."),
    ({"privacy": None}, "privacy", "privacyverklaring"),
    ({"phone": "bel me"}, "phone", "geldig telefoonnummer"),
]


async def test_bad_input_is_listed_at_the_top_and_keeps_what_was_typed(app, db):
    async with visitor(app) as client:
        for fields, field, text in BAD_INPUT:
            data = await fill(client, **fields)
            page = await client.post("/formulier/big", data=data)
            assert page.status_code == 422, fields
            assert 'class="error-summary"' in page.text and text in page.text, fields
            assert f'href="#f-{field}' in page.text, fields
            assert 'aria-invalid="true"' in page.text
            if "name" not in fields:
                assert 'value="Jan Jansen"' in page.text  # what was typed stays
    assert await count(db, Contact) == 0 and await count(db, WebformSubmission) == 0


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_attachments_are_judged_by_their_content(app, db):
    exe = b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.exe", exe)
    async with visitor(app) as client:
        for name, content in (("brief.pdf", exe), ("scan.pdf", archive.getvalue())):
            data = await fill(client)
            page = await client.post(
                "/formulier/big",
                data=data,
                files={"attachments": (name, content, "application/pdf")},
            )
            assert page.status_code == 422 and "niet van een toegestane soort" in page.text
            assert "Kies uw bijlagen opnieuw" in page.text
        big = pdf_bytes() + b"0" * (5 * 1024 * 1024)
        data = await fill(client)
        page = await client.post(
            "/formulier/big",
            data=data,
            files={"attachments": ("groot.pdf", big, "application/pdf")},
        )
        assert page.status_code == 422 and "te groot" in page.text
        assert await count(db, Contact) == 0
        data = await fill(client)
        ok = await client.post(
            "/formulier/big",
            data=data,
            files={"attachments": ("Brief aan CIBG.PDF", pdf_bytes(), "application/octet-stream")},
        )
        assert ok.status_code == 303
    async with db() as s:
        attachment = (await s.exec(select(Attachment))).one()
    assert (
        attachment.content_type == "application/pdf" and attachment.filename == "Brief aan CIBG.PDF"
    )


async def test_a_100_mb_post_is_refused_before_it_is_read(app, db):
    async with visitor(app) as client:
        data = await fill(client)
        huge = b"%PDF-1.4\n" + b"0" * (100 * 1024 * 1024)
        page = await client.post(
            "/formulier/big",
            data=data,
            files={"attachments": ("groot.pdf", huge, "application/pdf")},
        )
    assert page.status_code == 413 and "te groot" in page.text
    assert "Er is niets van dit bericht bewaard" in page.text
    assert await count(db, Contact) == 0 and await count(db, WebformSubmission) == 0
    async with db() as s:
        assert (await s.exec(select(WebformRefusal.reason))).all() == ["too_large"]


async def test_honeypot_and_forged_proof_of_work_are_refused_and_counted(app, db):
    async with visitor(app) as client:
        trap = await client.post("/formulier/big", data=await fill(client, website="http://spam"))
        assert trap.status_code == 400 and "niet verstuurd" in trap.text
        other = await fill(client)
        forged = await fill(client, altcha=other["altcha"])  # solved for another submission
        bad = await client.post("/formulier/big", data=forged)
        assert bad.status_code == 403 and "controle tegen misbruik" in bad.text
        garbage = await client.post("/formulier/big", data=await fill(client, altcha="bm9wZQ=="))
        assert garbage.status_code == 403
    async with db() as s:
        reasons = sorted((await s.exec(select(WebformRefusal.reason))).all())
    assert reasons == ["altcha", "altcha", "honeypot"]
    assert await count(db, Contact) == 0


async def test_without_javascript_the_submission_is_held_for_review(app, db):
    async with visitor(app) as client:
        response = await client.post("/formulier/big", data=await fill(client, altcha=None))
        assert response.status_code == 303
        page = await client.get(response.headers["location"])
    assert "bekijkt uw bericht eerst" in page.text
    assert await count(db, Contact) == 0
    async with db() as s:
        held = (await s.exec(select(WebformSubmission))).one()
    assert held.status == "held" and held.held["email"] == "jan.jansen@example.nl"
    async with client_for(app) as trafficer:
        csrf = await login(trafficer, db, "trafficer")
        review = await trafficer.get("/webform/review")
        assert "jan.jansen@example.nl" in review.text
        opened = await trafficer.post(
            f"/webform/review/{held.id}", data={"csrf_token": csrf, "decision": "open"}
        )
        assert opened.status_code == 303
    async with db() as s:
        contact = (await s.exec(select(Contact))).one()
        row = await s.get(WebformSubmission, held.id)
    assert contact.channel == "webform" and row.status == "opened" and row.held == {}
    async with visitor(app) as client:  # the person's confirmation link now shows it
        page = await client.get(response.headers["location"])
    assert contact.reference in page.text


async def test_a_flood_from_one_ip_is_refused_and_others_still_get_through(
    db, settings, temporal_env
):
    await seeded(db)
    await clean_webform_tables(db)
    limits = {**FAST, "webform_limit_per_ip": 3}
    async with running_app(settings, db, temporal_env.client, **limits) as app:
        async with visitor(app, "198.51.100.7") as flood:
            statuses = []
            for i in range(8):
                data = await fill(flood, email=f"bot{i}@example.nl")
                statuses.append((await flood.post("/formulier/big", data=data)).status_code)
            refused = await flood.post("/formulier/big", data=await fill(flood))
        assert statuses[:3] == [303, 303, 303] and set(statuses[3:]) == {429}
        assert "te veel berichten vanaf uw netwerk" in refused.text
        async with visitor(app, "203.0.113.20") as person:
            ok = await person.post("/formulier/big", data=await fill(person))
        assert ok.status_code == 303
    assert await count(db, Contact) == 4
    async with db() as s:
        reasons = (await s.exec(select(WebformRefusal.reason))).all()
    assert reasons == ["rate_ip"] * 6


async def test_limit_per_email_address(db, settings, temporal_env):
    await seeded(db)
    await clean_webform_tables(db)
    async with running_app(
        settings, db, temporal_env.client, **{**FAST, "webform_limit_per_email": 2}
    ) as app:
        codes = []
        for i in range(3):
            async with visitor(app, f"192.0.2.{i + 1}") as client:
                codes.append(
                    (await client.post("/formulier/big", data=await fill(client))).status_code
                )
    assert codes == [303, 303, 429]


async def test_unknown_product_is_a_clear_404(app):
    async with visitor(app) as client:
        page = await client.get("/formulier/bestaatniet")
    assert page.status_code == 404 and "niet beschikbaar" in page.text
