"""User and accreditation administration (admins only): validation and the changes.

Every change is written together with its audit event in the caller's transaction.
Secrets (an initial password, a TOTP secret) are returned to the caller once and
never logged; the database keeps only the argon2 hash and the TOTP secret.

Deactivating a user ends their sessions at once: ``api.deps`` already refuses a
session of an inactive user on every request, and the rows are deleted here too,
so nothing is left to revive. Accreditations are kept (reactivation restores them).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import SQLModel, select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.languages import LANGUAGES
from contracts.work import LINES
from db.models.contacts import (
    Accreditation,
    Contact,
    ContactStatus,
    Product,
    Role,
    User,
    WebSession,
    utcnow,
)
from db.models.work import LineAccreditation
from services import audit
from services.access import Viewer
from services.security import hash_password, new_totp_secret, totp_provisioning_uri

# Password policy for passwords an admin sets. The same minimum as
# db.models.contacts.UserCreate; length is what makes a password strong (NIST SP 800-63B),
# so no composition rules, but never the username inside it.
PASSWORD_MIN = 12
PASSWORD_MAX = 256
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,99}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EXTRA_LINES = LINES[1:]  # lines on top of a product accreditation (which gives line 1)
GENERATED_PASSWORD_BYTES = 15  # 20 URL-safe characters


class UserAdminError(ValueError):
    """Input an admin must correct. ``code`` is a stable key (translated in the UI),
    ``field`` the form field it belongs to (None: the whole form)."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


class UserNotFound(LookupError):
    pass


# --- inputs -----------------------------------------------------------------------------


class NewUser(SQLModel):
    username: str
    full_name: str
    email: str | None = None
    role: str = Role.agent.value
    language: str = "nl"
    password: str | None = None  # empty: a generated one, shown once


class UserEdit(SQLModel):
    full_name: str | None = None
    email: str | None = None
    role: str | None = None
    language: str | None = None


@dataclass
class CreatedUser:
    user: User
    password: str | None  # only when generated
    totp_secret: str
    totp_uri: str


@dataclass
class Grant:
    """One box of the accreditation grid: line 1 is the product accreditation."""

    product_id: int
    line: int


@dataclass
class GridRow:
    product_id: int
    code: str
    name: str
    active: bool
    lines: dict[int, bool] = field(default_factory=dict)  # 1, 2, 3 -> granted


@dataclass
class ClaimedContact:
    reference: str
    product_code: str
    status: str
    line: int


# --- validation ---------------------------------------------------------------------------


def password_problem(password: str, username: str) -> UserAdminError | None:
    if len(password) < PASSWORD_MIN:
        return UserAdminError(
            "password_short", f"The password needs at least {PASSWORD_MIN} characters.", "password"
        )
    if len(password) > PASSWORD_MAX:
        return UserAdminError(
            "password_long",
            f"The password may have at most {PASSWORD_MAX} characters.",
            "password",
        )
    if username and username.lower() in password.lower():
        return UserAdminError(
            "password_username", "The password may not contain the username.", "password"
        )
    return None


def generated_password() -> str:
    return secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)


def _clean_name(value: str | None) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise UserAdminError("name_required", "Enter the full name.", "full_name")
    if len(name) > 200:
        raise UserAdminError("name_long", "The name may have at most 200 characters.", "full_name")
    return name


def _clean_email(value: str | None) -> str | None:
    email = (value or "").strip()
    if not email:
        return None
    if len(email) > 320 or not EMAIL_RE.match(email):
        raise UserAdminError("email_invalid", "Enter a valid e-mail address.", "email")
    return email


def _clean_role(value: str | None) -> Role:
    try:
        return Role(value or "")
    except ValueError:
        raise UserAdminError("role_invalid", "Choose one of the roles.", "role") from None


def _clean_language(value: str | None) -> str:
    if value not in LANGUAGES:
        raise UserAdminError("language_invalid", "Choose one of the languages.", "language")
    return value


def _clean_username(value: str) -> str:
    username = (value or "").strip().lower()
    if not USERNAME_RE.match(username):
        raise UserAdminError(
            "username_invalid",
            "Use 2-100 lower-case letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit.",
            "username",
        )
    return username


# --- reading ------------------------------------------------------------------------------


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(user_id)
    return user


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > utcnow()


