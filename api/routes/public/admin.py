"""The web form's settings for admins (/admin/webform: the form per product, the
sources of the JSON intake, the refusals of the last day) and the review of held
submissions for trafficers (/webform/review)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from api.deps import Admin, Assigner, DbSession
from api.rendering import render
from api.routes.public.common import FORM_PATHS, intake_for
from api.validation import IntCount, IntId
from db.models.contacts import ContactReason, Product
from db.models.webform import WebformSource, WebformSubmission
from services.webform import abuse
from services.webform.config import (
    FIELD_MODES,
    OPTIONAL_FIELDS,
    ConfigChange,
    ConfigError,
    save_settings,
    settings_of,
)
from services.webform.sniff import KINDS
from services.webform.sources import add_source

router = APIRouter(tags=["web form admin"], include_in_schema=False)
MB = 1024 * 1024


async def _admin_page(request, viewer, session, product_id=0, status=200, **extra):
    products = list((await session.exec(select(Product).order_by(Product.code))).all())
    current = next((p for p in products if p.id == product_id), products[0] if products else None)
    form = await settings_of(session, current) if current else None
    reasons = (
        list(
            (
                await session.exec(
                    select(ContactReason).where(ContactReason.product_id == current.id)
                )
            ).all()
        )
        if current
        else []
    )
    sources = list((await session.exec(select(WebformSource).order_by(WebformSource.name))).all())
    return render(
        request,
        "public/admin.html",
        viewer,
        status_code=status,
        products=products,
        current=current,
        form=form,
        reasons=reasons,
        sources=sources,
        fields=OPTIONAL_FIELDS,
        modes=FIELD_MODES,
        kinds=list(KINDS),
        paths=FORM_PATHS,
        refusals=await abuse.refusal_counts(session, abuse.since(24)),
        **extra,
    )


@router.get("/admin/webform")
async def webform_admin(request: Request, viewer: Admin, session: DbSession, product: IntCount = 0):
    return await _admin_page(request, viewer, session, product)


@router.post("/admin/webform/{product_id}")
async def save_webform(request: Request, viewer: Admin, session: DbSession, product_id: IntId):
    product = await session.get(Product, product_id)
    if product is None:
        return await _admin_page(request, viewer, session, status=404)
    data = await request.form()
    try:
        change = ConfigChange(
            enabled=data.get("enabled") == "1",
            fields={f: str(data.get(f"field_{f}", "off")) for f in OPTIONAL_FIELDS},
            reason_ids=[int(i) for i in data.getlist("reason_ids")],
            attachment_types=[str(k) for k in data.getlist("attachment_types")],
            attachment_max_bytes=int(float(str(data.get("attachment_max_mb", "0"))) * MB),
            attachment_max_count=int(str(data.get("attachment_max_count", "0"))),
            privacy_url=str(data.get("privacy_url", "")).strip(),
            privacy_text_nl=str(data.get("privacy_text_nl", "")),
            privacy_text_en=str(data.get("privacy_text_en", "")),
        )
        await save_settings(session, product, change)
    except ConfigError as exc:
        await session.rollback()
        return await _admin_page(
            request, viewer, session, product_id, 422, error=exc.code, error_field=exc.field
        )
    except ValueError:
        return await _admin_page(
            request,
            viewer,
            session,
            product_id,
            422,
            error="attachment_size",
            error_field="attachment_max_mb",
        )
    return RedirectResponse(f"/admin/webform?product={product_id}&saved=1", status_code=303)


@router.post("/admin/webform/{product_id}/sources")
async def add_webform_source(
    request: Request,
    viewer: Admin,
    session: DbSession,
    product_id: IntId,
    name: Annotated[str, Form()] = "",
    mapping: Annotated[str, Form()] = "",
):
    try:
        parsed = json.loads(mapping)
        if not name.strip() or not isinstance(parsed, dict):
            raise ValueError
        _, token = await add_source(session, name.strip(), product_id, parsed)
    except (ValueError, IntegrityError):
        await session.rollback()
        return await _admin_page(
            request, viewer, session, product_id, 422, error="source", error_field="source-name"
        )
    page = await _admin_page(request, viewer, session, product_id, new_token=token)
    page.headers["cache-control"] = "no-store"
    return page


@router.get("/webform/review")
async def review(request: Request, viewer: Assigner, session: DbSession):
    held = list(
        (
            await session.exec(
                select(WebformSubmission, Product.code)
                .join(Product, Product.id == WebformSubmission.product_id)
                .where(WebformSubmission.status == "held")
                .order_by(WebformSubmission.created_at)
                .limit(200)
            )
        ).all()
    )
    return render(request, "public/review.html", viewer, held=held)


@router.post("/webform/review/{submission_id}")
async def decide(
    request: Request,
    viewer: Assigner,
    submission_id: IntId,
    decision: Annotated[str, Form()] = "",
):
    intake = intake_for(request)
    if decision == "open":
        await intake.release(submission_id, viewer.id)
    elif decision == "reject":
        await intake.reject(submission_id, viewer.id)
    return RedirectResponse("/webform/review", status_code=303)
