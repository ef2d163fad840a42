"""The "Create TOPdesk incident" form of a contact (post / redirect / get)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from fastapi.responses import RedirectResponse

from api.deps import WorkContext
from api.rendering import render
from services.access import get_contact_for_user
from services.topdesk.defaults import defaults_for, lookups
from services.topdesk.incidents import BRIEF_MAX, IncidentForm, TopdeskOff, request_incident

router = APIRouter(prefix="/contacts", tags=["topdesk"], include_in_schema=False)

LookupId = Annotated[str, Form(max_length=100)]


async def _form_page(ctx, reference: str, form: IncidentForm | None, error: str = "", status=200):
    contact = await get_contact_for_user(ctx.session, ctx.viewer, reference)
    if form is None:  # preselected: the product's defaults
        chosen = await defaults_for(ctx.session, contact.product_id)
        form = IncidentForm(
            "", "", chosen.category_id, chosen.subcategory_id, chosen.operator_group_id
        )
    return render(
        ctx.request,
        "topdesk/new.html",
        ctx.viewer,
        status_code=status,
        reference=reference,
        form=form,
        lists=await lookups(ctx.settings),
        error=error,
        topdesk_on=bool(ctx.settings.topdesk_url),
    )


@router.get("/{reference}/topdesk/new")
async def new_incident(reference: str, ctx: WorkContext):
    return await _form_page(ctx, reference, None)


@router.post("/{reference}/topdesk")
async def create_incident(
    reference: str,
    ctx: WorkContext,
    # Missing or blank is the service's 400 (after the contact's access check: a
    # contact the person may not see is a 404 whatever the body); too long is a 422.
    brief_description: Annotated[str, Form(max_length=BRIEF_MAX)] = "",
    request: Annotated[str, Form(max_length=20_000)] = "",
    category_id: LookupId = "",
    subcategory_id: LookupId = "",
    operator_group_id: LookupId = "",
):
    form = IncidentForm(brief_description, request, category_id, subcategory_id, operator_group_id)
    try:
        await request_incident(ctx, reference, form)
    except TopdeskOff:
        raise HTTPException(409, "No TOPdesk is connected.") from None
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        return await _form_page(ctx, reference, form, str(exc.detail), status=400)
    return RedirectResponse(f"/contacts/{reference}?done=topdesk", status_code=303)
