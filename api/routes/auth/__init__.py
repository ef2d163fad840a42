"""Signing in and out: password + TOTP, OIDC single sign-on, the language choice,
and the signed-in user's own password."""

from fastapi import APIRouter

from api.routes.auth import account, login, oidc

api_router = APIRouter()
for _module in (login, oidc, account):
    api_router.include_router(_module.router)
