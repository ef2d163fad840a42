"""Work area: reply templates per product and language, filled for a contact, and
the agent's own signature."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field
from sqlmodel import select

from api.deps import ContactWorker, DbSession
from api.routes.contacts import ops
from db.models.contacts import Product
from db.models.work import ReplyTemplate, UserSignature
from services.access import get_contact_for_user

router = APIRouter(tags=["work"])


# --- reply templates and signatures ----------------------------------------------------


class TemplateOut(BaseModel):
    id: int
    code: str
    title: str
    language: str


class FilledTemplate(BaseModel):
    text: str


@router.get("/api/contacts/{reference}/templates", response_model=list[TemplateOut])
async def contact_templates(reference: str, viewer: ContactWorker, session: DbSession):
    """Reply templates of the contact's product, in the contact's language first."""
    contact = await get_contact_for_user(session, viewer, reference)
    rows = await session.exec(
        select(ReplyTemplate)
        .where(ReplyTemplate.product_id == contact.product_id, ReplyTemplate.active)
        .order_by((ReplyTemplate.language == contact.language).desc(), ReplyTemplate.title)
    )
    return [TemplateOut.model_validate(t, from_attributes=True) for t in rows.all()]


@router.get("/api/contacts/{reference}/templates/fill", response_model=FilledTemplate)
async def fill_template(
    reference: str,
    viewer: ContactWorker,
    session: DbSession,
    template_id: Annotated[int | None, Query(ge=1)] = None,
):
    """The template with its variables filled for this contact, and the agent's
    signature above the product's."""
    from activities.work import fill

    contact = await get_contact_for_user(session, viewer, reference)
    if template_id is None:
        raise HTTPException(422, "Choose a template (template_id).")
    template = await session.get(ReplyTemplate, template_id)
    if template is None or template.product_id != contact.product_id or not template.active:
        raise HTTPException(404, "No such template for this contact.")
    product = await session.get(Product, contact.product_id)
    try:
        customer_name = (await ops.customer_address(session, contact))[1]
    except HTTPException:  # no address known: the name stays empty
        customer_name = None
    own = await session.get(UserSignature, viewer.id)
    values = {
        "reference": contact.reference,
        "subject": contact.subject,
        "customer_name": (customer_name.from_name if customer_name else None) or "",
        "agent_name": viewer.full_name,
        "product_name": product.name if product else "",
    }
    signature = "\n\n".join(part for part in ((own.body if own else ""), product.signature) if part)
    return FilledTemplate(text=fill(template.body, values) + "\n\n" + signature)


class SignatureIn(BaseModel):
    body: str = Field(max_length=2000)


@router.get("/api/work/signature", response_model=SignatureIn)
async def get_signature(viewer: ContactWorker, session: DbSession):
    own = await session.get(UserSignature, viewer.id)
    return SignatureIn(body=own.body if own else "")


@router.put("/api/work/signature", response_model=SignatureIn)
async def put_signature(body: SignatureIn, viewer: ContactWorker, session: DbSession):
    own = await session.get(UserSignature, viewer.id) or UserSignature(user_id=viewer.id)
    own.body = body.body.strip()
    session.add(own)
    await session.commit()
    return SignatureIn(body=own.body)
