"""Contact reasons per product (admin-managed): a small tree (a reason may sit under
another of the same product), used when closing a contact and in reports.

Reasons are never deleted (closed contacts point at them): they are switched off.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.deps import Admin, DbSession, client_ip
from api.rendering import render
from db.models.contacts import ContactReason, Product
from services import audit
from services.access import NotAccessible, Viewer

router = APIRouter(tags=["contact reasons"])


class ReasonIn(BaseModel):
    product_id: int
    code: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_\-]+$")
    label_nl: str = Field(min_length=1, max_length=200)
    label_en: str = Field(min_length=1, max_length=200)
    parent_id: int | None = None
    active: bool = True


class ReasonOut(ReasonIn):
    id: int
    depth: int = 0


def as_tree(reasons: list[ContactReason]) -> list[ReasonOut]:
    """Depth-first: each reason followed by the ones under it, with their depth."""
    children: dict[int | None, list[ContactReason]] = {}
    ids = {r.id for r in reasons}
    for r in sorted(reasons, key=lambda r: r.label_nl.lower()):
        children.setdefault(r.parent_id if r.parent_id in ids else None, []).append(r)
    out: list[ReasonOut] = []

    def walk(parent: int | None, depth: int) -> None:
        for r in children.get(parent, []):
            out.append(ReasonOut(**r.model_dump(), depth=depth))
            if depth < 10:
                walk(r.id, depth + 1)

    walk(None, 0)
    return out


async def reasons_of(session, product_id: int) -> list[ReasonOut]:
    rows = await session.exec(select(ContactReason).where(ContactReason.product_id == product_id))
    return as_tree(list(rows.all()))


async def _product(session, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise NotAccessible(f"product {product_id}")
    return product


async def _check_parent(session, product_id: int, parent_id: int | None, self_id=None) -> None:
    if parent_id is None:
        return
    parent = await session.get(ContactReason, parent_id)
    if parent is None or parent.product_id != product_id or parent_id == self_id:
        raise HTTPException(status_code=422, detail="parent must be another reason of the product")


async def save_reason(session, viewer: Viewer, origin, data: ReasonIn, reason_id=None):
    await _product(session, data.product_id)
    await _check_parent(session, data.product_id, data.parent_id, reason_id)
    if reason_id is None:
        reason = ContactReason(**data.model_dump())
    else:
        reason = await session.get(ContactReason, reason_id)
        if reason is None:
            raise NotAccessible(f"reason {reason_id}")
        for key, value in data.model_dump(exclude={"product_id"}).items():
            setattr(reason, key, value)
    session.add(reason)
    try:
        await session.flush()
    except IntegrityError:
        await session.rollback()
        raise HTTPException(status_code=409, detail="this code exists for the product") from None
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        origin=origin,
        action="reason.create" if reason_id is None else "reason.update",
        object_type="contact_reason",
        object_id=reason.id,
    )
    await session.commit()
    return reason


# --- pages ----------------------------------------------------------------------------------


@router.get("/admin/reasons", include_in_schema=False)
async def reasons_page(request: Request, viewer: Admin, session: DbSession, product: int = 0):
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
    product_id: Annotated[int, Form()],
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
    reason_id: int,
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
async def api_reasons(viewer: Admin, session: DbSession, product_id: int):
    await _product(session, product_id)
    return await reasons_of(session, product_id)


@router.post("/api/admin/reasons", response_model=ReasonOut, status_code=201)
async def api_create_reason(body: ReasonIn, request: Request, viewer: Admin, session: DbSession):
    reason = await save_reason(session, viewer, client_ip(request), body)
    return ReasonOut(**reason.model_dump())


@router.put("/api/admin/reasons/{reason_id}", response_model=ReasonOut)
async def api_update_reason(
    reason_id: int, body: ReasonIn, request: Request, viewer: Admin, session: DbSession
):
    reason = await save_reason(session, viewer, client_ip(request), body, reason_id)
    return ReasonOut(**reason.model_dump())
