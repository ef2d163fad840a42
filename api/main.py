"""The PULSE web app: JSON API, agent UI and live events, in one FastAPI app.

Run: ``uvicorn --factory api.main:create_app``. The API is thin: it reads
projections from PostgreSQL and sends people's decisions to Temporal workflows.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.ext.asyncio import async_sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import Client

from adapters.temporal.codec import connect_temporal
from api.docs import install_docs
from api.errors import COMMON_RESPONSES, install_error_handlers, refused_input
from api.rendering import UI_DIR
from api.routes import (
    admin,
    auth,
    codec,
    contacts,
    customers,
    dev,
    events,
    health,
    phone,
    public,
    records,
    reports,
    search,
    signals,
    survey,
    topdesk,
    work,
)
from api.routes.public.common import FRAMED_PREFIXES
from api.sse import EventHub
from api.validation import RefuseControlCharacters
from config.settings import Settings, get_settings
from db.session import make_engine, make_sessionmaker
from services.work.calendar import warm_display_calendar

log = logging.getLogger(__name__)

# No inline scripts anywhere: all JavaScript is in ui/static. Inline *styles* are
# allowed because sanitized customer HTML (shown in a sandboxed iframe that
# inherits this policy) relies on them; remote images stay blocked (no tracking).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HSTS = b"max-age=31536000; includeSubDomains"


def framed_csp(allowed: list[str]) -> str:
    """The public form's policy: the same, but other sites on the allow-list (settings
    webform_frame_ancestors) may show it in a frame."""
    ancestors = " ".join(["'self'", *allowed])
    return CSP.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")


class SecurityHeaders:
    """Pure ASGI middleware (no buffering, so SSE streams pass straight through)."""

    def __init__(
        self, app: ASGIApp, hsts: bool = False, frame_ancestors: list[str] | None = None
    ) -> None:
        self.app = app
        self.hsts = hsts
        self.framed_csp = framed_csp(frame_ancestors or [])
        # frame-ancestors decides for framed pages; X-Frame-Options has no list, so it is
        # sent (SAMEORIGIN) only when no other site may frame them
        self.framed_xfo = b"" if frame_ancestors else b"SAMEORIGIN"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = ((b"strict-transport-security", HSTS),) if self.hsts else ()
        framed = scope["path"].startswith(FRAMED_PREFIXES)
        csp = self.framed_csp if framed else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in (
                    (b"content-security-policy", csp.encode()),
                    (b"x-frame-options", self.framed_xfo if framed else b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    *extra,
                ):
                    if name not in present and value:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def api_router() -> APIRouter:
    """Every route of the app, one router per area package (the order decides which of two
    routes that match the same path answers)."""
    router = APIRouter()
    router.include_router(health.router)
    router.include_router(auth.api_router)
    router.include_router(contacts.api_router)
    router.include_router(events.router)
    router.include_router(records.api_router)
    router.include_router(codec.router)
    router.include_router(customers.api_router)
    router.include_router(search.router)
    router.include_router(phone.api_router)
    router.include_router(dev.api_router)
    router.include_router(work.api_router)
    router.include_router(admin.api_router)
    router.include_router(reports.api_router)
    router.include_router(signals.api_router)
    router.include_router(public.api_router)
    router.include_router(topdesk.api_router)
    router.include_router(survey.api_router)
    return router


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
        # "time left" on the configured office calendar from the first page
        await warm_display_calendar(app.state.sessionmaker)
        try:
            yield
        finally:
            await hub.stop()
            # the phone routes open an AMI connection lazily (api/routes/phone/agent.py)
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
        # served by api/docs.py, behind the login
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.sessionmaker = sessionmaker
    app.state.temporal_client = temporal_client
    app.state.temporal_lock = asyncio.Lock()
    app.state.login_throttle = None  # made on first login (api/routes/auth/login.py)
    app.add_middleware(RefuseControlCharacters, on_refusal=refused_input)
    app.add_middleware(
        SecurityHeaders,
        hsts=settings.sends_hsts,
        frame_ancestors=settings.webform_frame_ancestors,
    )
    install_error_handlers(app)
    app.include_router(api_router(), responses=COMMON_RESPONSES)
    install_docs(app)

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        # browsers ask for it on every page that is not HTML (JSON, error pages of others)
        return FileResponse(UI_DIR / "static" / "favicon.svg", media_type="image/svg+xml")

    app.mount("/static", StaticFiles(directory=str(UI_DIR / "static")), name="static")
    return app


async def _try_connect_temporal(settings: Settings) -> Client | None:
    """Connect at start-up when Temporal is up; otherwise the first decision retries."""
    try:
        # with the encrypting payload converter
        return await asyncio.wait_for(connect_temporal(settings), timeout=3)
    except Exception as exc:
        log.warning("Temporal not reachable at start-up (%s); will retry on first use", exc)
        return None
