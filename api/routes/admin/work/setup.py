"""Work setup for admins (issue 4): what the work area reads from its tables, made
editable. Shared pieces live here; each screen has its own module:

- work_admin_sla.py        SLA policies per product x channel x line
- work_admin_calendar.py   office hours, public holidays on/off, closing days
- work_admin_products.py   per-product work settings and queue auto-assignment
- work_admin_templates.py  reply templates per product and language

Every route is for admins only (``role_required(ADMINISTER)``, which also checks
CSRF on changes) and every change writes an audit event in the same transaction.
A rejected change is a clear 4xx: JSON ``{"detail": ...}`` in English for the API,
the page again with the translated message for a form.

When a change takes effect (activities/work.py ``start_work`` / ``plan_work_in``):
the workflow gets its work plan (SLA targets of every line, calendar, product
settings) once, when a contact starts; workers cache those for up to a minute.
Contacts already open keep the plan they started with. The 1st line's automatic
assignment is picked at the start; the 2nd/3rd line's when a contact lands on
that list. Reply templates are read each time they are used. The pages say so.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import Admin, client_ip
from api.rendering import render
from db.models.contacts import Product
from services import audit
from services.access import NotAccessible, Viewer
from ui.i18n import translator

router = APIRouter(tags=["work setup"])


SCREENS = ("sla", "calendar", "products", "queues", "templates")


class InvalidSetting(Exception):
    """A change the admin must correct: HTTP ``status`` and a catalog ``key`` of
    ui/catalogs/work_admin.py (with its ``params``): English for the API, the
    admin's language on the page."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        self.status, self.key, self.params = status, key, params
        super().__init__(self.text("en"))

    def as_http(self) -> HTTPException:
        return HTTPException(status_code=self.status, detail=str(self))

    def text(self, language: str | None) -> str:
        return translator(language)(self.key).format(**self.params)


async def products(session: AsyncSession) -> list[Product]:
    return list((await session.exec(select(Product).order_by(Product.code))).all())


async def product_or_invalid(session: AsyncSession, product_id: int) -> Product:
    product = await session.get(Product, product_id)
    if product is None:
        raise InvalidSetting(422, "work_admin.error.product", id=product_id)
    return product


async def product_or_404(session: AsyncSession, product_id: int) -> Product:
    """A product named in the path: 404 when there is none."""
    product = await session.get(Product, product_id)
    if product is None:
        raise NotAccessible(f"product {product_id}")
    return product


async def record_change(
    session: AsyncSession,
    viewer: Viewer,
    request: Request,
    action: str,
    object_type: str,
    object_id: Any,
    detail: dict[str, Any],
) -> None:
    """The audit event of a change; then commit (the audit row is the last write)."""
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        origin=client_ip(request),
        action=f"work_admin.{action}",
        object_type=object_type,
        object_id=object_id,
        detail=detail,
    )
    await session.commit()


async def api_change(change: Awaitable[Any]) -> Any:
    """Run a change for the JSON API: an InvalidSetting becomes its HTTP error."""
    try:
        return await change
    except InvalidSetting as exc:
        raise exc.as_http() from None


PageFn = Callable[..., Awaitable[Response]]


async def form_change(
    request: Request,
    viewer: Viewer,
    session: AsyncSession,
    change: Awaitable[Any],
    page: PageFn,
    redirect_to: str,
) -> Response:
    """Run a change from a form: back to the page (303, "saved"), or the page again
    with the error, its status and the admin's language."""
    try:
        await change
    except InvalidSetting as exc:
        await session.rollback()
        return await page(
            request, viewer, session, error=exc.text(viewer.language), status_code=exc.status
        )
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
    request: Request, viewer: Viewer, template: str, status_code: int = 200, **context: Any
) -> Response:
    """A work-setup page: with the "saved" notice after a change that went through,
    or the error and the admin's input after one that did not."""
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
async def overview_page(request: Request, viewer: Admin):
    return await screen(request, viewer, "admin/work/index.html", screens=SCREENS)


def routers() -> list[APIRouter]:
    """The overview and every screen's router (registered by api/main.py)."""
    from api.routes.admin.work import calendar as work_admin_calendar
    from api.routes.admin.work import products as work_admin_products
    from api.routes.admin.work import sla as work_admin_sla
    from api.routes.admin.work import templates as work_admin_templates

    return [
        router,
        work_admin_sla.router,
        work_admin_calendar.router,
        work_admin_products.router,
        work_admin_templates.router,
    ]
