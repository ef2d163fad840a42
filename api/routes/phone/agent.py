"""Phone channel routes (JSON + pages): an agent's phone state (sign in to the queues
of their products, pause, sign out), the screen pop of an answered call, wrap-up and
callback decisions, the wallboard, and the live stream of phone events.

Thin on purpose: phone state changes are AMI actions; PULSE's view follows what
Asterisk then reports (the AMI bridge writes it). Decisions go to the call's
ContactWorkflow as Updates.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from sqlmodel import col, select
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from adapters.ami.client import AmiClient, AmiConfig, AmiError
from api.deps import (
    ContactReader,
    ContactWorker,
    DbSession,
    Supervisor,
    TemporalClient,
    client_ip,
)
from api.rendering import render
from api.routes.events import live_stream
from contracts.contact import contact_workflow_id
from contracts.phone import (
    CallbackRequest,
    CallbackResult,
    WrapUpRequest,
    WrapUpResult,
)
from db.models.contacts import Contact, ContactReason, Customer, Note, Product, Task
from db.models.phone import PhoneCall, PhoneLine
from services import audit
from services.access import SUPERVISORS, Viewer, get_contact_for_user
from services.phone.views import agent_states, start_of_today, wallboard

log = logging.getLogger(__name__)

router = APIRouter(tags=["phone"])

# Live phone events a browser may get: its own screen pops, and the queue figures of
# its products (calls and agents: ids and states only).
PHONE_KINDS = frozenset({"phone", "phone_agent", "resync"})
AGENT_KINDS = frozenset({"screenpop", "phone_agent"})


def ami_client(request: Request) -> AmiClient:
    state = request.app.state
    client = getattr(state, "ami_client", None)
    if client is None:
        client = state.ami_client = AmiClient(AmiConfig.from_settings(state.settings), timeout=5)
    return client


Ami = Annotated[AmiClient, Depends(ami_client)]


def interface_of(request: Request, viewer: Viewer) -> str:
    return request.app.state.settings.phone_agent_interface.format(username=viewer.username)


async def my_lines(session, viewer: Viewer) -> list[tuple[Product, PhoneLine]]:
    rows = await session.exec(
        select(Product, PhoneLine)
        .join(PhoneLine, PhoneLine.product_id == Product.id)
        .where(col(Product.id).in_(viewer.product_ids), Product.active)
        .order_by(Product.code)
    )
    return list(rows.all())


# --- phone state ---------------------------------------------------------------------


class SignInIn(BaseModel):
    product_ids: list[int] | None = None  # None: every accredited product with a line


class PauseIn(BaseModel):
    paused: bool = True
    reason: str = Field(default="", max_length=80)


async def _state_json(session, viewer: Viewer) -> dict[str, Any]:
    mine = await agent_states(session, viewer.product_ids, viewer.id)
    out: dict[str, Any] = {"mine": [_agent_json(a) for a in mine]}
    if viewer.role in SUPERVISORS:
        out["agents"] = [_agent_json(a) for a in await agent_states(session, viewer.product_ids)]
    return out


def _agent_json(a) -> dict[str, Any]:
    return {
        "user_id": a.user_id,
        "full_name": a.full_name,
        "queue": a.queue,
        "product_id": a.product_id,
        "state": a.state,
        "pause_reason": a.pause_reason,
        "updated_at": a.updated_at.isoformat(),
    }


@router.get("/api/phone/state")
async def phone_state(viewer: ContactReader, session: DbSession) -> dict[str, Any]:
    """My phone state per queue; trafficers and managers also see every agent's."""
    return await _state_json(session, viewer)


async def _ami_audit(session, viewer, request, action: str, detail: dict, result: str) -> None:
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=f"phone.{action}",
        object_type="user",
        object_id=viewer.id,
        result=result,
        origin=client_ip(request),
        detail=detail,
    )
    await session.commit()


@router.post("/api/phone/sign-in", status_code=202)
async def sign_in(
    body: SignInIn, request: Request, viewer: ContactWorker, session: DbSession, ami: Ami
) -> dict[str, Any]:
    """QueueAdd to the queues of the chosen (accredited) products. The state shown
    changes when Asterisk confirms (QueueMemberAdded through the bridge)."""
    lines = await my_lines(session, viewer)
    if body.product_ids is not None:
        lines = [(p, line) for p, line in lines if p.id in set(body.product_ids)]
    if not lines:
        raise HTTPException(422, "No phone line of a product you are accredited for.")
    interface = interface_of(request, viewer)
    queues = [line.queue for _, line in lines]
    try:
        for queue in queues:
            try:
                await ami.queue_add(queue, interface, viewer.username)
            except AmiError as exc:
                if "Already there" not in str(exc):
                    raise
    except AmiError as exc:
        await _ami_audit(session, viewer, request, "sign_in", {"queues": queues}, "failed")
        raise HTTPException(503, f"The telephone exchange refused: {exc}") from exc
    await _ami_audit(session, viewer, request, "sign_in", {"queues": queues}, "ok")
    return {"queues": queues}