async def accreditation_grid(session: AsyncSession, user_id: int) -> list[GridRow]:
    """Every product (active or not, so nothing granted is hidden) with the user's boxes."""
    products = (await session.exec(select(Product).order_by(Product.code))).all()
    granted = set(await _grants(session, user_id))
    return [
        GridRow(
            product_id=p.id,
            code=p.code,
            name=p.name,
            active=p.active,
            lines={n: (p.id, n) in granted for n in LINES},
        )
        for p in products
    ]


async def _grants(session: AsyncSession, user_id: int) -> list[tuple[int, int]]:
    products = await session.exec(
        select(Accreditation.product_id).where(Accreditation.user_id == user_id)
    )
    lines = await session.exec(
        select(LineAccreditation.product_id, LineAccreditation.line).where(
            LineAccreditation.user_id == user_id
        )
    )
    return [(p, 1) for p in products.all()] + [(p, n) for p, n in lines.all()]


async def claimed_contacts(session: AsyncSession, user_id: int) -> list[ClaimedContact]:
    """Contacts the user holds that are not closed (only references and codes: an
    admin needs no contact content to hand work back)."""
    rows = await session.exec(
        select(Contact.reference, Product.code, Contact.status, Contact.line)
        .join(Product, Product.id == Contact.product_id)
        .where(Contact.assignee_id == user_id, Contact.status != ContactStatus.closed)
        .order_by(Contact.id)
    )
    return [ClaimedContact(r, c, str(s), n) for r, c, s, n in rows.all()]


# --- changes ------------------------------------------------------------------------------


async def _audit(
    session: AsyncSession,
    admin: Viewer,
    action: str,
    user_id: int | None,
    origin: str | None,
    detail: dict[str, Any] | None = None,
    result: str = "ok",
) -> None:
    await audit.record(
        session,
        actor=admin.username,
        actor_id=admin.id,
        action=f"user_admin.{action}",
        object_type="user",
        object_id=user_id,
        result=result,
        origin=origin,
        detail=detail,
    )


async def audit_refusal(
    session: AsyncSession,
    admin: Viewer,
    action: str,
    user_id: int | None,
    origin: str | None,
    error: UserAdminError,
) -> None:
    """A refused change is logged too (BIO: attempts count), then committed."""
    await session.rollback()
    await _audit(session, admin, action, user_id, origin, {"code": error.code}, "denied")
    await session.commit()


async def create_user(
    session: AsyncSession, admin: Viewer, data: NewUser, origin: str | None
) -> CreatedUser:
    username = _clean_username(data.username)
    full_name = _clean_name(data.full_name)
    email = _clean_email(data.email)
    role = _clean_role(data.role)
    language = _clean_language(data.language)
    generated = not data.password
    password = generated_password() if generated else data.password
    problem = password_problem(password, username)
    if problem:
        raise problem
    taken = await session.exec(select(User.id).where(func.lower(User.username) == username))
    if taken.first() is not None:
        raise UserAdminError("username_taken", "This username is already in use.", "username")
    secret = new_totp_secret()
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=role,
        language=language,
        password_hash=hash_password(password),
        totp_secret=secret,
        must_change_password=True,  # the admin knows it: the user picks their own
    )
    session.add(user)
    await session.flush()
    await _audit(
        session,
        admin,
        "create",
        user.id,
        origin,
        {"username": username, "role": role.value, "generated_password": generated},
    )
    await session.commit()
    return CreatedUser(
        user, password if generated else None, secret, totp_provisioning_uri(secret, username)
    )


async def update_user(
    session: AsyncSession, admin: Viewer, user_id: int, edit: UserEdit, origin: str | None
) -> User:
    user = await get_user(session, user_id)
    changes: dict[str, Any] = {}
    if edit.full_name is not None:
        changes["full_name"] = _clean_name(edit.full_name)
    if edit.email is not None:
        changes["email"] = _clean_email(edit.email)
    if edit.role is not None:
        changes["role"] = _clean_role(edit.role)
        if user.id == admin.id and changes["role"] != user.role:
            raise UserAdminError(
                "self_demote", "You cannot change your own role; ask another admin.", "role"
            )
    if edit.language is not None:
        changes["language"] = _clean_language(edit.language)
    changed = sorted(k for k, v in changes.items() if getattr(user, k) != v)
    for key in changed:
        setattr(user, key, changes[key])
    detail: dict[str, Any] = {"fields": changed}
    if "role" in changed:
        detail["role"] = str(changes["role"])
    await _audit(session, admin, "update", user.id, origin, detail)
    await session.commit()
    return user


