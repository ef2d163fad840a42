"""The PULSE web app: JSON API, agent UI and live events, in one FastAPI app.

Run: ``uvicorn --factory api.main:create_app``. The API is thin: it reads
projections from PostgreSQL and sends people's decisions to Temporal workflows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from api.deps import CsrfFailed, NotAuthenticated, PasswordChangeRequired
from api.routes import (
    admin,
    attachments,
    auth,
    contact_pages,
    contacts,
    dev,
    events,
    health,
    tasks,
)
from api.routes.pages import UI_DIR, render
from api.sse import EventHub
from config.settings import Settings, get_settings
from core.access import NotAccessible, RoleNotAllowed
from core.codec import connect_temporal
from core.db import make_engine, make_sessionmaker

log = logging.getLogger(__name__)

# No inline scripts anywhere: all JavaScript is in ui/static. Inline *styles* are
# allowed because sanitized customer HTML (shown in a sandboxed iframe that
# inherits this policy) relies on them; remote images stay blocked (no tracking).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI / ReDoc need their own scripts and inline bootstrap code.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https:; "
    "style-src 'self' 'unsafe-inline' https:; img-src 'self' data: https:; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


class SecurityHeaders:
    """Pure ASGI middleware (no buffering, so SSE streams pass straight through)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"].startswith(DOCS_PATHS) else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (
                    (b"content-security-policy", csp.encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _error(request: Request, status: int, detail: str, key: str | None = None) -> Response:
    if wants_html(request):
        viewer = getattr(request.state, "viewer", None)
        return render(
            request, "error.html", viewer, status_code=status, message_key=key, detail=detail
        )
    return JSONResponse({"detail": detail}, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if wants_html(request):
            target = "/login/totp" if exc.mfa_pending else "/login"
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

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> Response:
        from fastapi.encoders import jsonable_encoder

        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)


def include_routers(app: FastAPI) -> None:
    for module in (health, auth, tasks, contacts, contact_pages, attachments, events, admin, dev):
        app.include_router(module.router)
    # records area (issue 6): audit log, retention, privacy, codec, SSO
    from api.routes import records_all

    for router in records_all.routers():
        app.include_router(router)
    # customers area (issue 5): klantbeeld, search, knowledge base, contact reasons
    from api.routes import customers, customers_identity, knowledge, reasons, search

    for module in (customers, customers_identity, search, knowledge, reasons):
        app.include_router(module.router)
    # phone area (issue 3): phone state, screen pop, wrap-up, callback, wallboard
    from api.routes import phone, phone_dev

    for module in (phone, phone_dev):
        app.include_router(module.router)
    # work area (issue 4): line task lists, escalation, complaints, trafficer
    from api.routes import trafficer, work

    for router in (*work.routers(), trafficer.router):
        app.include_router(router)
    # work setup (issue 4): SLA policies, calendar, product settings, templates, queues
    from api.routes import work_admin

    for router in work_admin.routers():
        app.include_router(router)
    # user administration (user_admin area): users, accreditations, deactivation
    from api.routes import admin_users, admin_users_pages

    for module in (admin_users, admin_users_pages):
        app.include_router(module.router)
    # accounts: the signed-in user's own password
    from api.routes import account

    app.include_router(account.router)


def create_app(
    settings: Settings | None = None,
    temporal_client: Client | None = None,
    sessionmaker: async_sessionmaker | None = None,
) -> FastAPI:
    """The app. Tests may pass a connected Temporal client and/or a sessionmaker;
    otherwise the lifespan creates them (Temporal lazily if it is not up yet)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = None
        if sessionmaker is None:
            engine = make_engine(settings)
            app.state.sessionmaker = make_sessionmaker(engine)
        app.state.temporal_client = temporal_client or await _try_connect_temporal(settings)
        hub = EventHub(settings.psycopg_url)
        app.state.event_hub = hub
        await hub.start()
        # work area: "time left" on the configured office calendar from the first page
        from core.work_calendar import warm_display_calendar

        await warm_display_calendar(app.state.sessionmaker)
        try:
            yield
        finally:
            await hub.stop()
            # the phone routes open an AMI connection lazily (api/routes/phone.py)
            ami = getattr(app.state, "ami_client", None)
            if ami is not None:
                ami.close()
            if engine is not None:
                await engine.dispose()

    app = FastAPI(
        title="PULSE",
        description="Customer contact platform of the CIBG KCC",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.sessionmaker = sessionmaker
    app.state.temporal_client = temporal_client
    app.state.temporal_lock = asyncio.Lock()
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    include_routers(app)
    app.mount("/static", StaticFiles(directory=str(UI_DIR / "static")), name="static")
    return app


async def _try_connect_temporal(settings: Settings) -> Client | None:
    """Connect at start-up when Temporal is up; otherwise the first decision retries."""
    try:
        return await asyncio.wait_for(
            connect_temporal(settings),  # records area: the encrypting converter
            timeout=3,
        )
    except Exception as exc:
        log.warning("Temporal not reachable at start-up (%s); will retry on first use", exc)
        return None
