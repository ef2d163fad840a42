"""The survey's settings per product for admins (/admin/survey)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from sqlmodel import select

from api.deps import Admin, DbSession
from api.rendering import render
from api.validation import IntCount, IntId
from db.models.contacts import ContactReason, Product
from services.survey import settings as survey_settings
from services.survey.settings import CHANNELS, SettingsRefused, SurveyForm

router = APIRouter(tags=["survey admin"], include_in_schema=False)


async def _page(request, viewer, session, product_id=0, status=200, form=None, errors=None):
    products = list((await session.exec(select(Product).order_by(Product.code))).all())
    current = next((p for p in products if p.id == product_id), products[0] if products else None)
    row = await survey_settings.load(session, current.id) if current else None
    reasons = []
    if current:
        query = select(ContactReason).where(ContactReason.product_id == current.id)
        reasons = list((await session.exec(query.order_by(ContactReason.code))).all())
    return render(
        request,
        "survey/admin.html",
        viewer,
        status_code=status,
        products=products,
        current=current,
        row=row,
        form=form,
        errors=errors or {},
        reasons=reasons,
        channels=CHANNELS,
    )


@router.get("/admin/survey")
async def survey_admin(request: Request, viewer: Admin, session: DbSession, product: IntCount = 0):
    return await _page(request, viewer, session, product)


@router.post("/admin/survey/{product_id}")
async def save_survey(request: Request, viewer: Admin, session: DbSession, product_id: IntId):
    if await session.get(Product, product_id) is None:
        return await _page(request, viewer, session, status=404)
    data = await request.form()
    form = SurveyForm(
        enabled=data.get("enabled") == "1",
        delay_hours=str(data.get("delay_hours", ""))[:10],
        sample_percent=str(data.get("sample_percent", ""))[:10],
        per_customer_days=str(data.get("per_customer_days", ""))[:10],
        channels=[str(c)[:20] for c in data.getlist("channels")],
        reason_ids=[str(r)[:12] for r in data.getlist("reason_ids")],
        skip_open_complaints=data.get("skip_open_complaints") == "1",
    )
    try:
        await survey_settings.save(session, product_id, form)
    except SettingsRefused as refused:
        await session.rollback()
        return await _page(request, viewer, session, product_id, 422, form, refused.errors)
    await session.commit()
    return RedirectResponse(f"/admin/survey?product={product_id}&saved=1", status_code=303)
