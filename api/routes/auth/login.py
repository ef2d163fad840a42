"""Login (password, then TOTP), logout and language choice.

BIO points: argon2 hashes; a second factor; server-side sessions whose cookie is a
random token (the DB keeps its SHA-256); lock-out after repeated failures with a
message that never tells whether the username exists; every outcome audited.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match

from api.deps import (
    LANGUAGE_COOKIE,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    CsrfFailed,
    CurrentViewer,
    DbSession,
    OptionalViewer,
    PendingMfaViewer,
    SettingsDep,
    client_ip,
)
from api.rendering import render
from config.settings import Settings
from contracts.roles import Role
from db.models.contacts import User, UserPublic
from services.auth import login
from services.auth.throttle import LoginThrottle
from services.security import (
    csrf_tokens_match,
    new_csrf_token,
)
from ui.i18n import normalize_language

router = APIRouter(tags=["auth"])

MAX_USERNAME = 100


# --- cookies ------------------------------------------------------------------------


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    # A browser-session cookie: the server enforces idle and absolute timeouts.
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        path="/",
    )


def set_login_csrf_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.session_cookie_secure,
        path="/",
        max_age=3600,
    )


def safe_next(target: str | None) -> str:
    """Only local paths: an open redirect would help phishing, and control characters
    or backslashes could make a browser leave the site."""
    if (
        target
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and "\\" not in target
        and target.isprintable()
    ):
        return target
    return "/"


# --- abuse limits -----------------------------------------------------------------------


def make_throttle(settings: Settings) -> LoginThrottle:
    return LoginThrottle(
        per_address_per_minute=settings.login_address_attempts_per_minute,
        global_per_minute=settings.login_global_attempts_per_minute,
        address_max_failures=settings.login_address_max_failures,
        address_lock_seconds=settings.login_lockout_minutes * 60,
        concurrent_checks=settings.login_concurrent_checks,
    )


def throttle_of(request: Request) -> LoginThrottle:
    state = request.app.state
    if getattr(state, "login_throttle", None) is None:
        state.login_throttle = make_throttle(state.settings)
    return state.login_throttle


def too_many(request: Request, settings: Settings, wait: float, template: str, **context):
    """429 with the page the person was on and when to try again."""
    if template == "auth/login.html":
        response = _login_page(request, settings, "login.too_many", status=429)
    else:
        response = render(request, template, status_code=429, error_key="login.too_many", **context)
    response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return response


def after_login(target: str | None) -> str:
    """Where a login ends: the deep link it started from, never a login page (a loop);
    without one, the role's own start page (/welcome)."""
    target = safe_next(target)
    return "/welcome" if target == "/" or target.startswith(("/login", "/logout")) else target


# Where a role starts after login when no deep link was asked for; "/" otherwise.
# The manager's management information is /reports once that page exists.
MANAGER_PAGES = ("/reports", "/phone/wallboard")


