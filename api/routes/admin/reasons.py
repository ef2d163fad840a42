"""Contact reasons per product, for admins: the page and the JSON API over
services/admin/reasons.py (a small tree; reasons are switched off, never deleted)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from api.deps import Admin, DbSession, client_ip
from api.rendering import render
from api.validation import IntCount, IntId
from db.models.contacts import ContactReason, Product
from services.access import NotAccessible
from services.admin.reasons import (
    ReasonIn,
    ReasonOut,
    product_or_404,
    reasons_of,
    save_reason,
)

router = APIRouter(tags=["contact reasons"])


# --- pages ----------------------------------------------------------------------------------


@router.get("/admin/reasons", include_in_schema=False)
async def reasons_page(request: Request, viewer: Admin, session: DbSession, product: IntCount = 0):
    products = list((await session.exec(select(Product).order_by(Product.code))).all())
    current = next((p for p in products if p.id == product), products[0] if products else None)
    reasons = await reasons_of(session, current.id) if current else []
    return render(
        request,
        "admin/reasons.html",
        viewer,
        products=products,
        current=current,
        reasons=reasons,
    )


@router.post("/admin/reasons", include_in_schema=False)
async def create_reason_form(
    request: Request,
    viewer: Admin,
    session: DbSession,
    product_id: Annotated[IntId, Form()],
    code: Annotated[str, Form()],
    label_nl: Annotated[str, Form()],
    label_en: Annotated[str, Form()],
    parent_id: Annotated[str, Form()] = "",
):
    data = ReasonIn(
        product_id=product_id,
        code=code.strip().lower(),
        label_nl=label_nl,
        label_en=label_en,
        parent_id=int(parent_id) if parent_id else None,
    )
    await save_reason(session, viewer, client_ip(request), data)
    return RedirectResponse(f"/admin/reasons?product={product_id}", status_code=303)


@router.post("/admin/reasons/{reason_id}", include_in_schema=False)
async def update_reason_form(
    reason_id: IntId,
    request: Request,
    viewer: Admin,
    session: DbSession,
    label_nl: Annotated[str, Form()],
    label_en: Annotated[str, Form()],
    parent_id: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
):
    reason = await session.get(ContactReason, reason_id)
    if reason is None:
        raise NotAccessible(f"reason {reason_id}")
    data = ReasonIn(
        product_id=reason.product_id,
        code=reason.code,
        label_nl=label_nl,
        label_en=label_en,
        parent_id=int(parent_id) if parent_id else None,
        active=bool(active),
    )
    await save_reason(session, viewer, client_ip(request), data, reason_id)
    return RedirectResponse(f"/admin/reasons?product={reason.product_id}", status_code=303)


# --- JSON -----------------------------------------------------------------------------------


@router.get("/api/admin/reasons", response_model=list[ReasonOut])
async def api_reasons(viewer: Admin, session: DbSession, product_id: IntId):
    await product_or_404(session, product_id)
    return await reasons_of(session, product_id)


@router.post("/api/admin/reasons", response_model=ReasonOut, status_code=201)
async def api_create_reason(body: ReasonIn, request: Request, viewer: Admin, session: DbSession):
    reason = await save_reason(session, viewer, client_ip(request), body)
    return ReasonOut(**reason.model_dump())


@router.put("/api/admin/reasons/{reason_id}", response_model=ReasonOut)
async def api_update_reason(
    reason_id: IntId, body: ReasonIn, request: Request, viewer: Admin, session: DbSession
):
    reason = await save_reason(session, viewer, client_ip(request), body, reason_id)
    return ReasonOut(**reason.model_dump())
