"""The JSON intake of form builders (Open Formulieren's "Generic JSON" shape) and the
admins' form settings: a source's token maps values to a product's fields; a repeat
is the same contact; bad bodies are clear 4xx answers that store nothing."""

from __future__ import annotations

import base64
import json

import pytest
from sqlmodel import func, select

from db.models.contacts import Attachment, Contact, Message, Product
from db.models.webform import WebformConfig, WebformRefusal
from services.webform.sources import add_source
from tests.api_support import client_for, login, running_app, seeded
from tests.webform_support import clean_webform_tables, visitor

MAPPING = {
    "fields": {
        "name": "naam",
        "email": "contact.email",
        "message": "vraag",
        "role": "rol",
        "attachments": "bijlage",
    },
    "submission_key": "metadata.public_reference",
}


def registration(reference: str = "OF-2026-0001", **values) -> dict:
    body = {
        "values": {
            "naam": "Petra de Vries",
            "contact": {"email": "petra@example.nl"},
            "vraag": "Mijn UZI-pas is kwijt.",
            "rol": "professional",
            "bijlage": {
                "file_name": "aangifte.pdf",
                "content": base64.b64encode(b"%PDF-1.7\n%%EOF\n").decode(),
            },
            **values,
        },
        "values_schema": {"$schema": "https://json-schema.org/draft/2020-12/schema"},
        "metadata": {"public_reference": reference},
        "metadata_schema": {"type": "object"},
    }
    return body


@pytest.fixture
async def intake(db, settings, temporal_env):
    await seeded(db)
    await clean_webform_tables(db)
    async with db() as s:
        uzi = (await s.exec(select(Product).where(Product.code == "UZI"))).one()
        _, token = await add_source(s, "open-formulieren-uzi", uzi.id, MAPPING)
    async with running_app(settings, db, temporal_env.client) as app:
        yield app, token


async def test_a_registration_opens_a_contact_once(intake, db):
    app, token = intake
    auth = {"Authorization": f"Bearer {token}"}
    async with visitor(app, "10.1.2.3") as client:
        first = await client.post("/api/public/intake", json=registration(), headers=auth)
        assert first.status_code == 201, first.text
        # Open Formulieren may send the object JSON-encoded twice: same submission
        again = await client.post(
            "/api/public/intake", content=json.dumps(json.dumps(registration())), headers=auth
        )
        assert again.status_code == 200 and again.json() == first.json()
    async with db() as s:
        contact = (await s.exec(select(Contact))).one()
        message = (await s.exec(select(Message))).one()
        attachment = (await s.exec(select(Attachment))).one()
    assert first.json() == {"reference": contact.reference, "status": "opened"}
    assert contact.channel == "webform" and message.from_address == "petra@example.nl"
    assert "Mijn UZI-pas is kwijt." in message.text_body
    assert attachment.content_type == "application/pdf"


async def test_bad_registrations_are_refused_and_nothing_is_stored(intake, db):
    app, token = intake
    auth = {"Authorization": f"Bearer {token}"}
    async with visitor(app) as client:
        wrong = await client.post(
            "/api/public/intake", json=registration(), headers={"Authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401 and wrong.json()["code"] == "token"
        cases = [
            (b"not json", 422),
            (json.dumps({"values": []}).encode(), 422),
            (json.dumps(registration(naam={"x": 1})).encode(), 422),
            (json.dumps(registration(vraag="v" * 20_000)).encode(), 422),
            (
                json.dumps(registration(bijlage={"file_name": "x.pdf", "content": "!!"})).encode(),
                422,
            ),
        ]
        exe = base64.b64encode(b"MZ\x90\x00" + b"\x00" * 64).decode()
        cases.append(
            (json.dumps(registration(bijlage={"file_name": "a.pdf", "content": exe})).encode(), 422)
        )
        for body, status in cases:
            response = await client.post(
                "/api/public/intake",
                content=body,
                headers={**auth, "Content-Type": "application/json"},
            )
            assert response.status_code == status, (body[:60], response.text)
    async with db() as s:
        assert (await s.exec(select(func.count()).select_from(Contact))).one() == 0
        reasons = (await s.exec(select(WebformRefusal.reason))).all()
    assert reasons.count("token") == 1 and reasons.count("invalid") >= 3


async def test_admin_sets_the_form_per_product(db, settings, temporal_env):
    await seeded(db)
    async with running_app(settings, db, temporal_env.client) as app, client_for(app) as admin:
        csrf = await login(admin, db, "admin")
        async with db() as s:
            big = (await s.exec(select(Product).where(Product.code == "BIG"))).one()
        page = await admin.get(f"/admin/webform?product={big.id}")
        assert page.status_code == 200 and "/formulier/big" in page.text
        saved = await admin.post(
            f"/admin/webform/{big.id}",
            data={
                "csrf_token": csrf,
                "enabled": "1",
                "field_phone": "required",
                "field_role": "off",
                "field_identifier": "off",
                "field_attachments": "off",
                "attachment_types": ["pdf"],
                "attachment_max_mb": "2",
                "attachment_max_count": "1",
                "privacy_url": "https://www.cibg.nl/privacy",
            },
        )
        assert saved.status_code == 303
        bad = await admin.post(
            f"/admin/webform/{big.id}",
            data={
                "csrf_token": csrf,
                "attachment_types": ["exe"],
                "attachment_max_mb": "2",
                "attachment_max_count": "1",
            },
        )
        assert bad.status_code == 422 and "Onbekende soort bijlage" in bad.text
        async with visitor(app) as client:
            form = await client.get("/formulier/big")
        assert 'id="f-phone"' in form.text and 'id="f-role-citizen"' not in form.text
        assert 'id="f-attachments"' not in form.text and "https://www.cibg.nl/privacy" in form.text
    async with db() as s:
        row = await s.get(WebformConfig, big.id)
    assert row.fields["phone"] == "required" and row.attachment_max_bytes == 2 * 1024 * 1024
