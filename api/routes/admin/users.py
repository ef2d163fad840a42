"""User and accreditation administration, JSON API (admins only).

The logic lives in services/admin/users.py; the HTML pages are in user_pages.py.
Refused input answers 422 with ``{"detail": [{"type": <stable key>, "loc": ["body",
<field>], "msg": <English>}], "code": <stable key>, "field": <form field or null>}``
(FastAPI's validation shape plus the key and field); every change and refusal is audited.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlmodel import SQLModel
from temporalio.client import Client

from api.deps import Admin, DbSession, client_ip, temporal_client
from api.validation import IntId
from db.models.contacts import UserPublic
from services.access import Viewer
from services.admin import handover
from services.admin import users as ua

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/admin/users", tags=["admin"])

NO_STORE = {"Cache-Control": "no-store"}  # answers that carry a secret shown once


# --- shared with the pages --------------------------------------------------------------


async def load_user(session, user_id: IntId):
    try:
        return await ua.get_user(session, user_id)
    except ua.UserNotFound:
        raise HTTPException(404, "No such user.") from None


def refusal(error: ua.UserAdminError) -> JSONResponse:
    loc = ["body", error.field] if error.field else ["body"]
    detail = [{"type": error.code, "loc": loc, "msg": str(error)}]
    return JSONResponse(
        {"detail": detail, "code": error.code, "field": error.field}, status_code=422
    )


async def _engine_or_none(request: Request) -> Client | None:
    try:
        return await temporal_client(request)
    except HTTPException:
        return None  # the engine is down: every release fails, and is audited so


async def release_claimed(
    request: Request, session, admin: Viewer, user_id: IntId
) -> handover.ReleaseOutcome:
    """Hand a user's open work back to the queues (services/admin/handover.py)."""
    return await handover.release_claimed(
        session, lambda: _engine_or_none(request), admin, user_id, client_ip(request)
    )


# --- models -----------------------------------------------------------------------------


class UserDetail(UserPublic):
    is_demo: bool
    locked: bool
    failed_logins: int
    has_totp: bool
    sso: bool


def user_detail(user) -> UserDetail:
    return UserDetail(
        **UserPublic.model_validate(user).model_dump(),
        is_demo=user.is_demo,
        locked=ua.is_locked(user),
        failed_logins=user.failed_logins,
        has_totp=bool(user.totp_secret),
        sso=user.oidc_subject is not None,
    )


class CreatedOut(SQLModel):
    user: UserDetail
    password: str | None  # only when PULSE generated it: shown this once
    totp_secret: str
    totp_uri: str


class TotpOut(SQLModel):
    totp_secret: str
    totp_uri: str


class PasswordOut(SQLModel):
    password: str  # generated, shown once; the user must change it at the next login


class GrantIn(SQLModel):
    product_id: IntId
    line: IntId = 1


class GridIn(SQLModel):
    grants: list[GrantIn]


class GridRowOut(SQLModel):
    product_id: IntId
    code: str
    name: str
    active: bool
    lines: dict[int, bool]


class GridOut(SQLModel):
    user_id: IntId
    products: list[GridRowOut]


class ClaimedOut(SQLModel):
    reference: str
    product_code: str
    status: str
    line: IntId


class DeactivatedOut(SQLModel):
    user: UserDetail
    released: list[str]
    failed: list[str]


class ReleasedOut(SQLModel):
    released: list[str]
    failed: list[str]


# --- routes -----------------------------------------------------------------------------


@router.post("", status_code=201, response_model=CreatedOut, responses={422: {}})
async def create(body: ua.NewUser, request: Request, admin: Admin, session: DbSession):
    try:
        created = await ua.create_user(session, admin, body, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "create", None, client_ip(request), error)
        return refusal(error)
    out = CreatedOut(
        user=user_detail(created.user),
        password=created.password,
        totp_secret=created.totp_secret,
        totp_uri=created.totp_uri,
    )
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=NO_STORE)


@router.get("/{user_id}", response_model=UserDetail)
async def detail(user_id: IntId, admin: Admin, session: DbSession):
    return user_detail(await load_user(session, user_id))


@router.patch("/{user_id}", response_model=UserDetail, responses={422: {}})
async def edit(
    user_id: IntId, body: ua.UserEdit, request: Request, admin: Admin, session: DbSession
):
    await load_user(session, user_id)
    try:
        user = await ua.update_user(session, admin, user_id, body, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "update", user_id, client_ip(request), error)
        return refusal(error)
    return user_detail(user)


@router.post("/{user_id}/deactivate", response_model=DeactivatedOut, responses={422: {}})
async def deactivate(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    try:
        user = await ua.set_active(session, admin, user_id, False, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "deactivate", user_id, client_ip(request), error)
        return refusal(error)
    outcome = await release_claimed(request, session, admin, user_id)
    return DeactivatedOut(user=user_detail(user), **asdict(outcome))


@router.post("/{user_id}/reactivate", response_model=UserDetail)
async def reactivate(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    return user_detail(await ua.set_active(session, admin, user_id, True, client_ip(request)))


@router.post("/{user_id}/unlock", response_model=UserDetail)
async def unlock(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    return user_detail(await ua.unlock(session, admin, user_id, client_ip(request)))


@router.post("/{user_id}/totp", response_model=TotpOut)
async def reset_totp(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    _, secret, uri = await ua.reset_totp(session, admin, user_id, client_ip(request))
    return JSONResponse({"totp_secret": secret, "totp_uri": uri}, headers=NO_STORE)


@router.post("/{user_id}/password", response_model=PasswordOut)
async def reset_password(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    """A forgotten password: a generated one, to hand over; the user's sessions end."""
    await load_user(session, user_id)
    _, password = await ua.reset_password(session, admin, user_id, client_ip(request))
    return JSONResponse({"password": password}, headers=NO_STORE)


@router.get("/{user_id}/claimed", response_model=list[ClaimedOut])
async def claimed(user_id: IntId, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    return [ClaimedOut(**asdict(c)) for c in await ua.claimed_contacts(session, user_id)]


@router.post("/{user_id}/release", response_model=ReleasedOut)
async def release(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    """Release what a (deactivated) user still holds, e.g. after the engine was down."""
    user = await load_user(session, user_id)
    if user.is_active:
        raise HTTPException(409, "Release the work of an active user from their contacts.")
    return ReleasedOut(**asdict(await release_claimed(request, session, admin, user_id)))


@router.get("/{user_id}/accreditations", response_model=GridOut)
async def grid(user_id: IntId, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    rows = await ua.accreditation_grid(session, user_id)
    return GridOut(user_id=user_id, products=[GridRowOut(**asdict(r)) for r in rows])


@router.put("/{user_id}/accreditations", response_model=GridOut, responses={422: {}})
async def set_grid(
    user_id: IntId, body: GridIn, request: Request, admin: Admin, session: DbSession
):
    await load_user(session, user_id)
    grants = [ua.Grant(g.product_id, g.line) for g in body.grants]
    try:
        await ua.set_accreditations(session, admin, user_id, grants, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "accreditations", user_id, client_ip(request), error)
        return refusal(error)
    rows = await ua.accreditation_grid(session, user_id)
    return GridOut(user_id=user_id, products=[GridRowOut(**asdict(r)) for r in rows])
