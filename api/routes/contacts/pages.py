"""The agent's contact page and its form posts (post / redirect / get).

Each decision is handled in services/contacts/decisions.py, exactly as for the JSON
API; only the answer differs: a redirect back to the page, saying it is done or
naming the refusal (so reloading the page never posts the form again).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse

from api.deps import (
    AssignContext,
    ReadContext,
    RequestContext,
    WorkContext,
)
from api.rendering import page_language, render
from api.validation import IntId
from db.models.contacts import Customer
from services.access import ASSIGN_CONTACTS
from services.contacts import decisions
from services.contacts.views import assignable_users, load_contact_detail
from services.decisions import DecisionRefused
from services.survey.views import contact_answers
from services.topdesk.views import incidents_of
from services.work.access import user_lines
from ui import i18n
from ui.i18n import refusal_text

router = APIRouter(prefix="/contacts", tags=["contacts"], include_in_schema=False)


DONE_KEYS = {
    "claim",
    "release",
    "reply",
    "note",
    "close",
    "assign",
    "escalate",
    "answer_escalation",
    "mark_complaint",
    "extend_complaint",
    "topdesk",
}


async def contact_page(
    ctx: RequestContext,
    reference: str,
    status_code: int = 200,
    refused: DecisionRefused | None = None,
    template: str = "contacts/contact.html",
):
    request, viewer = ctx.request, ctx.viewer
    detail = await load_contact_detail(ctx.session, viewer, reference, ctx.origin)
    error = None
    language = page_language(request, viewer)
    if refused is not None:  # in the person's language, by the refusal's type
        error = refusal_text(language, refused.code, str(refused))
    elif code := request.query_params.get("refused"):  # after the redirect of a form post
        error = refusal_text(language, code, "") or i18n.lookup(language, "action.refused_other")
    # A claim the workflow would refuse (the contact waits on a line this person does not
    # work) gets no button: it would only ever say no.
    my_lines = await user_lines(ctx.session, viewer.id, detail.contact.product_id)
    customer = None
    if detail.contact.customer_id:  # named by name, not by number
        customer = await ctx.session.get(Customer, detail.contact.customer_id)
    may_claim = not my_lines or detail.contact.line in my_lines
    assignees = []
    if viewer.role in ASSIGN_CONTACTS:
        assignees = await assignable_users(ctx.session, detail.contact.product_id)
    done = request.query_params.get("done")
    return render(
        request,
        template,
        viewer,
        status_code=status_code,
        d=detail,
        error=error,
        assignees=assignees,
        done=done if done in DONE_KEYS else None,
        may_claim=may_claim,
        customer_name=customer.display_name if customer else "",
        topdesk=await incidents_of(ctx.session, detail.contact.id),
        topdesk_on=bool(ctx.settings.topdesk_url),
        survey_answers=await contact_answers(ctx.session, detail.contact.id),
    )


def back_to(reference: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/contacts/{reference}?done={done}", status_code=303)


async def answer_form(ctx: RequestContext, reference: str, done: str, decision: Awaitable[Any]):
    """A decision's answer to a form post: back to the page (post/redirect/get) saying
    it is ``done``, or naming the refusal by its type, so a reload never posts again."""
    try:
        await decision
    except DecisionRefused as exc:
        query = urlencode({"refused": exc.code or "other"})
        return RedirectResponse(f"/contacts/{reference}?{query}", status_code=303)
    return back_to(reference, done)


@router.get("/{reference}")
async def show_contact(reference: str, ctx: ReadContext):
    return await contact_page(ctx, reference)


@router.get("/{reference}/live")
async def contact_live_fragment(reference: str, ctx: ReadContext):
    """The changing parts of the page, re-fetched on a live event: the thread, notes and
    history, and (in a <template>) the action panel, merged in by pulse.js."""
    return await contact_page(ctx, reference, template="contacts/_refresh.html")


@router.post("/{reference}/claim")
async def claim(reference: str, ctx: WorkContext):
    return await answer_form(ctx, reference, "claim", decisions.claim(ctx, reference))


@router.post("/{reference}/release")
async def release(reference: str, ctx: WorkContext):
    return await answer_form(ctx, reference, "release", decisions.release(ctx, reference))


@router.post("/{reference}/close")
async def close(reference: str, ctx: WorkContext, reason_id: Annotated[IntId, Form()]):
    return await answer_form(ctx, reference, "close", decisions.close(ctx, reference, reason_id))


@router.post("/{reference}/assign")
async def assign(reference: str, ctx: AssignContext, user_id: Annotated[IntId, Form()]):
    return await answer_form(ctx, reference, "assign", decisions.assign(ctx, reference, user_id))


@router.post("/{reference}/notes")
async def add_note(reference: str, ctx: WorkContext, body: Annotated[str, Form(max_length=20_000)]):
    await decisions.note(ctx, reference, body)
    return back_to(reference, "note")


@router.post("/{reference}/reply")
async def reply(
    reference: str,
    ctx: WorkContext,
    text: Annotated[str, Form(max_length=200_000)],
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - FastAPI copies defaults
):
    decision = decisions.reply(ctx, reference, text, files)
    return await answer_form(ctx, reference, "reply", decision)
