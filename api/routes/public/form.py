"""The public web form of a product, in Dutch (/formulier/<code>) and English
(/form/<code>): the empty form, the same form with its errors, the confirmation
with the reference, and a clear page for a refused post. No login, no cookie."""

from __future__ import annotations

import json
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import select
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect

from api.deps import DbSession, client_ip
from api.rendering import render
from api.routes.public.common import (
    FORM_PATHS,
    RECEIVED,
    BodyTooLarge,
    PageText,
    capped,
    intake_for,
    received_url,
)
from channels.webform.submit import INVALID, REFUSED, Post, submit
from db.models.webform import WebformSubmission
from services.webform import abuse
from services.webform.config import ROLES, FormSettings, form_settings
from services.webform.fields import Upload
from services.webform.identifiers import KINDS
from services.webform.sniff import KINDS as FILE_KINDS

router = APIRouter(tags=["public web form"], include_in_schema=False)
KEY_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
REFUSAL_STATUS = {"too_large": 413, "rate_ip": 429, "rate_email": 429, "closed": 404}


def _valid_key(key: str) -> bool:
    return 16 <= len(key) <= 64 and set(key) <= KEY_CHARS


def _page(request: Request, language: str, form: FormSettings, template: str, status=200, **kw):
    text = PageText(language)
    return render(
        request,
        f"public/{template}",
        status_code=status,
        form=form,
        **text.context(form.product_code),
        **kw,
    )


def _form_page(request, language, form, key, values=None, errors=None, status=200):
    settings = request.app.state.settings
    errors = errors or {}
    types = ", ".join(
        ext.lstrip(".").upper() for kind in form.attachment_types for ext in FILE_KINDS[kind][1]
    )
    return _page(
        request,
        language,
        form,
        "form.html",
        status,
        key=key,
        values=values or {},
        errors=errors,
        roles=ROLES,
        kinds=KINDS,
        challenge=json.dumps(abuse.new_challenge(settings, key)),
        max_message=settings.webform_message_max_chars,
        accept=",".join(ext for k in form.attachment_types for ext in FILE_KINDS[k][1]),
        types=types,
        max_mb=round(form.attachment_max_bytes / (1024 * 1024), 1),
        action=f"{FORM_PATHS[language]}/{form.product_code.lower()}",
    )


def refused_page(request, language, form, reason: str):
    return _page(
        request,
        language,
        form,
        "refused.html",
        REFUSAL_STATUS.get(reason, 400 if reason != "altcha" else 403),
        reason=reason,
    )


async def _form_or_404(session, code: str) -> FormSettings | None:
    form = await form_settings(session, code)
    return form if form is not None and form.enabled else None


def _not_found(request, language):
    return render(
        request,
        "partials/error.html",
        status_code=404,
        lang=language,
        t=PageText(language).t,
        message_key="webform.refused.closed",
    )


async def show_form(request: Request, session: DbSession, code: str, language: str):
    form = await _form_or_404(session, code)
    if form is None:
        return _not_found(request, language)
    return _form_page(request, language, form, secrets.token_urlsafe(24))


async def post_form(request: Request, session: DbSession, code: str, language: str):
    settings = request.app.state.settings
    form = await form_settings(session, code)
    if form is None:
        return _not_found(request, language)
    await session.close()  # the checks below use their own short sessions
    ip_hash = abuse.keyed_hash(settings, "ip", client_ip(request) or "")
    try:
        body = capped(request, settings.webform_max_body_bytes)
        data = await body.form(
            max_files=form.attachment_max_count + 1, max_fields=40, max_part_size=1024 * 1024
        )
    except BodyTooLarge:
        return await _refuse(request, language, form, "too_large", ip_hash)
    except (MultiPartException, ClientDisconnect, ValueError):
        return await _refuse(request, language, form, "malformed", ip_hash)
    raw = {k: v for k, v in data.items() if isinstance(v, str)}
    uploads = [
        Upload(f.filename or "", await f.read())
        for f in data.getlist("attachments")
        if isinstance(f, UploadFile)
    ]
    key = raw.get("sid", "")
    if not _valid_key(key):
        return await _refuse(request, language, form, "malformed", ip_hash)
    post = Post(
        form=form,
        raw=raw,
        uploads=uploads,
        key=key,
        language=language,
        ip=client_ip(request),
        altcha=raw.get("altcha") or None,
        honeypot=raw.get("website", ""),
    )
    result = await submit(intake_for(request), request.app.state.sessionmaker, settings, post)
    if result.status == INVALID:
        values = {k: v for k, v in raw.items() if k not in ("altcha", "sid", "website")}
        values["had_files"] = any(u.data for u in uploads)
        return _form_page(request, language, form, key, values, result.errors, 422)
    if result.status == REFUSED:
        return refused_page(request, language, form, result.reason)
    return RedirectResponse(received_url(language, form.product_code, key), status_code=303)


async def _refuse(request, language, form, reason, ip_hash):
    async with request.app.state.sessionmaker() as s:
        await abuse.record_refusal(s, reason, form.product_id, ip_hash)
    return refused_page(request, language, form, reason)


async def show_received(request: Request, session: DbSession, code: str, language: str, s: str):
    form = await form_settings(session, code)
    if form is None or not _valid_key(s):
        return _not_found(request, language)
    outcome = await intake_for(request).outcome_of(s)
    row = await session.scalar(
        select(WebformSubmission.product_id).where(WebformSubmission.submission_key == s)
    )
    if outcome is None or row != form.product_id:
        return _not_found(request, language)
    return _page(request, language, form, "received.html", outcome=outcome)


def _routes(language: str) -> None:
    base = FORM_PATHS[language] + "/{code}"

    async def get_form(request: Request, session: DbSession, code: str):
        return await show_form(request, session, code, language)

    async def post(request: Request, session: DbSession, code: str):
        return await post_form(request, session, code, language)

    async def received(request: Request, session: DbSession, code: str, s: str = ""):
        return await show_received(request, session, code, language, s)

    router.add_api_route(base, get_form, methods=["GET"], name=f"webform_{language}")
    router.add_api_route(base, post, methods=["POST"], name=f"webform_post_{language}")
    router.add_api_route(
        f"{base}/{RECEIVED[language]}", received, methods=["GET"], name=f"received_{language}"
    )


for _language in FORM_PATHS:
    _routes(_language)
