"""How the API answers what went wrong: one mapping from exceptions to HTTP, as a
page for browsers and as JSON for the API (never a bare 500 for a known case).

Every 422 has FastAPI's documented shape, ``{"detail": [{"type", "loc", "msg"}]}``,
also when a route refuses with a sentence of its own."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope

from api.deps import CsrfFailed, NotAuthenticated, PasswordChangeRequired
from api.rendering import render
from services.access import NotAccessible, RoleNotAllowed
from services.decisions import DecisionQueued, DecisionRefused, EngineBusy, refusal_body

BUSY = "The system is busy; your action was not taken. Try again in a moment."
QUEUED = (
    "The system is busy; your action is queued and will be carried out when it is back. "
    "Do not repeat it."
)

log = logging.getLogger(__name__)

# The status codes that have their own sentence on the error page.
PAGE_KEYS = {
    403: "error.403",
    404: "error.404",
    405: "error.405",
    409: "error.409",
    422: "error.422",
    429: "error.429",
    500: "error.500",
    503: "error.503",
}


class ErrorOut(BaseModel):
    """A refusal other than invalid input (401, 403, 404, 409, 429, 503)."""

    detail: str


class InputErrorOut(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class InvalidInputOut(BaseModel):
    """FastAPI's validation shape, also for a route's own refusal of input."""

    detail: list[InputErrorOut]


# Declared on every operation of the OpenAPI document: any route may answer these
# (not logged in, role or CSRF, need-to-know, a refused decision, too many, no engine).
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed request (e.g. a body that is no form)"},
    401: {"model": ErrorOut, "description": "Not logged in"},
    403: {"model": ErrorOut, "description": "Role may not, or CSRF token missing"},
    404: {"model": ErrorOut, "description": "Not found, or not yours to know of"},
    409: {"description": "Refused in the current state"},
    422: {"model": InvalidInputOut, "description": "Invalid input"},
    429: {"model": ErrorOut, "description": "Too many attempts"},
    503: {"model": ErrorOut, "description": "The workflow engine did not answer"},
}


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def validation_detail(detail: Any) -> list[dict[str, Any]]:
    """A route's own refusal sentence in the shape of a validation error."""
    if isinstance(detail, list):
        return detail
    return [{"type": "value_error", "loc": ["body"], "msg": str(detail)}]


def error_page(request: Request, status: int, detail: str, key: str | None = None) -> Response:
    viewer = getattr(request.state, "viewer", None)
    return render(
        request,
        "partials/error.html",
        viewer,
        status_code=status,
        status=status,
        message_key=key or PAGE_KEYS.get(status),
        detail=detail,
    )


def _error(request: Request, status: int, detail: Any, key: str | None = None) -> Response:
    if wants_html(request):
        return error_page(request, status, _sentence(detail), key)
    if status == 422:
        detail = validation_detail(detail)
    return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=status)


def _sentence(detail: Any) -> str:
    if isinstance(detail, list):
        return "; ".join(str(item.get("msg", item)) for item in detail if isinstance(item, dict))
    return str(detail)


def refused_input(scope: Scope, errors: list[dict[str, Any]]) -> Response:
    """The answer of the edge's input checks (api/validation.py)."""
    return _error(Request(scope), 422, errors)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_html(request):
            target = "/login/totp" if exc.mfa_pending else "/login"
            deep_link = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            if request.method == "GET" and request.url.path != "/":  # back there after login
                target += "?" + urlencode({"next": deep_link})
            return RedirectResponse(target, status_code=303)
        return JSONResponse({"detail": "Not authenticated"}, status_code=401)

    @app.exception_handler(PasswordChangeRequired)
    async def password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
        if wants_html(request):
            return RedirectResponse("/account/password", status_code=303)
        detail = "Choose a new password first (/account/password)."
        return JSONResponse({"detail": detail}, status_code=403)

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, exc: CsrfFailed) -> Response:
        return _error(request, 403, "CSRF token missing or wrong; reload the page.", "error.403")

    @app.exception_handler(RoleNotAllowed)
    async def role_not_allowed(request: Request, exc: RoleNotAllowed) -> Response:
        return _error(request, 403, "Your role may not use this function.", "error.403")

    @app.exception_handler(NotAccessible)
    async def not_accessible(request: Request, exc: NotAccessible) -> Response:
        return _error(request, 404, "Not found", "error.404")

    # Starlette's own (unknown path: 404, wrong method: 405) as well as FastAPI's.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        response = _error(request, exc.status_code, exc.detail)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(DecisionRefused)
    async def decision_refused(request: Request, exc: DecisionRefused) -> Response:
        if wants_html(request):
            return _error(request, 409, str(exc))
        return JSONResponse(refusal_body(exc), status_code=409)

    @app.exception_handler(EngineBusy)
    async def engine_busy(request: Request, exc: EngineBusy) -> Response:
        if wants_html(request):
            return _error(request, 503, BUSY)
        body = {"detail": BUSY, "code": "EngineBusy"}
        return JSONResponse(body, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(DecisionQueued)
    async def decision_queued(request: Request, exc: DecisionQueued) -> Response:
        if wants_html(request):
            return _error(request, 202, QUEUED)
        body = {"detail": QUEUED, "code": "Queued", "update_id": exc.update_id}
        return JSONResponse(body, status_code=202)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, list(exc.errors()))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(
            request,
            500,
            "Something went wrong on our side; try again, or report the time of this error.",
        )
