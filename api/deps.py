"""FastAPI dependencies: settings, database session, the logged-in viewer, CSRF,
role checks and the Temporal client.

Order of checks for every protected route (the route-walk test relies on it):
not logged in -> 401, bad CSRF on a state change -> 403, wrong role -> 403,
object of another product -> 404.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from adapters.temporal.codec import connect_temporal
from config.settings import Settings
from db.models.contacts import Role
from services.access import (
    ADMINISTER,
    ASSIGN_CONTACTS,
    KB_READ,
    KB_WRITE,
    MANAGE_RECORDS,
    READ_AUDIT,
    READ_CONTACTS,
    SUPERVISORS,
    WORK_CONTACTS,
    RoleNotAllowed,
    Viewer,
    require_customer,
    require_role,
)
from services.security import csrf_tokens_match, hash_session_token

log = logging.getLogger(__name__)

SESSION_COOKIE = "pulse_session"
LOGIN_CSRF_COOKIE = "pulse_login_csrf"
LANGUAGE_COOKIE = "pulse_lang"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotAuthenticated(Exception):
    """No valid session (401 / redirect to the login page)."""

    def __init__(self, mfa_pending: bool = False) -> None:
        super().__init__("not authenticated")
        self.mfa_pending = mfa_pending


class PasswordChangeRequired(Exception):
    """An admin set this user's password: they choose their own before anything else
    (HTML: redirect to the form; API: 403)."""


# What a user who must change their password may still reach (besides logging in).
PASSWORD_CHANGE_PATHS = frozenset(
    {"/account/password", "/api/account/password", "/logout", "/language", "/api/auth/me"}
)


class CsrfFailed(Exception):
    """A state-changing request without the right CSRF token (403)."""


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def db_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbSession = Annotated[AsyncSession, Depends(db_session)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


# One statement checks the session (idle and absolute timeouts, active user),
# touches it, and returns the user and their accreditations: the inbox budget is
# three queries per page, so authentication may cost only one.
# The touch is committed asynchronously (set_config(..., true) = SET LOCAL for this
# transaction only): a crash can lose the last fraction of a second of last_seen_at
# updates, which at worst ends a session a moment early, and no request waits for a
# WAL flush just to record that someone is still active (measured: p95 +3 ms).
_VIEWER_SQL = text(
    """
    UPDATE web_sessions s SET last_seen_at = now()
    FROM users u
    WHERE s.token_hash = :token_hash AND u.id = s.user_id AND u.is_active
      AND s.last_seen_at > now() - make_interval(mins => :idle_minutes)
      AND s.created_at > now() - make_interval(hours => :max_hours)
    RETURNING s.csrf_token, s.mfa_passed, u.id, u.username, u.full_name, u.role,
      u.language, u.is_demo, u.must_change_password, u.sees_all_customers,
      ARRAY(SELECT a.product_id FROM accreditations a WHERE a.user_id = u.id
            ORDER BY a.product_id) AS product_ids,
      set_config('synchronous_commit', 'off', true) AS async_commit
    """
)

_STILL_VALID_SQL = text(
    """
    SELECT 1 FROM web_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = :token_hash AND u.is_active AND s.mfa_passed
      AND s.last_seen_at > now() - make_interval(mins => :idle_minutes)
      AND s.created_at > now() - make_interval(hours => :max_hours)
    """
)


def _timeouts(settings: Settings) -> dict[str, int]:
    return {"idle_minutes": settings.session_idle_minutes, "max_hours": settings.session_max_hours}


async def load_viewer(
    session: AsyncSession, settings: Settings, token: str | None
) -> Viewer | None:
    """The viewer of a session cookie, or None when absent, unknown or expired."""
    if not token:
        return None
    token_hash = hash_session_token(token)
    row = (
        await session.execute(_VIEWER_SQL, {"token_hash": token_hash, **_timeouts(settings)})
    ).first()
    await session.commit()
    if row is None:
        return None
    return Viewer(
        id=row.id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        language=row.language,
        is_demo=row.is_demo,
        product_ids=tuple(row.product_ids),
        csrf_token=row.csrf_token,
        mfa_passed=row.mfa_passed,
        token_hash=token_hash,
        must_change_password=row.must_change_password,
        sees_all_customers=row.sees_all_customers,
    )


async def session_still_valid(session: AsyncSession, settings: Settings, token_hash: str) -> bool:
    """Read-only re-check for long-lived streams: does not extend the idle timeout."""
    params = {"token_hash": token_hash, **_timeouts(settings)}
    return (await session.execute(_STILL_VALID_SQL, params)).first() is not None


async def submitted_csrf_token(request: Request) -> str | None:
    """The CSRF token of a request: the header, or the form field of a form post."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        # Starlette caches the parsed form, so the route can still read it.
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, expected: str | None) -> None:
    if request.method in SAFE_METHODS:
        return
    if not csrf_tokens_match(expected, await submitted_csrf_token(request)):
        raise CsrfFailed()


async def optional_viewer(request: Request, session: DbSession) -> Viewer | None:
    """The logged-in viewer when there is one (also before the TOTP step)."""
    cached = getattr(request.state, "viewer", None)
    if cached is not None:
        return cached
    viewer = await load_viewer(session, get_settings(request), request.cookies.get(SESSION_COOKIE))
    request.state.viewer = viewer
    return viewer


async def pending_mfa_viewer(
    request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]
) -> Viewer:
    """A viewer who passed the password step; used by the TOTP step only."""
    if viewer is None:
        raise NotAuthenticated()
    await check_csrf(request, viewer.csrf_token)
    return viewer


