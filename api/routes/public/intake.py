"""The JSON intake of form builders: ``POST /api/public/intake`` with a source's
bearer token and an Open Formulieren "Generic JSON" registration body. Answers 201
with the reference (200 for a repeat of the same submission), 401 for a bad token,
413 for a body over the limit, 422 with the error code per field."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from api.deps import DbSession, client_ip
from api.routes.public.common import BodyTooLarge, capped, intake_for
from channels.webform.submit import INVALID, REFUSED, Post, submit
from db.models.contacts import Product
from services.webform import abuse
from services.webform.config import settings_of
from services.webform.sources import IntakeError, map_submission, parse_body, source_for_token

router = APIRouter(tags=["public web form"])


def _problem(status: int, code: str, detail: str, **extra) -> JSONResponse:
    return JSONResponse({"code": code, "detail": detail, **extra}, status_code=status)


@router.post("/api/public/intake", status_code=201)
async def json_intake(request: Request, session: DbSession):
    """One submission of a form builder (Open Formulieren's Generic JSON shape)."""
    settings = request.app.state.settings
    ip_hash = abuse.keyed_hash(settings, "ip", client_ip(request) or "")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    source = await source_for_token(session, token.strip()) if scheme.lower() == "bearer" else None
    if source is None:
        await abuse.record_refusal(session, "token", None, ip_hash, "json")
        return _problem(401, "token", "a valid bearer token of a source is needed")
    product = await session.get(Product, source.product_id)
    form = await settings_of(session, product)
    name, mapping = source.name, dict(source.mapping)
    await session.close()
    try:
        body = await _read(capped(request, settings.webform_max_body_bytes))
    except BodyTooLarge:
        return await _refused(request, "too_large", form.product_id, ip_hash, name, 413)
    except ClientDisconnect:
        return await _refused(request, "malformed", form.product_id, ip_hash, name, 400)
    try:
        mapped = map_submission(parse_body(body), mapping, form, body, name)
    except IntakeError as exc:
        return await _refused(request, "invalid", form.product_id, ip_hash, name, 422, str(exc))
    post = Post(
        form=form,
        raw=mapped.raw,
        uploads=mapped.uploads,
        key=mapped.key,
        language=mapped.language,
        ip=client_ip(request),
        source=name,
        proof_needed=False,
        reason_required="reason" in (mapping.get("fields") or {}),
    )
    intake = intake_for(request)
    repeat = await intake.outcome_of(mapped.key) is not None
    result = await submit(intake, request.app.state.sessionmaker, settings, post)
    if result.status == INVALID:
        return _problem(422, "invalid", "some values do not pass", errors=result.errors)
    if result.status == REFUSED:
        status = 429 if result.reason.startswith("rate") else 422
        return _problem(status, result.reason, "refused")
    return JSONResponse(
        {"reference": result.reference, "status": result.status},
        status_code=200 if repeat else 201,
    )


async def _read(request: Request) -> bytes:
    return b"".join([chunk async for chunk in request.stream()])


async def _refused(request, reason, product_id, ip_hash, source, status, detail="refused"):
    async with request.app.state.sessionmaker() as s:
        await abuse.record_refusal(s, reason, product_id, ip_hash, source)
    return _problem(status, reason, detail)
