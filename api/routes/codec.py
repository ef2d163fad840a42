"""The Temporal codec server: Temporal Web (and ``temporal workflow show
--codec-endpoint``) send sealed payloads here and show what comes back.

Behind login (password + TOTP) and the ops role. The browser calls it from
Temporal Web's origin, so CORS allows exactly that origin with credentials. CSRF:
a request must carry the session's CSRF token, or come from Temporal Web's origin
(an Origin header a foreign page cannot forge; the preflight admits only that one).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from adapters.temporal.codec import (
    UnknownKey,
    codec_from_settings,
    payloads_from_json,
    payloads_to_json,
)
from api.deps import check_csrf, client_ip, optional_viewer
from services import audit
from services.access import DECODE_PAYLOADS, RoleNotAllowed, Viewer, require_role

router = APIRouter(prefix="/codec", tags=["codec"])


def ui_origin(request: Request) -> str:
    parts = urlsplit(request.app.state.settings.temporal_web_url)
    return f"{parts.scheme}://{parts.netloc}"


def cors_headers(request: Request) -> dict[str, str]:
    origin = request.headers.get("origin")
    if origin != ui_origin(request):
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, X-Namespace, Authorization",
        "Vary": "Origin",
    }


class CodecRefused(HTTPException):
    """A refusal Temporal Web can read: it carries the CORS headers, so the browser
    hands Temporal Web the status and reason instead of a bare network error."""


async def codec_viewer(
    request: Request, viewer: Annotated[Viewer | None, Depends(optional_viewer)]
) -> Viewer:
    cors = cors_headers(request)
    if viewer is None or not viewer.mfa_passed:
        detail = (
            "Not logged in to PULSE in this browser (as ops, with the second factor), "
            "or Temporal Web does not send credentials: in Temporal Web's Codec Server "
            "settings tick 'Include cross-origin credentials'."
        )
        raise CodecRefused(status_code=401, detail=detail, headers=cors)
    if request.headers.get("origin") != ui_origin(request):
        await check_csrf(request, viewer.csrf_token)
    try:
        require_role(viewer, DECODE_PAYLOADS)
    except RoleNotAllowed as exc:
        raise CodecRefused(
            status_code=403, detail="Only the ops role decodes payloads.", headers=cors
        ) from exc
    return viewer


Ops = Annotated[Viewer, Depends(codec_viewer)]


class PayloadsIn(BaseModel):
    payloads: list[dict[str, Any]] = []


async def _run(request: Request, viewer: Viewer, body: PayloadsIn, decode: bool) -> Response:
    codec = codec_from_settings(request.app.state.settings)
    payloads = payloads_from_json(body.payloads)
    try:
        out = await (codec.decode(payloads) if decode else codec.encode(payloads))
    except (UnknownKey, ValueError) as exc:
        raise CodecRefused(status_code=400, detail=str(exc), headers=cors_headers(request)) from exc
    except Exception as exc:  # cryptography's InvalidTag: tampered or wrong key
        raise CodecRefused(
            status_code=400, detail="payload cannot be decoded", headers=cors_headers(request)
        ) from exc
    if decode:  # who looked at decoded workflow data (BIO)
        async with request.app.state.sessionmaker() as session:
            detail = {"count": len(payloads), "namespace": request.headers.get("x-namespace", "")}
            await audit.record_for(
                session,
                viewer,
                "codec.decode",
                "temporal_payloads",
                origin=client_ip(request),
                detail=detail,
            )
    return JSONResponse({"payloads": payloads_to_json(out)}, headers=cors_headers(request))


@router.post("/decode")
async def decode(request: Request, viewer: Ops, body: PayloadsIn) -> Response:
    return await _run(request, viewer, body, decode=True)


@router.post("/encode")
async def encode(request: Request, viewer: Ops, body: PayloadsIn) -> Response:
    return await _run(request, viewer, body, decode=False)


@router.options("/decode", include_in_schema=False)
@router.options("/encode", include_in_schema=False)
async def preflight(request: Request) -> Response:
    """CORS preflight from Temporal Web (no cookies are sent with a preflight)."""
    return Response(status_code=204, headers=cors_headers(request))