async def current_viewer(
    request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]
) -> Viewer:
    """A fully logged-in viewer (password and TOTP); enforces CSRF on state changes."""
    if viewer is None:
        raise NotAuthenticated()
    if not viewer.mfa_passed:
        raise NotAuthenticated(mfa_pending=True)
    await check_csrf(request, viewer.csrf_token)
    if viewer.must_change_password and request.url.path not in PASSWORD_CHANGE_PATHS:
        raise PasswordChangeRequired()
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def role_required(allowed: Iterable[Role]) -> Callable[..., Viewer]:
    allowed_roles = frozenset(allowed)

    async def dependency(viewer: CurrentViewer) -> Viewer:
        require_role(viewer, allowed_roles)
        return viewer

    return dependency


# Every role a route may require, declared once: a route names the people it serves.
ContactReader = Annotated[Viewer, Depends(role_required(READ_CONTACTS))]
ContactWorker = Annotated[Viewer, Depends(role_required(WORK_CONTACTS))]
Assigner = Annotated[Viewer, Depends(role_required(ASSIGN_CONTACTS))]
Supervisor = Annotated[Viewer, Depends(role_required(SUPERVISORS))]
Admin = Annotated[Viewer, Depends(role_required(ADMINISTER))]
KbReader = Annotated[Viewer, Depends(role_required(KB_READ))]
KbWriter = Annotated[Viewer, Depends(role_required(KB_WRITE))]
AuditReader = Annotated[Viewer, Depends(role_required(READ_AUDIT))]
RecordsManager = Annotated[Viewer, Depends(role_required(MANAGE_RECORDS))]
RetentionAdmin = Annotated[Viewer, Depends(role_required(ADMINISTER | MANAGE_RECORDS))]
OptionalViewer = Annotated[Viewer | None, Depends(optional_viewer)]
PendingMfaViewer = Annotated[Viewer, Depends(pending_mfa_viewer)]


@dataclass
class RequestContext:
    """What a route and the helpers it calls share for one request: who asks, their
    database session, the settings, and where the request came from. The Temporal
    client is fetched on first use, so a page that only reads needs no engine."""

    request: Request
    viewer: Viewer
    session: AsyncSession
    settings: Settings

    @property
    def origin(self) -> str | None:
        return client_ip(self.request)

    async def temporal(self) -> Client:
        return await temporal_client(self.request)


async def customer_need_to_know(request: Request, viewer: Viewer, session: AsyncSession) -> None:
    """A route about one customer (``{customer_id}`` in its path), after its role check:
    404 unless the viewer may know that customer (services.access.require_customer)."""
    raw = request.path_params.get("customer_id")
    if raw is None or viewer.role not in READ_CONTACTS:
        return
    try:
        customer_id = int(raw)
    except ValueError:
        return  # the route's own validation answers 422
    if 1 <= customer_id <= 2**31 - 1:
        await require_customer(session, viewer, customer_id)


def context_for(allowed: Iterable[Role]) -> Callable[..., Any]:
    """A dependency: the RequestContext of a viewer with one of the allowed roles."""
    guard = role_required(allowed)

    async def dependency(request: Request, viewer: Viewer, session: AsyncSession) -> RequestContext:
        await customer_need_to_know(request, viewer, session)
        return RequestContext(request, viewer, session, get_settings(request))

    # Real objects, not the strings of ``from __future__ import annotations``: FastAPI
    # resolves strings in the module's globals, where this closure's guard is not.
    dependency.__annotations__ = {
        "request": Request,
        "viewer": Annotated[Viewer, Depends(guard)],
        "session": DbSession,
        "return": RequestContext,
    }
    return dependency


def dev_tools_enabled(settings: SettingsDep) -> None:
    """Dev pages do not exist unless switched on (checked before login: no hints)."""
    if not settings.dev_tools:
        raise HTTPException(status_code=404)


async def temporal_client(request: Request) -> Client:
    """The app's Temporal client; connects lazily when the API started without it."""
    state = request.app.state
    if state.temporal_client is not None:
        return state.temporal_client
    async with state.temporal_lock:
        if state.temporal_client is None:
            settings: Settings = state.settings
            try:
                # with the encrypting payload converter
                state.temporal_client = await asyncio.wait_for(
                    connect_temporal(settings), timeout=5
                )
            except Exception as exc:
                log.warning("Temporal is not reachable: %s", exc)
                raise HTTPException(
                    status_code=503, detail="The workflow engine is not reachable; try again."
                ) from exc
    return state.temporal_client


TemporalClient = Annotated[Client, Depends(temporal_client)]

# The same roles as above, for routes that hand the whole request context on.
ReadContext = Annotated[RequestContext, Depends(context_for(READ_CONTACTS))]
WorkContext = Annotated[RequestContext, Depends(context_for(WORK_CONTACTS))]
AssignContext = Annotated[RequestContext, Depends(context_for(ASSIGN_CONTACTS))]
SupervisorContext = Annotated[RequestContext, Depends(context_for(SUPERVISORS))]
AdminContext = Annotated[RequestContext, Depends(context_for(ADMINISTER))]
KbReadContext = Annotated[RequestContext, Depends(context_for(KB_READ))]
KbWriteContext = Annotated[RequestContext, Depends(context_for(KB_WRITE))]
AuditContext = Annotated[RequestContext, Depends(context_for(READ_AUDIT))]
RecordsContext = Annotated[RequestContext, Depends(context_for(MANAGE_RECORDS))]
RetentionContext = Annotated[RequestContext, Depends(context_for(ADMINISTER | MANAGE_RECORDS))]

__all__ = [
    "CsrfFailed",
    "CurrentViewer",
    "DbSession",
    "NotAuthenticated",
    "PasswordChangeRequired",
    "RoleNotAllowed",
    "SettingsDep",
    "TemporalClient",
    "role_required",
]
