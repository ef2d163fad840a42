"""User and accreditation administration, HTML pages (admins only).

Plain forms (keyboard and screen-reader friendly without script); refused input
re-renders the form with the error next to its field and a summary at the top.
Pages that show a secret (a generated password, a new TOTP secret) are answers
to the POST itself, never stored or redirected to, and are marked no-store.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from api.deps import Admin, DbSession, client_ip
from api.rendering import render
from api.routes.admin.users import NO_STORE, load_user, release_claimed
from api.validation import IntId
from db.models.contacts import Role
from services.admin import users as ua
from ui.i18n import LANGUAGES

router = APIRouter(prefix="/admin/users", tags=["admin"], include_in_schema=False)

ROLES = [r.value for r in Role]
FORM_FIELDS = ("username", "full_name", "email", "role", "language")


def _form_page(request: Request, admin, template: str, status: int = 200, **context):
    return render(
        request,
        template,
        admin,
        status_code=status,
        roles=ROLES,
        languages=LANGUAGES,
        **context,
    )


def _redirect(user_id: IntId, notice: str) -> RedirectResponse:
    return RedirectResponse(f"/admin/users/{user_id}?done={notice}", status_code=303)


# --- create -----------------------------------------------------------------------------


@router.get("/new")
async def new_form(request: Request, admin: Admin):
    values = {"role": Role.agent.value, "language": "nl"}
    return _form_page(request, admin, "admin/users/new.html", values=values, error=None)


@router.post("/new")
async def create(
    request: Request,
    admin: Admin,
    session: DbSession,
    username: Annotated[str, Form(max_length=200)] = "",
    full_name: Annotated[str, Form(max_length=400)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    role: Annotated[str, Form(max_length=30)] = "",
    language: Annotated[str, Form(max_length=5)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
):
    data = ua.NewUser(
        username=username,
        full_name=full_name,
        email=email or None,
        role=role,
        language=language,
        password=password or None,
    )
    try:
        created = await ua.create_user(session, admin, data, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "create", None, client_ip(request), error)
        values = {k: v for k, v in data.model_dump().items() if k in FORM_FIELDS}
        return _form_page(request, admin, "admin/users/new.html", 422, values=values, error=error)
    response = render(
        request,
        "admin/users/secret.html",
        admin,
        subject=created.user,
        created=True,
        password=created.password,
        totp_secret=created.totp_secret,
        totp_uri=created.totp_uri,
    )
    response.headers.update(NO_STORE)
    return response


# --- one user ---------------------------------------------------------------------------


async def _user_page(request, admin, session, user, status=200, error=None, values=None):
    claimed = await ua.claimed_contacts(session, user.id)
    return _form_page(
        request,
        admin,
        "admin/users/edit.html",
        status,
        subject=user,
        error=error,
        values=values or {k: getattr(user, k) for k in FORM_FIELDS},
        claimed=claimed,
        locked=ua.is_locked(user),
        done=request.query_params.get("done"),
        is_self=user.id == admin.id,
    )


@router.get("/{user_id}")
async def user_page(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    return await _user_page(request, admin, session, await load_user(session, user_id))


@router.post("/{user_id}")
async def save(
    user_id: IntId,
    request: Request,
    admin: Admin,
    session: DbSession,
    full_name: Annotated[str, Form(max_length=400)] = "",
    email: Annotated[str, Form(max_length=400)] = "",
    role: Annotated[str, Form(max_length=30)] = "",
    language: Annotated[str, Form(max_length=5)] = "",
):
    user = await load_user(session, user_id)
    edit = ua.UserEdit(full_name=full_name, email=email, role=role, language=language)
    try:
        await ua.update_user(session, admin, user_id, edit, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "update", user_id, client_ip(request), error)
        user = await load_user(session, user_id)
        values = {"username": user.username, **edit.model_dump()}
        return await _user_page(request, admin, session, user, 422, error, values)
    return _redirect(user_id, "saved")


@router.post("/{user_id}/unlock")
async def unlock(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    await ua.unlock(session, admin, user_id, client_ip(request))
    return _redirect(user_id, "unlocked")


@router.post("/{user_id}/reactivate")
async def reactivate(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    await ua.set_active(session, admin, user_id, True, client_ip(request))
    return _redirect(user_id, "reactivated")


@router.post("/{user_id}/totp")
async def reset_totp(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    user, secret, uri = await ua.reset_totp(session, admin, user_id, client_ip(request))
    response = render(
        request,
        "admin/users/secret.html",
        admin,
        subject=user,
        created=False,
        password=None,
        totp_secret=secret,
        totp_uri=uri,
    )
    response.headers.update(NO_STORE)
    return response


@router.post("/{user_id}/password")
async def reset_password(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    await load_user(session, user_id)
    user, password = await ua.reset_password(session, admin, user_id, client_ip(request))
    response = render(
        request,
        "admin/users/secret.html",
        admin,
        subject=user,
        created=False,
        password=password,
        totp_secret=None,
        totp_uri=None,
    )
    response.headers.update(NO_STORE)
    return response


# --- deactivation -----------------------------------------------------------------------


@router.get("/{user_id}/deactivate")
async def deactivate_confirm(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    user = await load_user(session, user_id)
    return render(
        request,
        "admin/users/deactivate.html",
        admin,
        subject=user,
        claimed=await ua.claimed_contacts(session, user_id),
        outcome=None,
        error=None,
        is_self=user.id == admin.id,
    )


@router.post("/{user_id}/deactivate")
async def deactivate(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    user = await load_user(session, user_id)
    claimed = await ua.claimed_contacts(session, user_id)
    try:
        user = await ua.set_active(session, admin, user_id, False, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "deactivate", user_id, client_ip(request), error)
        user = await load_user(session, user_id)
        return render(
            request,
            "admin/users/deactivate.html",
            admin,
            status_code=422,
            subject=user,
            claimed=claimed,
            outcome=None,
            error=error,
            is_self=True,
        )
    outcome = await release_claimed(request, session, admin, user_id)
    return render(
        request,
        "admin/users/deactivate.html",
        admin,
        subject=user,
        claimed=claimed,
        outcome=outcome,
        error=None,
        is_self=False,
    )


@router.post("/{user_id}/release")
async def release(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    user = await load_user(session, user_id)
    if user.is_active:
        return _redirect(user_id, "still_active")
    outcome = await release_claimed(request, session, admin, user_id)
    return _redirect(user_id, "released" if not outcome.failed else "release_failed")


# --- accreditations ---------------------------------------------------------------------


def _grants_from_form(values: list[str]) -> list[ua.Grant]:
    """Checkbox values "<product id>:<line>"; anything else is ignored (not a box)."""
    grants = []
    for value in values:
        product, _, line = value.partition(":")
        if product.isdigit() and line.isdigit():
            grants.append(ua.Grant(int(product), int(line)))
    return grants


@router.get("/{user_id}/accreditations")
async def grid_page(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    user = await load_user(session, user_id)
    return render(
        request,
        "admin/users/accreditations.html",
        admin,
        subject=user,
        rows=await ua.accreditation_grid(session, user_id),
        error=None,
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/{user_id}/accreditations")
async def grid_save(user_id: IntId, request: Request, admin: Admin, session: DbSession):
    user = await load_user(session, user_id)
    form = await request.form()
    grants = _grants_from_form([v for v in form.getlist("grant") if isinstance(v, str)])
    try:
        await ua.set_accreditations(session, admin, user_id, grants, client_ip(request))
    except ua.UserAdminError as error:
        await ua.audit_refusal(session, admin, "accreditations", user_id, client_ip(request), error)
        user = await load_user(session, user_id)  # the rollback expired it
        rows = await ua.accreditation_grid(session, user_id)
        wanted = {(g.product_id, g.line) for g in grants}
        for row in rows:  # show what the admin ticked, so they can correct it
            row.lines = {n: (row.product_id, n) in wanted for n in row.lines}
        return render(
            request,
            "admin/users/accreditations.html",
            admin,
            status_code=422,
            subject=user,
            rows=rows,
            error=error,
            saved=False,
        )
    return RedirectResponse(f"/admin/users/{user_id}/accreditations?saved=1", status_code=303)
