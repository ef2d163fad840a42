"""A user's own account: changing their password (also the forced change after an
admin set it, see services.admin.users.reset_password and api.deps.current_viewer)."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import User, WebSession, utcnow
from services import audit
from services.access import Viewer
from services.admin.users import UserAdminError, password_problem
from services.security import hash_password, verify_password


async def change_password(
    session: AsyncSession,
    viewer: Viewer,
    current: str,
    new: str,
    repeated: str,
    origin: str | None,
) -> None:
    """Check the current password and the new one; store it, end the user's other
    sessions (a stolen session dies with the old password) and audit. Raises
    UserAdminError (code, field) for the form; a refusal is audited too."""
    user = await session.get(User, viewer.id)
    problem = _problem(user, viewer, current, new, repeated)
    if problem is not None:
        await _audit(session, viewer, origin, "denied", {"code": problem.code})
        await session.commit()
        raise problem
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.password_changed_at = utcnow()
    ended = await session.execute(
        delete(WebSession).where(
            WebSession.user_id == user.id, WebSession.token_hash != viewer.token_hash
        )
    )
    await _audit(session, viewer, origin, "ok", {"other_sessions_ended": ended.rowcount or 0})
    await session.commit()


def _problem(user, viewer, current, new, repeated) -> UserAdminError | None:
    if user is None or not verify_password(user.password_hash, current):
        return UserAdminError("current_wrong", "The current password is wrong.", "current")
    if new != repeated:
        return UserAdminError("repeat_differs", "The two new passwords differ.", "repeated")
    if new == current:
        return UserAdminError("same_password", "Choose a password you did not use now.", "new")
    problem = password_problem(new, viewer.username)
    if problem is not None:
        problem.field = "new"
    return problem


async def _audit(session, viewer: Viewer, origin, result: str, detail: dict) -> None:
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="account.password_change",
        object_type="user",
        object_id=viewer.id,
        result=result,
        origin=origin,
        detail=detail,
    )
