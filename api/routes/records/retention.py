"""Retention classes per product x contact type, for admins and records managers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from api.deps import DbSession, RetentionAdmin, client_ip
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Channel, Product
from db.models.records import Disposal, RetentionClassCreate, RetentionClassPublic
from services.records import retention

router = APIRouter(tags=["records"])


@router.get("/api/records/retention-classes", response_model=list[RetentionClassPublic])
async def api_retention_classes(viewer: RetentionAdmin, session: DbSession):
    return [RetentionClassPublic.model_validate(r) for r in await retention.all_classes(session)]


@router.put("/api/records/retention-classes", response_model=RetentionClassPublic)
async def api_set_retention_class(
    body: RetentionClassCreate, request: Request, viewer: RetentionAdmin, session: DbSession
):
    """Create or change the class of one product x contact type. Records already
    archived keep the disposal date they got (the selectielijst at closing applies)."""
    cls = await retention.set_class(session, viewer, body, client_ip(request))
    return RetentionClassPublic.model_validate(cls)


@router.get("/records/retention", include_in_schema=False)
async def retention_page(request: Request, viewer: RetentionAdmin, session: DbSession):
    classes = await retention.classes_with_product_codes(session)
    products = (await session.exec(select(Product).order_by(Product.code))).all()
    return render(
        request,
        "records/retention.html",
        viewer,
        classes=classes,
        products=products,
        channels=[c.value for c in Channel],
    )


@router.post("/records/retention", include_in_schema=False)
async def retention_form(
    request: Request,
    viewer: RetentionAdmin,
    session: DbSession,
    product_id: Annotated[IntId, Form()],
    channel: Annotated[str, Form(max_length=20)],
    disposal: Annotated[Disposal, Form()],
    years: Annotated[int, Form(ge=0, le=200)] = 0,
    basis: Annotated[str, Form(max_length=300)] = "",
):
    body = RetentionClassCreate(
        product_id=product_id, channel=channel, disposal=disposal, years=years, basis=basis
    )
    await retention.set_class(session, viewer, body, client_ip(request))
    return RedirectResponse("/records/retention?done=1", status_code=303)