def _served(request: Request, path: str) -> bool:
    scope = {"type": "http", "path": path, "method": "GET", "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


@router.get("/welcome", include_in_schema=False)
async def welcome(request: Request, viewer: CurrentViewer):
    if viewer.role == Role.manager:
        target = next((p for p in MANAGER_PAGES if _served(request, p)), "/")
        return RedirectResponse(target, status_code=303)
    return RedirectResponse("/", status_code=303)


def _then(target: str, next_path: str) -> str:
    """``target`` with the deep link to return to afterwards, when there is one."""
    next_path = after_login(next_path)
    return target if next_path == "/welcome" else f"{target}?{urlencode({'next': next_path})}"


# --- routes ---------------------------------------------------------------------------


def _login_page(
    request: Request,
    settings: Settings,
    error_key: str | None,
    status: int = 200,
    next_path: str = "/",
):
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or new_csrf_token()
    response = render(
        request,
        "auth/login.html",
        status_code=status,
        csrf_token=csrf,
        error_key=error_key,
        next_path=after_login(next_path),
    )
    set_login_csrf_cookie(response, settings, csrf)
    return response


@router.get("/login", include_in_schema=False)
async def login_form(
    request: Request,
    settings: SettingsDep,
    viewer: OptionalViewer,
    next: Annotated[str, Query(max_length=500)] = "/",
):
    if viewer is not None and viewer.mfa_passed:
        return RedirectResponse(after_login(next), status_code=303)
    expired = request.query_params.get("expired") == "1"
    return _login_page(request, settings, "login.expired" if expired else None, next_path=next)


@router.post("/login", include_in_schema=False)
async def login_submit(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
):
    if not csrf_tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise CsrfFailed()
    throttle, origin = throttle_of(request), client_ip(request)
    wait = throttle.admit(origin)
    if wait is not None:
        return too_many(request, settings, wait, "auth/login.html")
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    try:
        step = await login.password_login(
            session,
            settings,
            username.strip(),
            password,
            origin,
            request.cookies.get(SESSION_COOKIE),
            throttle.check,
            language=normalize_language(chosen) if chosen else None,
        )
    except login.TooManyChecks:
        return too_many(request, settings, 1, "auth/login.html")
    if step.token is None:
        if step.error_key == "login.failed":
            throttle.failed(origin)
        return _login_page(request, settings, step.error_key, status=401, next_path=next)
    throttle.succeeded(origin)
    token, skip_totp = step.token, step.skip_totp
    target = after_login(next) if skip_totp else _then("/login/totp", next)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, settings, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.get("/login/totp", include_in_schema=False)
async def totp_form(
    request: Request,
    viewer: PendingMfaViewer,
    next: Annotated[str, Query(max_length=500)] = "/",
):
    if viewer.mfa_passed:
        return RedirectResponse(after_login(next), status_code=303)
    return render(
        request, "auth/totp.html", viewer=viewer, error_key=None, next_path=after_login(next)
    )


@router.post("/login/totp", include_in_schema=False)
async def totp_submit(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    viewer: PendingMfaViewer,
    code: Annotated[str, Form(max_length=20)] = "",
    next: Annotated[str, Form(max_length=500)] = "/",
):
    throttle, origin = throttle_of(request), client_ip(request)
    wait = throttle.admit(origin)
    if wait is not None:
        return too_many(request, settings, wait, "auth/totp.html", viewer=viewer)
    token = await login.totp_login(session, settings, viewer, code, origin)
    if token is None:
        throttle.failed(origin)
        return render(
            request,
            "auth/totp.html",
            viewer=viewer,
            status_code=401,
            error_key="totp.failed",
            next_path=after_login(next),
        )
    response = RedirectResponse(after_login(next), status_code=303)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout", include_in_schema=False)
async def logout(
    request: Request,
    session: DbSession,
    viewer: PendingMfaViewer,
):
    await login.logout(session, viewer, client_ip(request))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language", include_in_schema=False)
async def choose_language(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    viewer: OptionalViewer,
    language: Annotated[str, Form(max_length=5)] = "nl",
    next: Annotated[str, Form(max_length=500)] = "/",
    csrf_token: Annotated[str, Form()] = "",
):
    """Logged in: stored on the user. On the login page: a cookie (double-submit CSRF)."""
    language = normalize_language(language)
    if viewer is not None:
        if not csrf_tokens_match(viewer.csrf_token, csrf_token):
            raise CsrfFailed()
        await login.set_language(session, viewer.id, language)
    elif not csrf_tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise CsrfFailed()
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE, language, samesite="lax", secure=settings.session_cookie_secure
    )
    return response


class Me(UserPublic):
    product_ids: list[int]
    csrf_token: str


@router.get("/api/auth/me", response_model=Me)
async def me(viewer: CurrentViewer, session: DbSession) -> Me:
    """Who is logged in, with the CSRF token JSON clients send as ``X-CSRF-Token``."""
    user = await session.get(User, viewer.id)
    return Me(
        **UserPublic.model_validate(user).model_dump(),
        product_ids=list(viewer.product_ids),
        csrf_token=viewer.csrf_token,
    )
