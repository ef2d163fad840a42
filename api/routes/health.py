"""GET /healthz: is this API process able to serve (no login, no personal data)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import DbSession

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz(session: DbSession) -> JSONResponse:
    try:
        await session.execute(text("SELECT 1"))
    except Exception:  # the reason goes to the log, not to an anonymous caller
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
