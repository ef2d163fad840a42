"""Customers and the klantbeeld: pages, form posts (post / redirect / get) and JSON.

Customers are not tied to one product (the KCC is one front door), so every role
that reads contacts may see a customer's card; the contacts on it are filtered by
accreditation (services.customers.klantbeeld). Every read and change is audited.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel import select

from api.deps import ContactReader, ContactWorker, DbSession, SettingsDep, client_ip
from api.rendering import render
from db.models.contacts import Customer, Product
from db.models.customers import CustomerKind, IdentifierKind
from services import audit
from services.access import (
    NotAccessible,
    Viewer,
    get_contact_for_user,
)
from services.customers import service as cust
from services.customers.identifiers import InvalidIdentifier
from services.customers.klantbeeld import customer_view
from services.customers.registers import fetch_register_data

router = APIRouter(tags=["customers"])


async def _audit_read(session, viewer: Viewer, request: Request, action: str, object_id) -> None:
    await cust.record_read(session, viewer, action, "customer", object_id, client_ip(request))


async def _view_or_404(session, viewer: Viewer, customer_id: int, settings, page: int = 1):
    try:
        return await customer_view(session, viewer, customer_id, settings, page)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None


# --- pages -----------------------------------------------------------------------------


async def klantbeeld_page(
    request: Request,
    viewer: Viewer,
    session,
    settings,
    customer_id: int,
    status_code: int = 200,
    error: str | None = None,
    **extra,
):
    page = _page_number(request.query_params.get("page"))
    view = await _view_or_404(session, viewer, customer_id, settings, page)
    await _audit_read(session, viewer, request, "customer.view", customer_id)
    history = await cust.history(session, customer_id, limit=20)
    merges = await cust.merges_of(session, customer_id)
    done = request.query_params.get("done")
    return render(
        request,
        "customers/customer.html",
        viewer,
        status_code=status_code,
        v=view,
        history=history,
        merges=merges,
        error=error,
        done=done if done in DONE_KEYS else None,
        identifier_kinds=[k.value for k in IdentifierKind],
        kinds=[k.value for k in CustomerKind],
        **extra,
    )


DONE_KEYS = {"saved", "merged", "unmerged", "linked", "created"}


def _page_number(raw: str | None) -> int:
    """The timeline page asked for (1 when absent or not a positive number)."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


@router.get("/customers/new", include_in_schema=False)
async def new_customer_page(request: Request, viewer: ContactWorker):
    return render(
        request,
        "customers/new.html",
        viewer,
        identifier_kinds=[k.value for k in IdentifierKind],
        kinds=[k.value for k in CustomerKind],
        error=None,
    )


@router.post("/customers", include_in_schema=False)
async def create_customer_form(
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    display_name: Annotated[str, Form(min_length=1, max_length=300)],
    kind: Annotated[CustomerKind, Form()] = CustomerKind.person,
    email: Annotated[str, Form(max_length=320)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    identifier_kind: Annotated[str, Form(max_length=10)] = "",
    identifier: Annotated[str, Form(max_length=40)] = "",
):
    try:
        customer = await cust.create_customer(
            session,
            settings,
            viewer,
            client_ip(request),
            display_name=display_name,
            kind=kind,
            emails=[email] if email.strip() else [],
            phones=[phone] if phone.strip() else [],
            identifiers={identifier_kind: identifier} if identifier_kind and identifier else {},
        )
        await session.commit()
    except (cust.CustomerConflict, ValueError) as exc:
        await session.rollback()
        return render(
            request,
            "customers/new.html",
            viewer,
            status_code=409 if isinstance(exc, cust.CustomerConflict) else 422,
            error=str(exc),
            identifier_kinds=[k.value for k in IdentifierKind],
            kinds=[k.value for k in CustomerKind],
        )
    return RedirectResponse(f"/customers/{customer.id}?done=created", status_code=303)


@router.get("/customers/{customer_id}", include_in_schema=False)
async def show_customer(
    customer_id: int,
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    settings: SettingsDep,
):
    return await klantbeeld_page(request, viewer, session, settings, customer_id)


@router.get("/customers/{customer_id}/register/{product_code}", include_in_schema=False)
async def register_fragment(
    customer_id: int,
    product_code: str,
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    settings: SettingsDep,
):
    """The register adapter's data as an HTML fragment (loaded after the page)."""
    product = (await session.exec(select(Product).where(Product.code == product_code))).first()
    if product is None or not viewer.may_see_product(product.id):
        raise NotAccessible(product_code)
    try:
        card = await cust.load_card(session, customer_id)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    data = await fetch_register_data(settings, product.code, card.identifiers)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="customer.register_data",
        object_type="customer",
        object_id=customer_id,
        origin=client_ip(request),
        result="ok" if data.ok else "failed",
        detail={"product": product.code},
    )
    await session.commit()
    return render(request, "customers/_register.html", viewer, data=data, product=product)


@router.get("/customers/{customer_id}/duplicates", include_in_schema=False)
async def duplicates_page(
    customer_id: int, request: Request, viewer: ContactWorker, session: DbSession
):
    try:
        customer = await cust.get_customer(session, customer_id)
        found = await cust.possible_duplicates(session, customer_id)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    await _audit_read(session, viewer, request, "customer.duplicates", customer_id)
    return render(request, "customers/duplicates.html", viewer, customer=customer, found=found)


