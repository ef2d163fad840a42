"""Identity checks on the klantbeeld: verify a number the caller gives without
showing the stored BSN, and reveal one identifier with a reason (services.customers.identity).

Pages answer with the klantbeeld itself (no redirect: a revealed number must not
travel in a URL), marked no-store so it stays out of caches and history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from pydantic import BaseModel, Field

from api.deps import RequestContext, WorkContext
from api.routes.customers.klantbeeld import klantbeeld_page
from api.validation import IntId
from db.models.customers import IdentifierKind
from services.access import NotAccessible
from services.customers.identifiers import InvalidIdentifier
from services.customers.identity import (
    ReasonRequired,
    TooManyAttempts,
    reveal_identifier,
    verify_identifier,
)
from services.customers.service import CustomerNotFound

router = APIRouter(tags=["customers"])

NO_STORE = {"Cache-Control": "no-store"}


class VerifyIn(BaseModel):
    kind: IdentifierKind = IdentifierKind.bsn
    value: str = Field(max_length=40)


class VerifyOut(BaseModel):
    kind: str
    match: bool


class RevealIn(BaseModel):
    reason: str = Field(max_length=500)


class RevealOut(BaseModel):
    kind: str
    value: str


async def _verify(ctx: RequestContext, customer_id: IntId, kind: str, value: str):
    try:
        return await verify_identifier(
            ctx.session, ctx.settings, ctx.viewer, ctx.origin, customer_id, kind, value
        )
    except CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None


async def _reveal(ctx: RequestContext, customer_id: IntId, identifier_id: IntId, reason: str):
    try:
        return await reveal_identifier(
            ctx.session, ctx.settings, ctx.viewer, ctx.origin, customer_id, identifier_id, reason
        )
    except CustomerNotFound:
        raise NotAccessible(f"customer {customer_id}") from None


@router.post("/api/customers/{customer_id}/identifiers/verify", response_model=VerifyOut)
async def api_verify(customer_id: IntId, body: VerifyIn, ctx: WorkContext):
    """Does the number the caller gives match the stored one? Never returns the number."""
    try:
        result = await _verify(ctx, customer_id, body.kind.value, body.value)
    except InvalidIdentifier as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    except TooManyAttempts:
        raise HTTPException(status_code=429, detail="Too many verifications this hour.") from None
    return VerifyOut(kind=result.kind, match=result.match)


@router.post(
    "/api/customers/{customer_id}/identifiers/{identifier_id}/reveal", response_model=RevealOut
)
async def api_reveal(customer_id: IntId, identifier_id: IntId, body: RevealIn, ctx: WorkContext):
    """The full value of one identifier; the reason is kept in the audit log."""
    try:
        kind, value = await _reveal(ctx, customer_id, identifier_id, body.reason)
    except ReasonRequired as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    except TooManyAttempts:
        raise HTTPException(status_code=429, detail="Too many reveals this hour.") from None
    return RevealOut(kind=kind, value=value)


@router.post("/customers/{customer_id}/identifiers/verify", include_in_schema=False)
async def verify_form(
    customer_id: IntId,
    ctx: WorkContext,
    value: Annotated[str, Form(max_length=40)],
    kind: Annotated[IdentifierKind, Form()] = IdentifierKind.bsn,
):
    try:
        result = await _verify(ctx, customer_id, kind.value, value)
    except (InvalidIdentifier, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 422
        problem = "too_many" if status == 429 else "invalid"
        return await klantbeeld_page(ctx, customer_id, status, identity_problem=problem)
    page = await klantbeeld_page(ctx, customer_id, verification=result)
    page.headers.update(NO_STORE)
    return page


@router.post("/customers/{customer_id}/identifiers/{identifier_id}/reveal", include_in_schema=False)
async def reveal_form(
    customer_id: IntId,
    identifier_id: IntId,
    ctx: WorkContext,
    reason: Annotated[str, Form(max_length=500)] = "",
):
    try:
        _kind, value = await _reveal(ctx, customer_id, identifier_id, reason)
    except (ReasonRequired, TooManyAttempts) as exc:
        status = 429 if isinstance(exc, TooManyAttempts) else 422
        problem = "too_many" if status == 429 else "reason"
        return await klantbeeld_page(ctx, customer_id, status, identity_problem=problem)
    page = await klantbeeld_page(ctx, customer_id, revealed={identifier_id: value})
    page.headers.update(NO_STORE)
    return page
