"""Dev tools (settings.dev_tools only; 404 otherwise): play the customer and see
what PULSE sent, without a real mail client.

The IMAP APPEND and the sandbox outbox come from colleagues' modules, imported
when used so the API runs even where they are absent.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from sqlmodel import select

from adapters.mail.outbox import read_outbox
from api.deps import ContactReader, DbSession, SettingsDep, dev_tools_enabled
from api.rendering import render
from api.validation import IntId
from config.settings import Settings
from db.models.contacts import Product

log = logging.getLogger(__name__)

router = APIRouter(
    prefix="/dev",
    tags=["dev"],
    include_in_schema=False,
    dependencies=[Depends(dev_tools_enabled)],
)


def build_customer_email(
    product: Product,
    from_address: str,
    subject: str,
    body: str,
    attachment: tuple[str, str, bytes] | None,
) -> bytes:
    """An RFC 5322 message as a customer's mail program would send it."""
    message = EmailMessage()
    message["From"] = from_address
    message["To"] = product.reply_from
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=from_address.rpartition("@")[2] or "customer.test")
    message.set_content(body)
    if attachment is not None:
        filename, content_type, data = attachment
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=filename,
        )
    return message.as_bytes()


async def append_to_mailbox(settings: Settings, mailbox: str, raw: bytes) -> None:
    from adapters.mail.imap_admin import append_message  # lazy: a colleague's module

    await append_message(
        settings.imap_host,
        settings.imap_port,
        settings.imap_user,
        settings.imap_password.get_secret_value(),
        mailbox,
        raw,
    )


async def _all_products(session) -> list[Product]:
    return list((await session.exec(select(Product).order_by(Product.code))).all())


@router.get("/send")
async def send_form(request: Request, viewer: ContactReader, session: DbSession):
    products = await _all_products(session)
    return render(request, "dev/send.html", viewer, products=products, result=None, error=None)


@router.post("/send")
async def send_submit(
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    settings: SettingsDep,
    product_id: Annotated[IntId, Form()],
    from_address: Annotated[str, Form(max_length=320)],
    subject: Annotated[str, Form(max_length=998)] = "",
    body: Annotated[str, Form()] = "",
    attachment: Annotated[UploadFile | None, File()] = None,
):
    product = await session.get(Product, product_id)
    if product is None:
        raise HTTPException(422, "Unknown product.")
    upload = None
    if attachment is not None and attachment.filename:
        data = await attachment.read(settings.attachment_max_bytes + 1)
        upload = (attachment.filename, attachment.content_type or "application/octet-stream", data)
    raw = build_customer_email(product, from_address, subject, body, upload)
    error = None
    try:
        await append_to_mailbox(settings, product.mailbox, raw)
    except ImportError:
        error = "adapters.mail.imap_admin.append_message is not available yet."
    except Exception as exc:  # shown to the developer: this is a dev-only page
        log.warning("IMAP APPEND failed: %s", exc)
        error = f"IMAP APPEND failed: {exc}"
    products = await _all_products(session)
    return render(
        request,
        "dev/send.html",
        viewer,
        status_code=502 if error else 200,
        products=products,
        result=None if error else product.mailbox,
        error=error,
    )


@router.get("/outbox")
async def outbox(request: Request, viewer: ContactReader, settings: SettingsDep):
    mails = read_outbox(settings.data_dir / "mail")
    return render(request, "dev/outbox.html", viewer, mails=mails, error=None)
