"""Signing in, the service side: the password step (with lock-out after repeated
failures, never telling whether the username exists), the TOTP step, server-side
sessions whose cookie is a random token (the database keeps its SHA-256), logout;
every outcome audited."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import Settings
from db.models.contacts import User, WebSession, utcnow
from services import audit
from services.access import Viewer
from services.security import (
    hash_password,
    hash_session_token,
    new_csrf_token,
    new_session_token,
    password_needs_rehash,
    verify_password,
    verify_totp,
)

MAX_USERNAME = 100

# Runs a password check (a blocking argon2 verify); the API passes the throttle's, which
# runs it off the event loop and caps how many run at once.
PasswordCheck = Callable[[Callable[[], bool]], Awaitable[bool | None]]


async def _inline(verify: Callable[[], bool]) -> bool:
    return verify()


class TooManyChecks(Exception):
    """Too many password checks are waiting already (HTTP 429)."""


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
    session: AsyncSession,
    settings: Settings,
    username: str,
    password: str,
    origin: str | None,
    run_check: PasswordCheck = _inline,
) -> LoginOutcome:
    user = (await session.exec(select(User).where(User.username == username))).first()
    stored = user.password_hash if user else None
    password_ok = await run_check(lambda: verify_password(stored, password))
    if password_ok is None:
        raise TooManyChecks()
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


@dataclass
class PasswordStep:
    """The password step's outcome: a session token, or the error to show."""

    token: str | None = None
    error_key: str | None = None
    skip_totp: bool = False


async def password_login(
    session: AsyncSession,
    settings: Settings,
    username: str,
    password: str,
    origin: str | None,
    old_token: str | None,
    run_check: PasswordCheck = _inline,
    language: str | None = None,
) -> PasswordStep:
    """Check the password; on success end the old session (no session fixation: a
    login always gets a fresh one) and start a new one, half logged in unless a demo
    user may skip the second factor."""
    outcome = await check_password(session, settings, username, password, origin, run_check)
    user = outcome.user
    if user is None:
        await session.commit()
        return PasswordStep(error_key=outcome.error_key)
    skip_totp = settings.demo_skip_totp and user.is_demo and settings.environment != "production"
    if not skip_totp and not user.totp_secret:
        await session.commit()
        return PasswordStep(error_key="login.no_mfa")
    if old_token:
        await end_session(session, hash_session_token(old_token))
    if language:  # chosen on the login page: it holds for the pages after it
        user.language = language
    token = await start_session(session, settings, user, mfa_passed=skip_totp, origin=origin)
    await session.commit()
    return PasswordStep(token=token, skip_totp=skip_totp)


async def totp_login(
    session: AsyncSession, settings: Settings, viewer: Viewer, code: str, origin: str | None
) -> str | None:
    """Check the second factor of a half-logged-in viewer: the full session's token,
    or None (the failure counts towards the lock-out)."""
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
        return None
    # A new token after the second factor: whatever saw the half-logged-in token
    # cannot use it for the full session.
    await end_session(session, viewer.token_hash)
    user.failed_logins = 0
    token = await start_session(session, settings, user, mfa_passed=True, origin=origin)
    await session.commit()
    return token


async def logout(session: AsyncSession, viewer: Viewer, origin: str | None) -> None:
    await end_session(session, viewer.token_hash)
    await audit.record_for(session, viewer, "logout", "user", viewer.id, origin=origin)


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    await session.execute(update(User).where(User.id == user_id).values(language=language))
    await session.commit()
