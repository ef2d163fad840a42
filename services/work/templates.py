"""Reply templates per product and language, the values they are filled with for a
contact, and the agent's own signature."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, Product
from db.models.work import ReplyTemplate, UserSignature
from services.access import Viewer
from services.contacts.replies import customer_address


@dataclass(frozen=True)
class TemplateFill:
    """A template's text, the values for its {variables}, and the signature below it."""

    body: str
    values: dict[str, str]
    signature: str


async def templates_for(session: AsyncSession, contact: Contact) -> list[ReplyTemplate]:
    """Active templates of the contact's product, in the contact's language first."""
    rows = await session.exec(
        select(ReplyTemplate)
        .where(ReplyTemplate.product_id == contact.product_id, ReplyTemplate.active)
        .order_by((ReplyTemplate.language == contact.language).desc(), ReplyTemplate.title)
    )
    return list(rows.all())


async def _template(session: AsyncSession, contact: Contact, template_id: int | None):
    if template_id is None:
        raise HTTPException(422, "Choose a template (template_id).")
    template = await session.get(ReplyTemplate, template_id)
    if template is None or template.product_id != contact.product_id or not template.active:
        raise HTTPException(404, "No such template for this contact.")
    return template


async def _customer_name(session: AsyncSession, contact: Contact) -> str:
    """The name on the customer's last message, when a reply could reach them."""
    address = await customer_address(session, contact)
    last_in = address.last_inbound if address.to is not None else None
    return (last_in.from_name if last_in else None) or ""


async def signature_of(session: AsyncSession, viewer: Viewer) -> str:
    own = await session.get(UserSignature, viewer.id)
    return own.body if own else ""


async def template_fill(
    session: AsyncSession, viewer: Viewer, contact: Contact, template_id: int | None
) -> TemplateFill:
    """What the reply editor fills in: the agent's signature above the product's."""
    template = await _template(session, contact, template_id)
    product = await session.get(Product, contact.product_id)
    values = {
        "reference": contact.reference,
        "subject": contact.subject,
        "customer_name": await _customer_name(session, contact),
        "agent_name": viewer.full_name,
        "product_name": product.name if product else "",
    }
    own = await signature_of(session, viewer)
    signature = "\n\n".join(part for part in (own, product.signature) if part)
    return TemplateFill(template.body, values, signature)


async def set_signature(session: AsyncSession, viewer: Viewer, body: str) -> str:
    own = await session.get(UserSignature, viewer.id) or UserSignature(user_id=viewer.id)
    own.body = body.strip()
    session.add(own)
    await session.commit()
    return own.body
