"""The records area's routers, registered by api.main in one call."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from api.routes import codec, oidc, privacy, privacy_pages, records

    return [records.router, codec.router, privacy.router, privacy_pages.router, oidc.router]
