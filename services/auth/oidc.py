"""Single sign-on, the service side: the PULSE user of an OIDC identity (linked or
created as the claims allow), and the audited outcome of an SSO login."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from adapters.oidc import OidcIdentity, OidcRefused
from config.settings import Settings
from db.models.contacts import Accreditation, Product, User
from services import audit
from services.auth.login import start_session
from services.security import hash_password, new_session_token


async def refused(session: AsyncSession, reason: str, origin: str | None) -> None:
    """Audit a refused SSO login (no user is known, or the identity may not log in)."""
    await audit.record(
        session,
        actor="oidc",
        action="login.oidc",
        object_type="user",
        result="denied",
        origin=origin,
        detail={"reason": reason},
    )
    await session.commit()


async def sign_in(
    session: AsyncSession, settings: Settings, identity: OidcIdentity, origin: str | None
) -> str:
    """The session token of an SSO login (the provider checked the second factor).
    Raises OidcRefused when the identity has no PULSE user that may log in."""
    user = await user_for(session, settings, identity)
    token = await start_session(session, settings, user, mfa_passed=True, origin=origin)
    await audit.record(
        session,
        actor=user.username,
        actor_id=user.id,
        action="login.oidc",
        object_type="user",
        object_id=user.id,
        origin=origin,
        detail={"amr": identity.amr, "acr": identity.acr},
    )
    await session.commit()
    return token


async def user_for(session: AsyncSession, settings: Settings, identity: OidcIdentity) -> User:
    """The PULSE user of an SSO identity: by subject, else linked once by username,
    else created when the claims give a role. Claims, when present, set the role and
    accreditations; otherwise PULSE's own record decides."""
    user = (await session.exec(select(User).where(User.oidc_subject == identity.subject))).first()
    if user is None:
        user = (
            await session.exec(
                select(User).where(User.username == identity.username, User.oidc_subject.is_(None))
            )
        ).first()
        if user is not None:
            user.oidc_subject = identity.subject
    if user is None:
        if identity.role is None or not settings.oidc_create_users:
            raise OidcRefused("no PULSE user for this identity and no role claim")
        user = User(
            username=identity.username,
            full_name=identity.full_name or identity.username,
            email=identity.email,
            role=identity.role,
            oidc_subject=identity.subject,
            password_hash=hash_password(new_session_token()),  # unusable: SSO only
        )
        session.add(user)
    if not user.is_active:
        raise OidcRefused("user inactive")
    if identity.role is not None:
        user.role = identity.role
    await session.flush()
    if identity.product_codes is not None:
        ids = (
            await session.exec(select(Product.id).where(Product.code.in_(identity.product_codes)))
        ).all()
        await session.execute(delete(Accreditation).where(Accreditation.user_id == user.id))
        for product_id in ids:
            session.add(Accreditation(user_id=user.id, product_id=product_id))
        await session.flush()
    return user
