"""Administration (admins only). Read-only lists for now: users and products."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlmodel import select

from api.deps import Admin, DbSession
from api.rendering import render
from db.models.contacts import Accreditation, Product, ProductPublic, User, UserPublic, utcnow

router = APIRouter(tags=["admin"])


class UserWithProducts(UserPublic):
    product_codes: list[str]
    is_demo: bool
    locked: bool


async def _users(session) -> list[UserWithProducts]:
    users = (await session.exec(select(User).order_by(User.username))).all()
    pairs = (
        await session.exec(
            select(Accreditation.user_id, Product.code).join(
                Product, Product.id == Accreditation.product_id
            )
        )
    ).all()
    codes: dict[int, list[str]] = {}
    for user_id, code in pairs:
        codes.setdefault(user_id, []).append(code)
    return [
        UserWithProducts(
            **UserPublic.model_validate(u).model_dump(),
            product_codes=sorted(codes.get(u.id, [])),
            is_demo=u.is_demo,
            locked=u.locked_until is not None and u.locked_until > utcnow(),
        )
        for u in users
    ]


async def _products(session) -> list[ProductPublic]:
    rows = (await session.exec(select(Product).order_by(Product.code))).all()
    return [ProductPublic.model_validate(p) for p in rows]


@router.get("/api/admin/users", response_model=list[UserWithProducts])
async def api_users(viewer: Admin, session: DbSession):
    return await _users(session)


@router.get("/api/admin/products", response_model=list[ProductPublic])
async def api_products(viewer: Admin, session: DbSession):
    return await _products(session)


@router.get("/admin/users", include_in_schema=False)
async def users_page(request: Request, viewer: Admin, session: DbSession):
    return render(request, "admin/users/list.html", viewer, users=await _users(session))


@router.get("/admin/products", include_in_schema=False)
async def products_page(request: Request, viewer: Admin, session: DbSession):
    return render(request, "admin/products.html", viewer, products=await _products(session))
