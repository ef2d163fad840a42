"""Server-side rendering: the Jinja2 environment and the one way pages are rendered.

Autoescaping is on for every template; nothing marks user text as safe.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context

from api.deps import LANGUAGE_COOKIE
from services.access import ADMINISTER, ASSIGN_CONTACTS, READ_CONTACTS, WORK_CONTACTS, Viewer
from ui import i18n
from ui.i18n import LANGUAGES, normalize_language, translator

UI_DIR = Path(__file__).resolve().parents[1] / "ui"
LOCAL_TZ = ZoneInfo("Europe/Amsterdam")

templates = Jinja2Templates(directory=str(UI_DIR / "templates"))


def local_time(value: datetime | None, fmt: str = "%d-%m-%Y %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).strftime(fmt)


def age(value: datetime | None) -> str:
    """A compact age ("3d 4u" / "3d 4h" reads the same), for dense tables."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    minutes = int((datetime.now(UTC) - value).total_seconds() // 60)
    if minutes < 60:
        return f"{max(minutes, 0)}m"
    hours = minutes // 60
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d {hours % 24}h"


def is_overdue(value: datetime | None) -> bool:
    return value is not None and value < datetime.now(UTC)


def readable_time(value: datetime | None, language: str | None, now: datetime | None = None) -> str:
    """A history time people read at a glance, in local time: "vandaag 14:02",
    "gisteren 09:15", "3 mrt 14:02", "3 mrt 2024 14:02"."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(LOCAL_TZ)
    today = (now or datetime.now(UTC)).astimezone(LOCAL_TZ).date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return f"{i18n.lookup(language, 'time.today')} {clock}"
    if days == 1:
        return f"{i18n.lookup(language, 'time.yesterday')} {clock}"
    month = (i18n.lookup(language, "time.months") or "").split()[local.month - 1]
    year = "" if local.year == today.year else f" {local.year}"
    return f"{local.day} {month}{year} {clock}"


@pass_context
def _readable_time(ctx, value: datetime | None) -> str:
    return readable_time(value, ctx.get("lang"))


@pass_context
def _event_label(ctx, kind: str, actor: str | None = None, target: str | None = None) -> str:
    return i18n.event_label(ctx.get("lang"), kind, actor, target)


def iso_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


templates.env.filters["local_time"] = local_time
templates.env.filters["readable_time"] = _readable_time
templates.env.filters["iso_time"] = iso_time
templates.env.filters["age"] = age
templates.env.globals["event_label"] = _event_label
templates.env.globals["is_overdue"] = is_overdue
templates.env.globals["LANGUAGES"] = LANGUAGES


def page_language(request: Request, viewer: Viewer | None) -> str:
    if viewer is not None:
        return normalize_language(viewer.language)
    return normalize_language(request.cookies.get(LANGUAGE_COOKIE))


def render(
    request: Request,
    template: str,
    viewer: Viewer | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    language = page_language(request, viewer)
    settings = request.app.state.settings
    base = {
        "viewer": viewer,
        "lang": language,
        "t": translator(language),
        "csrf_token": viewer.csrf_token if viewer else context.pop("csrf_token", ""),
        "dev_tools": settings.dev_tools,
        "can_read": viewer is not None and viewer.role in READ_CONTACTS,
        "can_work": viewer is not None and viewer.role in WORK_CONTACTS,
        "can_assign": viewer is not None and viewer.role in ASSIGN_CONTACTS,
        "can_admin": viewer is not None and viewer.role in ADMINISTER,
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )
