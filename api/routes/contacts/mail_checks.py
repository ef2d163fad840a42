"""The agent's checks of a mail thread: join a contact that only mentioned another,
confirm a new sender's address for replies (services/contacts/joining.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from api.deps import WorkContext
from api.routes.contacts.pages import contact_page
from services.access import get_contact_for_user
from services.contacts.joining import join_mentioned, mentioned_contact
from services.contacts.replies import confirm_reply_address
from services.decisions import DecisionRefused

router = APIRouter(prefix="/contacts", tags=["contacts"], include_in_schema=False)


@router.post("/{reference}/join")
async def join(reference: str, ctx: WorkContext):
    contact = await get_contact_for_user(ctx.session, ctx.viewer, reference)
    target = await mentioned_contact(ctx, contact)
    try:
        await join_mentioned(ctx, reference)
    except DecisionRefused as exc:
        return await contact_page(ctx, reference, 409, exc)
    return RedirectResponse(f"/contacts/{target.reference}", status_code=303)


@router.post("/{reference}/reply-address")
async def confirm_address(
    reference: str, ctx: WorkContext, address: Annotated[str, Form(max_length=320)]
):
    contact = await get_contact_for_user(ctx.session, ctx.viewer, reference)
    await confirm_reply_address(ctx.session, ctx.viewer, contact, address, ctx.origin)
    return RedirectResponse(f"/contacts/{reference}", status_code=303)
