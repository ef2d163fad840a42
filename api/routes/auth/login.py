"""Login (password, then TOTP), logout and language choice.

BIO points: argon2 hashes; a second factor; server-side sessions whose cookie is a
random token (the DB keeps its SHA-256); lock-out after repeated failures with a
message that never tells whether the username exists; every outcome audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import delete, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

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
from db.models.contacts import User, UserPublic, WebSession, utcnow
from services import audit
from services.security import (
    csrf_tokens_match,
    hash_password,
    hash_session_token,
    new_csrf_token,
    new_session_token,
    password_needs_rehash,
    verify_password,
    verify_totp,
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
    """Only local paths: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


# --- login logic --------------------------------------------------------------------


@dataclass
class LoginOutcome:
    user: User | None
    error_key: str | None = None


async def _count_failure(session: AsyncSession, settings: Settings, user: User, origin) -> None:
    """Count a failed attempt atomically (parallel guesses must not be lost)."""
    failures = (
        await session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        )
    ).scalar_one()
    if failures >= settings.login_max_failures:
        await session.execute(
            update(User)
            .where(User.id == user.id)
            .values(
                failed_logins=0,
                locked_until=utcnow() + timedelta(minutes=settings.login_lockout_minutes),
            )
        )
        await audit.record(
            session,
            actor=user.username,
            actor_id=user.id,
            action="login.lockout",
            object_type="user",
            object_id=user.id,
            result="denied",
            origin=origin,
            detail={"minutes": settings.login_lockout_minutes},
        )


def _is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


async def check_password(
    session: AsyncSession, settings: Settings, username: str, password: str, origin: str | None
) -> LoginOutcome:
    user = (await session.exec(select(User).where(User.username == username))).first()
    password_ok = verify_password(user.password_hash if user else None, password)
    reason = None
    if user is None or not user.is_active:
        reason = "unknown or inactive user"
    elif _is_locked(user):
        reason = "locked"
    elif not password_ok:
        reason = "wrong password"
        await _count_failure(session, settings, user, origin)
    await audit.record(
        session,
        actor=username[:MAX_USERNAME] or "-",
        actor_id=user.id if user else None,
        action="login.password",
        object_type="user",
        object_id=user.id if user else None,
        result="failed" if reason else "ok",
        origin=origin,
        detail={"reason": reason} if reason else {},
    )
    if reason:
        return LoginOutcome(None, "login.failed")
    user.failed_logins = 0
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginOutcome(user)


async def start_session(
    session: AsyncSession, settings: Settings, user: User, mfa_passed: bool, origin: str | None
) -> str:
    """Create a server-side session and return the cookie token (never stored)."""
    await session.execute(
        text(
            "DELETE FROM web_sessions WHERE user_id = :uid AND (last_seen_at < now() - "
            "make_interval(mins => :idle) OR created_at < now() - make_interval(hours => :maxh))"
        ),
        {"uid": user.id, "idle": settings.session_idle_minutes, "maxh": settings.session_max_hours},
    )
    token = new_session_token()
    now = utcnow()
    session.add(
        WebSession(
            token_hash=hash_session_token(token),
            user_id=user.id,
            csrf_token=new_csrf_token(),
            mfa_passed=mfa_passed,
            created_at=now,
            last_seen_at=now,
            origin=(origin or "")[:100] or None,
        )
    )
    return token


async def end_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


# --- routes ---------------------------------------------------------------------------


def _login_page(request: Request, settings: Settings, error_key: str | None, status: int = 200):
    csrf = request.cookies.get(LOGIN_CSRF_COOKIE) or new_csrf_token()
    response = render(
        request, "auth/login.html", status_code=status, csrf_token=csrf, error_key=error_key
    )
    set_login_csrf_cookie(response, settings, csrf)
    return response


@router.get("/login", include_in_schema=False)
async def login_form(
    request: Request,
    settings: SettingsDep,
    viewer: OptionalViewer,
):
    if viewer is not None and viewer.mfa_passed:
        return RedirectResponse("/", status_code=303)
    expired = request.query_params.get("expired") == "1"
    return _login_page(request, settings, "login.expired" if expired else None)


@router.post("/login", include_in_schema=False)
async def login_submit(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    csrf_token: Annotated[str, Form()] = "",
):
    if not csrf_tokens_match(request.cookies.get(LOGIN_CSRF_COOKIE), csrf_token):
        raise CsrfFailed()
    origin = client_ip(request)
    outcome = await check_password(session, settings, username.strip(), password, origin)
    user = outcome.user
    if user is None:
        await session.commit()
        return _login_page(request, settings, outcome.error_key, status=401)
    skip_totp = settings.demo_skip_totp and user.is_demo and settings.environment != "production"
    if not skip_totp and not user.totp_secret:
        await session.commit()
        return _login_page(request, settings, "login.no_mfa", status=401)
    old_token = request.cookies.get(SESSION_COOKIE)
    if old_token:  # no session fixation: a login always gets a fresh session
        await end_session(session, hash_session_token(old_token))
    token = await start_session(session, settings, user, mfa_passed=skip_totp, origin=origin)
    await session.commit()
    response = RedirectResponse("/" if skip_totp else "/login/totp", status_code=303)
    set_session_cookie(response, settings, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")
    return response


@router.get("/login/totp", include_in_schema=False)
async def totp_form(request: Request, viewer: PendingMfaViewer):
    if viewer.mfa_passed:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth/totp.html", viewer=viewer, error_key=None)


@router.post("/login/totp", include_in_schema=False)
async def totp_submit(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    viewer: PendingMfaViewer,
    code: Annotated[str, Form(max_length=20)] = "",
):
    origin = client_ip(request)
    user = await session.get(User, viewer.id)
    ok = user is not None and not _is_locked(user) and verify_totp(user.totp_secret, code)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="login.totp",
        object_type="user",
        object_id=viewer.id,
        result="ok" if ok else "failed",
        origin=origin,
    )
    if not ok:
        if user is not None:
            await _count_failure(session, settings, user, origin)
        await session.commit()
        return render(
            request, "auth/totp.html", viewer=viewer, status_code=401, error_key="totp.failed"
        )
    # A new token after the second factor: whatever saw the half-logged-in token
    # cannot use it for the full session.
    await end_session(session, viewer.token_hash)
    user.failed_logins = 0
    token = await start_session(session, settings, user, mfa_passed=True, origin=origin)
    await session.commit()
    response = RedirectResponse("/", status_code=303)
    set_session_cookie(response, settings, token)
    return response


@router.post("/logout", include_in_schema=False)
async def logout(
    request: Request,
    session: DbSession,
    viewer: PendingMfaViewer,
):
    await end_session(session, viewer.token_hash)
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="logout",
        object_type="user",
        object_id=viewer.id,
        origin=client_ip(request),
    )
    await session.commit()
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
        await session.execute(update(User).where(User.id == viewer.id).values(language=language))
        await session.commit()
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
