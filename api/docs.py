"""The API's own documentation, for logged-in people only (it maps every route), with
Swagger UI served from its Python package: nothing loads from a CDN, and no inline
script, so the docs pages live under the same strict CSP as the rest of the app."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from api.deps import CurrentViewer

ASSETS = "/docs/assets"

_PAGE = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PULSE API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>
"""

# The CSRF token of the session goes with every "try it out" request that changes state.
_INIT = """
fetch("/api/auth/me", {credentials: "same-origin"}).then(r => r.json()).then(me => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    requestInterceptor: req => { req.headers["X-CSRF-Token"] = me.csrf_token; return req; },
  });
});
"""

router = APIRouter(include_in_schema=False)


@router.get("/openapi.json")
async def openapi(request: Request, viewer: CurrentViewer) -> JSONResponse:
    return JSONResponse(request.app.openapi())


@router.get("/docs")
async def docs(viewer: CurrentViewer) -> HTMLResponse:
    return HTMLResponse(_PAGE)


@router.get("/docs/init.js")
async def docs_init(viewer: CurrentViewer) -> Response:
    return Response(_INIT, media_type="text/javascript")


def install_docs(app: FastAPI) -> None:
    app.include_router(router)
    app.mount(ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")
