"""The signed-in user's own account: change password (page and JSON).

Reachable while a password change is required (api.deps.PASSWORD_CHANGE_PATHS):
after an admin set the password, this is the only page the user gets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field

from api.deps import CurrentViewer, DbSession, client_ip
from api.rendering import render
from services.accounts import change_password
from services.admin.users import UserAdminError

router = APIRouter(tags=["account"])


class PasswordChangeIn(BaseModel):
    current_password: str = Field(max_length=1000)
    new_password: str = Field(max_length=1000)


@router.get("/account/password", include_in_schema=False)
async def password_page(request: Request, viewer: CurrentViewer):
    done = request.query_params.get("done") == "1"
    return render(request, "auth/password.html", viewer, error=None, done=done)


@router.post("/account/password", include_in_schema=False)
async def password_form(
    request: Request,
    viewer: CurrentViewer,
    session: DbSession,
    current: Annotated[str, Form(max_length=1000)] = "",
    new: Annotated[str, Form(max_length=1000)] = "",
    repeated: Annotated[str, Form(max_length=1000)] = "",
):
    try:
        await change_password(session, viewer, current, new, repeated, client_ip(request))
    except UserAdminError as exc:
        return render(request, "auth/password.html", viewer, status_code=422, error=exc, done=False)
    return RedirectResponse("/account/password?done=1", status_code=303)


@router.post("/api/account/password", status_code=204, responses={422: {}})
async def api_change_password(
    body: PasswordChangeIn, request: Request, viewer: CurrentViewer, session: DbSession
):
    """Change your own password; your other sessions end."""
    try:
        await change_password(
            session,
            viewer,
            body.current_password,
            body.new_password,
            body.new_password,
            client_ip(request),
        )
    except UserAdminError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
