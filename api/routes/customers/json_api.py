"""The customers' JSON API: match a caller or an address, the card with one page of
history, create a customer, link a contact to one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.deps import ContactReader, DbSession, ReadContext, WorkContext
from api.routes.customers.edits import link_contact
from api.routes.customers.klantbeeld import audit_read, view_or_404
from api.validation import IntId
from db.models.contacts import Customer
from db.models.customers import CustomerKind, IdentifierKind
from services.access import visible_customer_ids
from services.customers import service as cust
from services.customers.edits import committed

router = APIRouter(tags=["customers"])


class CustomerIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=300)
    kind: CustomerKind = CustomerKind.person
    emails: list[str] = []
    phones: list[str] = []
    identifiers: dict[IdentifierKind, str] = {}


class LinkIn(BaseModel):
    customer_id: IntId


def _card_json(view) -> dict:
    card = view.card
    c: Customer = card.customer
    return {
        "id": c.id,
        "display_name": c.display_name,
        "kind": c.kind,
        "merged_into_id": c.merged_into_id,
        "emails": [e.address for e in card.emails],
        "phones": [p.number for p in card.phones],
        "identifiers": [{"kind": i.kind, "shown": i.masked} for i in card.identifiers],
        "timeline": [
            {
                "reference": t.reference,
                "channel": t.channel,
                "status": t.status,
                "product": t.product_code,
                "subject": t.subject,
                "created_at": t.created_at,
            }
            for t in view.timeline
        ],
        "timeline_page": view.timeline_page,
        "timeline_pages": view.timeline_pages,
        "timeline_total": view.timeline_total,
        "other_products_contacts": view.other_products_count,
        "last_csat": view.last_csat[0] if view.last_csat else None,
        "register_links": [{"product": r.product_code, "url": r.url} for r in view.register_links],
    }


@router.get("/api/customers/match")
async def api_match(viewer: ContactReader, session: DbSession, phone: str = "", email: str = ""):
    """Customer ids for a caller's number or an address (several: the agent chooses)."""
    ids = await cust.match_customers_by_phone(session, phone) if phone else []
    if email:
        found = await cust.match_customer_by_email(session, email)
        ids += [found] if found and found not in ids else []
    visible = await visible_customer_ids(session, viewer, ids)
    return {"customer_ids": [i for i in ids if i in visible]}


@router.get("/api/customers/{customer_id}")
async def api_customer(
    customer_id: IntId,
    ctx: ReadContext,
    page: Annotated[int, Query(ge=1, lt=100_000)] = 1,
):
    """The card, and one page of the contact history (open first, then newest)."""
    view = await view_or_404(ctx, customer_id, page)
    await audit_read(ctx, "customer.view", customer_id)
    return _card_json(view)


@router.post("/api/customers", status_code=201)
async def api_create_customer(body: CustomerIn, ctx: WorkContext):
    change = cust.create_customer(
        ctx.session,
        ctx.settings,
        ctx.viewer,
        ctx.origin,
        display_name=body.display_name,
        kind=body.kind,
        emails=body.emails,
        phones=body.phones,
        identifiers={k.value: v for k, v in body.identifiers.items()},
    )
    try:
        customer = await committed(ctx.session, change)
    except cust.CustomerConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return {"id": customer.id}


@router.post("/api/contacts/{reference}/customer")
async def api_link_contact(reference: str, body: LinkIn, ctx: WorkContext):
    await link_contact(ctx, reference, body.customer_id)
    return {"reference": reference, "customer_id": body.customer_id}