async def _change(request, viewer, session, settings, customer_id: int, change, done="saved"):
    """Run one change; answer a redirect, or the page with the refusal."""
    try:
        await cust.get_customer(session, customer_id)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    try:
        await change()
        await session.commit()
    except cust.CustomerNotFound:
        await session.rollback()
        raise NotAccessible(f"customer {customer_id}") from None
    except (cust.CustomerConflict, InvalidIdentifier, ValueError) as exc:
        await session.rollback()
        status = 409 if isinstance(exc, cust.CustomerConflict) else 422
        return await klantbeeld_page(
            request, viewer, session, settings, customer_id, status, str(exc)
        )
    return RedirectResponse(f"/customers/{customer_id}?done={done}", status_code=303)


@router.post("/customers/{customer_id}/edit", include_in_schema=False)
async def edit_customer(
    customer_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    display_name: Annotated[str, Form(min_length=1, max_length=300)],
    kind: Annotated[CustomerKind, Form()],
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.update_customer(
            session, viewer, origin, customer_id, display_name=display_name, kind=kind
        ),
    )


@router.post("/customers/{customer_id}/emails", include_in_schema=False)
async def add_email(
    customer_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    address: Annotated[str, Form(max_length=320)],
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.add_email(session, viewer, origin, customer_id, address),
    )


@router.post("/customers/{customer_id}/emails/{email_id}/delete", include_in_schema=False)
async def remove_email(
    customer_id: int,
    email_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.remove_email(session, viewer, origin, customer_id, email_id),
    )


@router.post("/customers/{customer_id}/phones", include_in_schema=False)
async def add_phone(
    customer_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    number: Annotated[str, Form(max_length=40)],
    label: Annotated[str, Form(max_length=50)] = "",
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.add_phone(session, viewer, origin, customer_id, number, label),
    )


@router.post("/customers/{customer_id}/phones/{phone_id}/delete", include_in_schema=False)
async def remove_phone(
    customer_id: int,
    phone_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.remove_phone(session, viewer, origin, customer_id, phone_id),
    )


@router.post("/customers/{customer_id}/identifiers", include_in_schema=False)
async def add_identifier(
    customer_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    kind: Annotated[IdentifierKind, Form()],
    value: Annotated[str, Form(max_length=40)],
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.add_identifier(session, settings, viewer, origin, customer_id, kind, value),
    )


@router.post("/customers/{customer_id}/identifiers/{identifier_id}/delete", include_in_schema=False)
async def remove_identifier(
    customer_id: int,
    identifier_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.remove_identifier(session, viewer, origin, customer_id, identifier_id),
    )


@router.post("/customers/{customer_id}/merge", include_in_schema=False)
async def merge_into(
    customer_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    other_id: Annotated[int, Form()],
):
    """Merge customer ``other_id`` into this one (this one survives)."""
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.merge_customers(session, viewer, origin, customer_id, other_id),
        "merged",
    )


@router.post("/customers/{customer_id}/merges/{merge_id}/undo", include_in_schema=False)
async def undo_merge(
    customer_id: int,
    merge_id: int,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
):
    origin = client_ip(request)
    return await _change(
        request,
        viewer,
        session,
        settings,
        customer_id,
        lambda: cust.undo_merge(session, viewer, origin, merge_id, customer_id),
        "unmerged",
    )


# --- linking a contact to a customer ----------------------------------------------------


@router.post("/contacts/{reference}/customer", include_in_schema=False)
async def link_contact_form(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    customer_id: Annotated[int, Form()],
):
    """Link the contact to a customer, or move a wrongly linked one (chosen by a person)."""
    contact = await get_contact_for_user(session, viewer, reference)
    try:
        await cust.link_contact(session, viewer, client_ip(request), contact, customer_id)
        await session.commit()
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    except cust.CustomerConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return RedirectResponse(f"/customers/{customer_id}?done=linked", status_code=303)


# --- JSON --------------------------------------------------------------------------------


class CustomerIn(BaseModel):
    display_name: str = Field(min_length=1, max_length=300)
    kind: CustomerKind = CustomerKind.person
    emails: list[str] = []
    phones: list[str] = []
    identifiers: dict[IdentifierKind, str] = {}


class LinkIn(BaseModel):
    customer_id: int


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
    return {"customer_ids": ids}


@router.get("/api/customers/{customer_id}")
async def api_customer(
    customer_id: int,
    request: Request,
    viewer: ContactReader,
    session: DbSession,
    settings: SettingsDep,
    page: Annotated[int, Query(ge=1, lt=100_000)] = 1,
):
    """The card, and one page of the contact history (open first, then newest)."""
    view = await _view_or_404(session, viewer, customer_id, settings, page)
    await _audit_read(session, viewer, request, "customer.view", customer_id)
    return _card_json(view)


@router.post("/api/customers", status_code=201)
async def api_create_customer(
    body: CustomerIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
):
    try:
        customer = await cust.create_customer(
            session,
            settings,
            viewer,
            client_ip(request),
            display_name=body.display_name,
            kind=body.kind,
            emails=body.emails,
            phones=body.phones,
            identifiers={k.value: v for k, v in body.identifiers.items()},
        )
        await session.commit()
    except cust.CustomerConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return {"id": customer.id}


@router.post("/api/contacts/{reference}/customer")
async def api_link_contact(
    reference: str, body: LinkIn, request: Request, viewer: ContactWorker, session: DbSession
):
    contact = await get_contact_for_user(session, viewer, reference)
    try:
        await cust.link_contact(session, viewer, client_ip(request), contact, body.customer_id)
        await session.commit()
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {body.customer_id}") from None
    except cust.CustomerConflict as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return {"reference": reference, "customer_id": body.customer_id}
