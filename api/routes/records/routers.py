"""The records area's routers, registered by api.main in one call."""

from __future__ import annotations

from fastapi import APIRouter


def routers() -> list[APIRouter]:
    from api.routes import codec
    from api.routes.auth import oidc
    from api.routes.records import audit as records
    from api.routes.records import privacy, privacy_pages

    return [records.router, codec.router, privacy.router, privacy_pages.router, oidc.router]
