"""OIDC single sign-on routes: /login/oidc -> provider -> callback.

Exists only when ``settings.oidc_enabled``; local accounts (password + TOTP) keep
working next to it. A login whose token shows no second factor is refused.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse

from adapters.oidc import OidcProvider, OidcRefused, pack_flow, unpack_flow
from api.deps import DbSession, SettingsDep, client_ip
from api.routes.auth.login import _login_page, safe_next, set_session_cookie
from services.auth import oidc

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
        token = await oidc.sign_in(session, settings, identity, origin)
    except OidcRefused as exc:
        await oidc.refused(session, exc.reason, origin)
        response = _login_page(request, settings, "records.oidc.failed", status=401)
        response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
        return response
    response = RedirectResponse(flow.get("next") or "/", status_code=303)
    set_session_cookie(response, settings, token)
    response.delete_cookie(FLOW_COOKIE, path="/login/oidc")
    return response
