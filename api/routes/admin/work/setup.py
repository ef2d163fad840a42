"""Work setup for admins: the overview page, and how every screen answers a change
(the changes themselves are in services/admin/work_setup/). Each screen has its
own module here:

- sla.py        SLA policies per product x channel x line
- calendar.py   office hours, public holidays on/off, closing days
- products.py   per-product work settings and queue auto-assignment
- templates.py  reply templates per product and language

Every route is for admins only (``Admin``, which also checks CSRF on changes) and
every change writes an audit event in the same transaction. A rejected change is a
clear 4xx: JSON ``{"detail": ...}`` in English for the API, the page again with the
translated message for a form.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import AdminContext, RequestContext
from api.rendering import render
from services.admin.work_setup.common import InvalidSetting
from ui.i18n import translator

router = APIRouter(tags=["work setup"])


SCREENS = ("sla", "calendar", "products", "queues", "templates")


def setting_text(error: InvalidSetting, language: str | None) -> str:
    """A refused setting in words: English for the API, the admin's language on a page."""
    return translator(language)(error.key).format(**error.params)


async def api_change(change: Awaitable[Any]) -> Any:
    """Run a change for the JSON API: an InvalidSetting becomes its HTTP error."""
    try:
        return await change
    except InvalidSetting as exc:
        raise HTTPException(status_code=exc.status, detail=setting_text(exc, "en")) from None


PageFn = Callable[..., Awaitable[Response]]


async def form_change(
    ctx: RequestContext, change: Awaitable[Any], page: PageFn, redirect_to: str
) -> Response:
    """Run a change from a form: back to the page (303, "saved"), or the page again
    with the error, its status and the admin's language."""
    try:
        await change
    except InvalidSetting as exc:
        await ctx.session.rollback()
        error = setting_text(exc, ctx.viewer.language)
        return await page(ctx, error=error, status_code=exc.status)
    path, _, fragment = redirect_to.partition("#")
    separator = "&" if "?" in path else "?"
    target = f"{path}{separator}saved=1" + (f"#{fragment}" if fragment else "")
    return RedirectResponse(target, status_code=303)


async def entered(request: Request) -> dict[str, str]:
    """What the admin typed, when a form comes back with an error (nothing is lost)."""
    if request.method != "POST":
        return {}
    form = await request.form()  # parsed once already: Starlette caches it
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def screen(
    ctx: RequestContext, template: str, status_code: int = 200, **context: Any
) -> Response:
    """A work-setup page: with the "saved" notice after a change that went through,
    or the error and the admin's input after one that did not."""
    request, viewer = ctx.request, ctx.viewer
    saved = request.query_params.get("saved") == "1" and status_code == 200
    return render(
        request,
        template,
        viewer,
        status_code=status_code,
        saved=saved,
        entered=await entered(request),
        **context,
    )


@router.get("/admin/work", include_in_schema=False)
async def overview_page(ctx: AdminContext):
    return await screen(ctx, "admin/work/index.html", screens=SCREENS)