async def end_sessions(session: AsyncSession, user_id: int) -> int:
    result = await session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return result.rowcount or 0


async def set_active(
    session: AsyncSession, admin: Viewer, user_id: int, active: bool, origin: str | None
) -> User:
    """(De)activate; deactivating ends the user's sessions, accreditations stay."""
    user = await get_user(session, user_id)
    if not active and user.id == admin.id:
        raise UserAdminError("self_deactivate", "You cannot deactivate your own account.")
    ended = 0
    user.is_active = active
    if not active:
        ended = await end_sessions(session, user.id)
    action = "reactivate" if active else "deactivate"
    await _audit(session, admin, action, user.id, origin, {"sessions_ended": ended})
    await session.commit()
    return user


async def unlock(session: AsyncSession, admin: Viewer, user_id: int, origin: str | None) -> User:
    user = await get_user(session, user_id)
    detail = {"was_locked": is_locked(user), "failed_logins": user.failed_logins}
    user.locked_until = None
    user.failed_logins = 0
    await _audit(session, admin, "unlock", user.id, origin, detail)
    await session.commit()
    return user


async def reset_totp(
    session: AsyncSession, admin: Viewer, user_id: int, origin: str | None
) -> tuple[User, str, str]:
    """A new second factor (e.g. a lost phone): the old one stops working, and so do
    the user's sessions, which were opened with it. Returns (user, secret, uri)."""
    user = await get_user(session, user_id)
    secret = new_totp_secret()
    user.totp_secret = secret
    ended = await end_sessions(session, user.id)
    await _audit(session, admin, "totp_reset", user.id, origin, {"sessions_ended": ended})
    await session.commit()
    return user, secret, totp_provisioning_uri(secret, user.username)


async def reset_password(
    session: AsyncSession, admin: Viewer, user_id: int, origin: str | None
) -> tuple[User, str]:
    """A forgotten password: a generated one, shown once to the admin; the user must
    choose their own at the next login. Ends their sessions and lifts a lock-out."""
    user = await get_user(session, user_id)
    password = generated_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    ended = await end_sessions(session, user.id)
    await _audit(session, admin, "password_reset", user.id, origin, {"sessions_ended": ended})
    await session.commit()
    return user, password


def _check_grants(grants: Iterable[Grant], product_ids: set[int]) -> set[tuple[int, int]]:
    wanted = {(g.product_id, g.line) for g in grants}
    for product_id, line in wanted:
        if product_id not in product_ids:
            raise UserAdminError("product_unknown", f"Unknown product {product_id}.")
        if line not in LINES:
            raise UserAdminError("line_invalid", f"Line {line} does not exist.")
        if line != 1 and (product_id, 1) not in wanted:
            raise UserAdminError(
                "line_needs_product",
                "A 2nd or 3rd line needs the accreditation for its product.",
            )
    return wanted


async def set_accreditations(
    session: AsyncSession,
    admin: Viewer,
    user_id: int,
    grants: Iterable[Grant],
    origin: str | None,
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Make the user's boxes exactly ``grants``; returns (added, removed) as (code, line)."""
    user = await get_user(session, user_id)
    codes = dict((await session.exec(select(Product.id, Product.code))).all())
    wanted = _check_grants(grants, set(codes))
    have = set(await _grants(session, user.id))
    added, removed = sorted(wanted - have), sorted(have - wanted)
    for product_id, line in removed:
        if line == 1:
            await session.execute(
                delete(Accreditation).where(
                    Accreditation.user_id == user.id, Accreditation.product_id == product_id
                )
            )
        else:
            await session.execute(
                delete(LineAccreditation).where(
                    LineAccreditation.user_id == user.id,
                    LineAccreditation.product_id == product_id,
                    LineAccreditation.line == line,
                )
            )
    for product_id, line in added:
        if line == 1:
            session.add(Accreditation(user_id=user.id, product_id=product_id))
        else:
            session.add(LineAccreditation(user_id=user.id, product_id=product_id, line=line))
    await session.flush()
    named_added = [(codes[p], n) for p, n in added]
    named_removed = [(codes[p], n) for p, n in removed]
    await _audit(
        session,
        admin,
        "accreditations",
        user.id,
        origin,
        {
            "added": [f"{c}:{n}" for c, n in named_added],
            "removed": [f"{c}:{n}" for c, n in named_removed],
        },
    )
    await session.commit()
    return named_added, named_removed