@router.post("/api/phone/pause", status_code=202)
async def pause(
    body: PauseIn, request: Request, viewer: ContactWorker, session: DbSession, ami: Ami
) -> dict[str, Any]:
    """QueuePause in all my queues, with a reason (or unpause)."""
    detail = {"paused": body.paused, "reason": body.reason}
    try:
        await ami.queue_pause(interface_of(request, viewer), body.paused, body.reason)
    except AmiError as exc:
        await _ami_audit(session, viewer, request, "pause", detail, "failed")
        raise HTTPException(409 if "not found" in str(exc).lower() else 503, str(exc)) from exc
    await _ami_audit(session, viewer, request, "pause", detail, "ok")
    return detail


@router.post("/api/phone/sign-out", status_code=202)
async def sign_out(request: Request, viewer: ContactWorker, session: DbSession, ami: Ami) -> dict:
    """QueueRemove from every queue of my products."""
    interface = interface_of(request, viewer)
    queues = [line.queue for _, line in await my_lines(session, viewer)]
    removed = []
    try:
        for queue in queues:
            try:
                await ami.queue_remove(queue, interface)
                removed.append(queue)
            except AmiError as exc:
                if "Not there" not in str(exc):
                    raise
    except AmiError as exc:
        await _ami_audit(session, viewer, request, "sign_out", {"queues": removed}, "failed")
        raise HTTPException(503, f"The telephone exchange refused: {exc}") from exc
    await _ami_audit(session, viewer, request, "sign_out", {"queues": removed}, "ok")
    return {"queues": removed}


# --- wallboard --------------------------------------------------------------------------


@router.get("/api/phone/wallboard")
async def wallboard_json(request: Request, viewer: Supervisor, session: DbSession) -> dict:
    level = request.app.state.settings.phone_service_level_s
    figures = await wallboard(session, viewer.product_ids, start_of_today(), level)
    return {"service_level_s": level, "queues": [f.to_json() for f in figures]}


@router.get("/phone/wallboard", include_in_schema=False)
async def wallboard_page(request: Request, viewer: Supervisor, session: DbSession):
    level = request.app.state.settings.phone_service_level_s
    figures = await wallboard(session, viewer.product_ids, start_of_today(), level)
    agents = await agent_states(session, viewer.product_ids)
    return render(
        request, "phone/wallboard.html", viewer, figures=figures, agents=agents, level=level
    )


# --- the agent's phone page and screen pop ------------------------------------------------


@router.get("/phone", include_in_schema=False)
async def phone_page(request: Request, viewer: ContactReader, session: DbSession):
    lines = await my_lines(session, viewer)
    mine = await agent_states(session, viewer.product_ids, viewer.id)
    wrapups = (
        await session.exec(
            select(Task)
            .where(Task.assignee_id == viewer.id, Task.kind == "wrapup", Task.status != "done")
            .order_by(Task.created_at)
        )
    ).all()
    callbacks = (
        await session.exec(
            select(Task)
            .where(
                Task.kind == "callback",
                Task.status == "open",
                col(Task.product_id).in_(viewer.product_ids),
            )
            .order_by(Task.created_at)
            .limit(50)
        )
    ).all()
    return render(
        request,
        "phone/agent.html",
        viewer,
        lines=lines,
        mine=mine,
        wrapups=wrapups,
        callbacks=callbacks,
        supervisor=viewer.role in SUPERVISORS,
    )


async def _call_for(session, viewer: Viewer, reference: str) -> tuple[Contact, PhoneCall]:
    contact = await get_contact_for_user(session, viewer, reference)
    call = (await session.exec(select(PhoneCall).where(PhoneCall.contact_id == contact.id))).first()
    if call is None:
        raise HTTPException(409, "This contact is no phone call.")
    return contact, call


@router.get("/api/phone/calls/{reference}")
async def screen_pop(
    reference: str, request: Request, viewer: ContactReader, session: DbSession
) -> dict[str, Any]:
    """The caller of a call: number, matched customer, their open contacts and recent
    history in the viewer's products (the screen pop)."""
    contact, call = await _call_for(session, viewer, reference)
    customer = await session.get(Customer, call.customer_id) if call.customer_id else None
    history: list[Contact] = []
    if customer is not None:
        history = list(
            (
                await session.exec(
                    select(Contact)
                    .where(
                        Contact.customer_id == customer.id,
                        col(Contact.product_id).in_(viewer.product_ids),
                        Contact.id != contact.id,
                    )
                    .order_by(col(Contact.created_at).desc())
                    .limit(20)
                )
            ).all()
        )
    reasons = (
        await session.exec(
            select(ContactReason).where(
                ContactReason.product_id == contact.product_id, ContactReason.active
            )
        )
    ).all()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="phone.screen_pop",
        object_type="contact",
        object_id=reference,
        origin=client_ip(request),
        detail={"customer_id": call.customer_id},
    )
    await session.commit()
    return {
        "reference": contact.reference,
        "product_id": contact.product_id,
        "state": call.state,
        "caller_number": call.caller_number,
        "agent_user_id": call.agent_user_id,
        "customer": {"id": customer.id, "name": customer.display_name} if customer else None,
        "open_contacts": [_contact_json(c) for c in history if c.status != "closed"],
        "history": [_contact_json(c) for c in history if c.status == "closed"][:5],
        "reasons": [{"id": r.id, "label_nl": r.label_nl, "label_en": r.label_en} for r in reasons],
        "callback_attempts": call.callback_attempts,
    }


