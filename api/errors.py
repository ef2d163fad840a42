"""How the API answers what went wrong: one mapping from exceptions to HTTP, as a
page for browsers and as JSON for the API (never a bare 500 for a known case)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.deps import CsrfFailed, NotAuthenticated, PasswordChangeRequired
from api.rendering import render
from services.access import NotAccessible, RoleNotAllowed
from services.decisions import DecisionRefused, EngineBusy, refusal_body


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _error(request: Request, status: int, detail: str, key: str | None = None) -> Response:
    if wants_html(request):
        viewer = getattr(request.state, "viewer", None)
        return render(
            request,
            "partials/error.html",
            viewer,
            status_code=status,
            message_key=key,
            detail=detail,
        )
    return JSONResponse({"detail": detail}, status_code=status)


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

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        key = {404: "error.404", 403: "error.403"}.get(exc.status_code)
        response = _error(request, exc.status_code, str(exc.detail), key)
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
        detail = "The workflow engine did not answer; your action was not taken. Try again."
        return _error(request, 503, detail)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
