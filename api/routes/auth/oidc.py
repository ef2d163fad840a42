"""OIDC single sign-on routes (records area): /login/oidc -> provider -> callback.

Exists only when ``settings.oidc_enabled``; local accounts (password + TOTP) keep
working next to it. A login whose token shows no second factor is refused.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import delete
from sqlmodel import select

from adapters.oidc import OidcIdentity, OidcProvider, OidcRefused, pack_flow, unpack_flow
from api.deps import DbSession, SettingsDep, client_ip
from api.routes.auth.login import _login_page, safe_next, set_session_cookie, start_session
from db.models.contacts import Accreditation, Product, User
from services import audit
from services.security import hash_password, new_session_token

router = APIRouter(tags=["auth"], include_in_schema=False)

FLOW_COOKIE = "pulse_oidc_flow"


def _provider(request: Request) -> OidcProvider:
    settings = request.app.state.settings
    if not settings.oidc_enabled:
        raise HTTPException(status_code=404)
    provider = getattr(request.app.state, "oidc_provider", None)
    if provider is None:
        provider = request.app.state.oidc_provider = OidcProvider(settings)
    return provider


def _redirect_uri(settings) -> str:
    return settings.public_url.rstrip("/") + "/login/oidc/callback"


@router.get("/login/oidc")
async def oidc_start(request: Request, settings: SettingsDep, next: str = "/"):
    provider = _provider(request)
    url, flow = await provider.authorization_url(_redirect_uri(settings), safe_next(next))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        pack_flow(settings.secret_key.get_secret_value(), flow),
        httponly=True,
        samesite="lax",
        secure=settings.session_cookie_secure,
        max_age=600,
        path="/login/oidc",
    )
    return response


@router.get("/login/oidc/callback")
async def oidc_callback(
    request: Request, session: DbSession, settings: SettingsDep, code: str = "", state: str = ""
):
    provider = _provider(request)
    origin = client_ip(request)
    try:
        flow = unpack_flow(settings.secret_key.get_secret_value(), request.cookies.get(FLOW_COOKIE))
        identity = await provider.identity(flow, code, state, _redirect_uri(settings))
        user = await user_for(session, settings, identity)
    except OidcRefused as exc:
        await audit.record(
            session,
            actor="oidc",
            action="login.oidc",
            object_type="user",
            result="denied",
            origin=origin,
            detail={"reason": exc.reason},
        )
        await session.commit()
        response = _login_page(request, settings, "records.oidc.failed", status=401)
        response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
        return response
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
    response = RedirectResponse(flow.get("next") or "/", status_code=303)
    set_session_cookie(response, settings, token)
    response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
    return response


async def user_for(session, settings, identity: OidcIdentity) -> User:
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