def _contact_json(c: Contact) -> dict[str, Any]:
    return {
        "reference": c.reference,
        "channel": c.channel,
        "status": c.status,
        "subject": c.subject,
        "created_at": c.created_at.isoformat(),
    }


# --- decisions ------------------------------------------------------------------------


class WrapUpIn(BaseModel):
    reason_id: int
    note: str = Field(default="", max_length=10_000)
    link_reference: str | None = Field(default=None, max_length=32)


def _refused(exc: Exception) -> JSONResponse:
    cause = getattr(exc, "cause", None)
    code = cause.type if isinstance(cause, ApplicationError) else None
    message = str(getattr(cause, "message", "") or cause or exc)
    return JSONResponse({"detail": message, "code": code}, status_code=409)


async def _update(client, reference: str, name: str, arg, result_type):
    handle = client.get_workflow_handle(contact_workflow_id(reference))
    try:
        return await handle.execute_update(name, arg, result_type=result_type), None
    except WorkflowUpdateFailedError as exc:
        return None, _refused(exc)
    except RPCError as exc:
        if exc.status == RPCStatusCode.NOT_FOUND:
            body = {"detail": "This contact is no longer active.", "code": "ContactNotActive"}
            return None, JSONResponse(body, status_code=409)
        raise HTTPException(503, "The workflow engine did not answer; try again.") from exc


@router.post("/api/phone/calls/{reference}/wrap-up")
async def wrap_up(
    reference: str,
    body: WrapUpIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """After-call work: contact reason, an optional note, and optionally a link to an
    existing contact (else the call stays a contact of its own). Closes the call."""
    contact, call = await _call_for(session, viewer, reference)
    reason = await session.get(ContactReason, body.reason_id)
    if reason is None or reason.product_id != contact.product_id:
        raise HTTPException(422, "Choose a contact reason of this product.")
    linked_id = None
    if body.link_reference:
        linked = await get_contact_for_user(session, viewer, body.link_reference)
        linked_id = linked.id
    note = None
    if body.note.strip():
        note = Note(contact_id=contact.id, author_id=viewer.id, body=body.note.strip())
        session.add(note)
        await session.commit()
    request_ = WrapUpRequest(viewer.id, reason.id, note.id if note else None, linked_id)
    result, refusal = await _update(client, reference, "wrap_up", request_, WrapUpResult)
    if note is not None and refusal is not None:
        await session.delete(note)  # the decision did not happen: neither did its note
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.wrap_up",
        object_type="contact",
        object_id=reference,
        origin=client_ip(request),
        result="refused" if refusal else "ok",
        detail={"reason_id": reason.id, "linked": body.link_reference},
    )
    await session.commit()
    return refusal or {"status": result.status, "linked_reference": body.link_reference}


@router.post("/api/phone/calls/{reference}/call-back")
async def call_back(
    reference: str,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    client: TemporalClient,
):
    """Call the customer back: Asterisk rings my phone, then the customer. A failed
    attempt leaves the callback task open with the attempts counted."""
    await _call_for(session, viewer, reference)
    result, refusal = await _update(
        client, reference, "call_back", CallbackRequest(viewer.id), CallbackResult
    )
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.call_back",
        object_type="contact",
        object_id=reference,
        origin=client_ip(request),
        result="refused" if refusal else "ok",
        detail={"outcome": result.outcome if result else None},
    )
    await session.commit()
    return refusal or {"outcome": result.outcome, "attempts": result.attempts}


# --- live events ----------------------------------------------------------------------------


@router.get("/phone/events", response_class=StreamingResponse)
async def phone_events(
    request: Request, viewer: ContactReader, view: str = "agent"
) -> StreamingResponse:
    """``view=agent`` (the phone page): screen pops and phone-state changes meant for me
    only. ``view=wallboard``: every call and agent change in my products."""
    if view == "wallboard":
        return live_stream(request, viewer, lambda event: event.kind in PHONE_KINDS)
    return live_stream(
        request,
        viewer,
        lambda event: event.kind in AGENT_KINDS and event.assignee_id == viewer.id,
    )
