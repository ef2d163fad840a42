"""Customers and the klantbeeld: the pages (customer card with its history, a new
customer, the register fragment, possible duplicates).

Customers are not tied to one product (the KCC is one front door), so every role
that reads contacts may see a customer's card; the contacts on it are filtered by
accreditation (services.customers.klantbeeld). Every read and change is audited.
The form posts that change a customer are in edits.py, the JSON API in json_api.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from api.deps import ContactWorker, ReadContext, RequestContext, WorkContext
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Product
from db.models.customers import CustomerKind, IdentifierKind
from services.access import NotAccessible, visible_customer_ids
from services.customers import service as cust
from services.customers.edits import committed
from services.customers.klantbeeld import customer_view, register_data
from services.customers.merging import merges_of, possible_duplicates
from services.survey.views import customer_answers

router = APIRouter(tags=["customers"])

DONE_KEYS = {"saved", "merged", "unmerged", "linked", "created"}
IDENTIFIER_KINDS = [k.value for k in IdentifierKind]
CUSTOMER_KINDS = [k.value for k in CustomerKind]


async def audit_read(ctx: RequestContext, action: str, customer_id: IntId) -> None:
    await cust.record_read(ctx.session, ctx.viewer, action, "customer", customer_id, ctx.origin)


async def view_or_404(ctx: RequestContext, customer_id: IntId, page: IntId = 1):
    try:
        return await customer_view(ctx.session, ctx.viewer, customer_id, ctx.settings, page)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None


def _page_number(raw: str | None) -> int:
    """The timeline page asked for (1 when absent or not a positive number)."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


async def klantbeeld_page(
    ctx: RequestContext,
    customer_id: IntId,
    status_code: int = 200,
    error: str | None = None,
    **extra,
):
    request = ctx.request
    view = await view_or_404(ctx, customer_id, _page_number(request.query_params.get("page")))
    await audit_read(ctx, "customer.view", customer_id)
    done = request.query_params.get("done")
    return render(
        request,
        "customers/customer.html",
        ctx.viewer,
        status_code=status_code,
        v=view,
        history=await cust.history(ctx.session, customer_id, limit=20, viewer=ctx.viewer),
        merges=await merges_of(ctx.session, customer_id),
        survey_answers=await customer_answers(
            ctx.session, customer_id, ctx.viewer.product_ids or ()
        ),
        error=error,
        done=done if done in DONE_KEYS else None,
        identifier_kinds=IDENTIFIER_KINDS,
        kinds=CUSTOMER_KINDS,
        **extra,
    )


@router.get("/customers/new", include_in_schema=False)
async def new_customer_page(request: Request, viewer: ContactWorker):
    return render(
        request,
        "customers/new.html",
        viewer,
        identifier_kinds=IDENTIFIER_KINDS,
        kinds=CUSTOMER_KINDS,
        error=None,
    )


@router.post("/customers", include_in_schema=False)
async def create_customer_form(
    ctx: WorkContext,
    display_name: Annotated[str, Form(min_length=1, max_length=300)],
    kind: Annotated[CustomerKind, Form()] = CustomerKind.person,
    email: Annotated[str, Form(max_length=320)] = "",
    phone: Annotated[str, Form(max_length=40)] = "",
    identifier_kind: Annotated[str, Form(max_length=10)] = "",
    identifier: Annotated[str, Form(max_length=40)] = "",
):
    try:
        customer = await committed(
            ctx.session,
            cust.create_customer(
                ctx.session,
                ctx.settings,
                ctx.viewer,
                ctx.origin,
                display_name=display_name,
                kind=kind,
                emails=[email] if email.strip() else [],
                phones=[phone] if phone.strip() else [],
                identifiers={identifier_kind: identifier} if identifier_kind and identifier else {},
            ),
        )
    except (cust.CustomerConflict, ValueError) as exc:
        return render(
            ctx.request,
            "customers/new.html",
            ctx.viewer,
            status_code=409 if isinstance(exc, cust.CustomerConflict) else 422,
            error=str(exc),
            identifier_kinds=IDENTIFIER_KINDS,
            kinds=CUSTOMER_KINDS,
        )
    return RedirectResponse(f"/customers/{customer.id}?done=created", status_code=303)


@router.get("/customers/{customer_id}", include_in_schema=False)
async def show_customer(customer_id: IntId, ctx: ReadContext):
    return await klantbeeld_page(ctx, customer_id)


@router.get("/customers/{customer_id}/register/{product_code}", include_in_schema=False)
async def register_fragment(customer_id: IntId, product_code: str, ctx: ReadContext):
    """The register adapter's data as an HTML fragment (loaded after the page)."""
    session, viewer = ctx.session, ctx.viewer
    product = (await session.exec(select(Product).where(Product.code == product_code))).first()
    if product is None or not viewer.may_see_product(product.id):
        raise NotAccessible(product_code)
    try:
        data = await register_data(session, ctx.settings, viewer, customer_id, product, ctx.origin)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    return render(ctx.request, "customers/_register.html", viewer, data=data, product=product)


@router.get("/customers/{customer_id}/duplicates", include_in_schema=False)
async def duplicates_page(customer_id: IntId, ctx: WorkContext):
    try:
        customer = await cust.get_customer(ctx.session, customer_id)
        found = await possible_duplicates(ctx.session, customer_id)
    except cust.CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None
    # only duplicates the viewer may know of (need-to-know)
    visible = await visible_customer_ids(ctx.session, ctx.viewer, [d["id"] for d in found])
    found = [d for d in found if d["id"] in visible]
    await audit_read(ctx, "customer.duplicates", customer_id)
    return render(
        ctx.request, "customers/duplicates.html", ctx.viewer, customer=customer, found=found
    )
