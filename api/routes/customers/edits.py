"""Changing a customer from the klantbeeld (post / redirect / get): name and kind,
addresses, numbers, identifiers, merge and undo, and linking a contact. Each change
is one transaction (services/customers/edits.py); a refusal shows the page again."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse

from api.deps import RequestContext, WorkContext
from api.routes.customers.klantbeeld import klantbeeld_page
from api.validation import IntId
from db.models.customers import CustomerKind, IdentifierKind
from services.access import NotAccessible, get_contact_for_user, require_customer
from services.customers import merging
from services.customers import service as cust
from services.customers.edits import committed
from services.customers.identifiers import InvalidIdentifier

router = APIRouter(tags=["customers"])


async def _change(ctx: RequestContext, customer_id: IntId, change: Awaitable[Any], done="saved"):
    """Run one change; answer a redirect, or the page with the refusal."""
    try:
        await cust.get_customer(ctx.session, customer_id)
    except cust.CustomerNotFound:
        change.close()  # never started: no "was never awaited" warning
        raise NotAccessible(f"customer {customer_id}") from None
    try:
        await committed(ctx.session, change)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    except (cust.CustomerConflict, InvalidIdentifier, ValueError) as exc:
        status = 409 if isinstance(exc, cust.CustomerConflict) else 422
        return await klantbeeld_page(ctx, customer_id, status, str(exc))
    return RedirectResponse(f"/customers/{customer_id}?done={done}", status_code=303)


@router.post("/customers/{customer_id}/edit", include_in_schema=False)
async def edit_customer(
    customer_id: IntId,
    ctx: WorkContext,
    display_name: Annotated[str, Form(min_length=1, max_length=300)],
    kind: Annotated[CustomerKind, Form()],
):
    change = cust.update_customer(
        ctx.session, ctx.viewer, ctx.origin, customer_id, display_name=display_name, kind=kind
    )
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/emails", include_in_schema=False)
async def add_email(
    customer_id: IntId, ctx: WorkContext, address: Annotated[str, Form(max_length=320)]
):
    change = cust.add_email(ctx.session, ctx.viewer, ctx.origin, customer_id, address)
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/emails/{email_id}/delete", include_in_schema=False)
async def remove_email(customer_id: IntId, email_id: IntId, ctx: WorkContext):
    change = cust.remove_email(ctx.session, ctx.viewer, ctx.origin, customer_id, email_id)
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/phones", include_in_schema=False)
async def add_phone(
    customer_id: IntId,
    ctx: WorkContext,
    number: Annotated[str, Form(max_length=40)],
    label: Annotated[str, Form(max_length=50)] = "",
):
    change = cust.add_phone(ctx.session, ctx.viewer, ctx.origin, customer_id, number, label)
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/phones/{phone_id}/delete", include_in_schema=False)
async def remove_phone(customer_id: IntId, phone_id: IntId, ctx: WorkContext):
    change = cust.remove_phone(ctx.session, ctx.viewer, ctx.origin, customer_id, phone_id)
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/identifiers", include_in_schema=False)
async def add_identifier(
    customer_id: IntId,
    ctx: WorkContext,
    kind: Annotated[IdentifierKind, Form()],
    value: Annotated[str, Form(max_length=40)],
):
    change = cust.add_identifier(
        ctx.session, ctx.settings, ctx.viewer, ctx.origin, customer_id, kind, value
    )
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/identifiers/{identifier_id}/delete", include_in_schema=False)
async def remove_identifier(customer_id: IntId, identifier_id: IntId, ctx: WorkContext):
    change = cust.remove_identifier(ctx.session, ctx.viewer, ctx.origin, customer_id, identifier_id)
    return await _change(ctx, customer_id, change)


@router.post("/customers/{customer_id}/merge", include_in_schema=False)
async def merge_into(customer_id: IntId, ctx: WorkContext, other_id: Annotated[IntId, Form()]):
    """Merge customer ``other_id`` into this one (this one survives)."""
    await require_customer(ctx.session, ctx.viewer, other_id)
    change = merging.merge_customers(ctx.session, ctx.viewer, ctx.origin, customer_id, other_id)
    return await _change(ctx, customer_id, change, "merged")


@router.post("/customers/{customer_id}/merges/{merge_id}/undo", include_in_schema=False)
async def undo_merge(customer_id: IntId, merge_id: IntId, ctx: WorkContext):
    change = merging.undo_merge(ctx.session, ctx.viewer, ctx.origin, merge_id, customer_id)
    return await _change(ctx, customer_id, change, "unmerged")


async def link_contact(ctx: RequestContext, reference: str, customer_id: IntId) -> None:
    """Link the contact to a customer, or move a wrongly linked one (chosen by a person)."""
    contact = await get_contact_for_user(ctx.session, ctx.viewer, reference)
    # linking would make the customer visible: only to a customer the viewer knows already
    await require_customer(ctx.session, ctx.viewer, customer_id)
    change = cust.link_contact(ctx.session, ctx.viewer, ctx.origin, contact, customer_id)
    try:
        await committed(ctx.session, change)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    except cust.CustomerConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None


@router.post("/contacts/{reference}/customer", include_in_schema=False)
async def link_contact_form(
    reference: str, ctx: WorkContext, customer_id: Annotated[IntId, Form()]
):
    """Link the contact to a customer, or move a wrongly linked one (chosen by a person)."""
    await link_contact(ctx, reference, customer_id)
    return RedirectResponse(f"/customers/{customer_id}?done=linked", status_code=303)
