"""Helpers for the API tests: an app with its lifespan running, logins, contacts."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlmodel import select

from api.deps import LOGIN_CSRF_COOKIE
from api.main import create_app
from config.settings import Settings
from db.models.contacts import (
    Attachment,
    Blob,
    Channel,
    Contact,
    ContactReason,
    ContactStatus,
    Direction,
    Message,
    Product,
    SendStatus,
    Task,
    TaskStatus,
    User,
    utcnow,
)
from db.session import session_scope
from devstack.demo.seed import DEMO_PASSWORD, seed_demo
from services.security import totp_now

BASE_URL = "http://testserver"
JSON = {"Accept": "application/json"}


@asynccontextmanager
async def running_app(
    settings: Settings, sessionmaker, temporal_client=None, **overrides
) -> AsyncIterator[tuple]:
    """The app with its lifespan started (httpx's ASGITransport does not run it)."""
    app = create_app(
        settings.model_copy(update=overrides),
        temporal_client=temporal_client,
        sessionmaker=sessionmaker,
    )
    async with app.router.lifespan_context(app):
        yield app


def client_for(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)


async def login_csrf(client: httpx.AsyncClient) -> str:
    await client.get("/login")
    return client.cookies.get(LOGIN_CSRF_COOKIE)


async def post_password(client: httpx.AsyncClient, username: str, password: str):
    csrf = await login_csrf(client)
    return await client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf}
    )


async def login(client: httpx.AsyncClient, sessionmaker, username: str) -> str:
    """Log in with password and TOTP; returns the session's CSRF token."""
    response = await post_password(client, username, DEMO_PASSWORD)
    assert response.status_code == 303, response.text
    if response.headers["location"] == "/login/totp":
        secret = await totp_secret(sessionmaker, username)
        csrf = await page_csrf(client, "/login/totp")
        response = await client.post(
            "/login/totp", data={"code": totp_now(secret), "csrf_token": csrf}
        )
        assert response.status_code == 303, response.text
    me = await client.get("/api/auth/me")
    assert me.status_code == 200, me.text
    return me.json()["csrf_token"]


async def page_csrf(client: httpx.AsyncClient, path: str) -> str:
    html = (await client.get(path)).text
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


async def totp_secret(sessionmaker, username: str) -> str:
    async with sessionmaker() as session:
        user = (await session.exec(select(User).where(User.username == username))).one()
        return user.totp_secret


async def user_id(sessionmaker, username: str) -> int:
    async with sessionmaker() as session:
        return (await session.exec(select(User.id).where(User.username == username))).one()


@dataclass
class SampleContact:
    reference: str
    contact_id: int
    product_id: int
    message_id: int
    attachment_id: int
    reason_id: int


async def make_contact(
    sessionmaker,
    product_code: str,
    number: int,
    *,
    unreadable: bool = False,
    due_in_hours: int = 40,
) -> SampleContact:
    """A contact as intake would leave it: contact, task, inbound message, raw, attachment."""
    # Year 1999: never collides with references intake draws from the sequence,
    # whose workflows may still exist on the shared test server.
    reference = f"KCC-1999-{number:06d}"
    raw = f"From: burger{number}@example.test\r\nSubject: Vraag {number}\r\n\r\nHallo".encode()
    raw_sha = hashlib.sha256(raw).hexdigest()
    file_data = f"bijlage {number}".encode()
    file_sha = hashlib.sha256(file_data).hexdigest()
    async with session_scope(sessionmaker) as session:
        product = (await session.exec(select(Product).where(Product.code == product_code))).one()
        reason = (
            await session.exec(select(ContactReason).where(ContactReason.product_id == product.id))
        ).first()
        contact = Contact(
            reference=reference,
            channel=Channel.email,
            status=ContactStatus.new,
            subject=f"Vraag {number}",
            product_id=product.id,
            unreadable=unreadable,
            due_at=utcnow() + timedelta(hours=due_in_hours),
        )
        session.add(contact)
        for sha, data in ((raw_sha, raw), (file_sha, file_data)):
            if await session.get(Blob, sha) is None:
                session.add(Blob(sha256=sha, size=len(data), data=data))
        await session.flush()
        message = Message(
            contact_id=contact.id,
            direction=Direction.inbound,
            send_status=SendStatus.received,
            from_address=f"burger{number}@example.test",
            subject=f"Vraag {number}",
            text_body="Hallo, ik heb een vraag.",
            html_sanitized="<p>Hallo</p>",
            raw_sha256=raw_sha,
            mailbox=product.mailbox,
            dedupe_key=f"k{number}",
        )
        session.add(message)
        await session.flush()
        attachment = Attachment(
            message_id=message.id,
            filename="brief.pdf",
            content_type="application/pdf",
            size=len(file_data),
            sha256=file_sha,
        )
        session.add(attachment)
        session.add(
            Task(
                contact_id=contact.id,
                product_id=product.id,
                status=TaskStatus.open,
                contact_status=ContactStatus.new,
                reference=reference,
                title=f"Vraag {number}",
                customer_label=f"burger{number}@example.test",
                unreadable=unreadable,
                due_at=contact.due_at,
            )
        )
        await session.flush()
        return SampleContact(
            reference, contact.id, product.id, message.id, attachment.id, reason.id
        )


async def seeded(sessionmaker) -> None:
    await seed_demo(sessionmaker)


def detail_text(response: httpx.Response) -> str:
    """The refusal sentence(s) of an error answer: a 422 carries a list of errors (FastAPI's
    shape), other statuses a string."""
    detail = response.json()["detail"]
    if isinstance(detail, list):
        return " ".join(item["msg"] for item in detail)
    return detail
