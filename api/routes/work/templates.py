"""Reply templates per product and language, filled for a contact, and
the agent's own signature."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.deps import ContactWorker, DbSession
from api.validation import IntId
from rules.templates import fill
from services.access import get_contact_for_user
from services.work import templates

router = APIRouter(tags=["work"])


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
    rows = await templates.templates_for(session, contact)
    return [TemplateOut.model_validate(t, from_attributes=True) for t in rows]


@router.get("/api/contacts/{reference}/templates/fill", response_model=FilledTemplate)
async def fill_template(
    reference: str,
    viewer: ContactWorker,
    session: DbSession,
    template_id: Annotated[IntId | None, Query()] = None,
):
    """The template with its variables filled for this contact, and the agent's
    signature above the product's."""
    contact = await get_contact_for_user(session, viewer, reference)
    parts = await templates.template_fill(session, viewer, contact, template_id)
    return FilledTemplate(text=fill(parts.body, parts.values) + "\n\n" + parts.signature)


class SignatureIn(BaseModel):
    body: str = Field(max_length=2000)


@router.get("/api/work/signature", response_model=SignatureIn)
async def get_signature(viewer: ContactWorker, session: DbSession):
    return SignatureIn(body=await templates.signature_of(session, viewer))


@router.put("/api/work/signature", response_model=SignatureIn)
async def put_signature(body: SignatureIn, viewer: ContactWorker, session: DbSession):
    return SignatureIn(body=await templates.set_signature(session, viewer, body.body))
