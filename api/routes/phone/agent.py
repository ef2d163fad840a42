"""Phone channel routes (JSON + pages): an agent's phone state (sign in to the queues
of their products, pause, sign out), the screen pop of an answered call, wrap-up and
callback decisions, the wallboard, and the live stream of phone events.

Thin on purpose: phone state changes are AMI actions; PULSE's view follows what
Asterisk then reports (the AMI bridge writes it). Decisions go to the call's
ContactWorkflow as Updates (services/phone/decisions.py).
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from adapters.ami.client import AmiClient, AmiConfig
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
from api.validation import IntId
from contracts.contact import ContactStatus
from db.models.contacts import Contact
from services.access import SUPERVISORS, Viewer, get_contact_for_user, require_role
from services.phone import agents, decisions
from services.phone.views import agent_states, start_of_today, wallboard
from services.reports.period import today_local
from services.reports.today import written_today
from services.survey.today import satisfaction_today

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


@router.post("/api/phone/sign-in", status_code=202)
async def sign_in(
    body: SignInIn, request: Request, viewer: ContactWorker, session: DbSession, ami: Ami
) -> dict[str, Any]:
    """QueueAdd to the queues of the chosen (accredited) products. The state shown
    changes when Asterisk confirms (QueueMemberAdded through the bridge)."""
    interface = interface_of(request, viewer)
    queues = await agents.sign_in(
        session, ami, viewer, interface, body.product_ids, client_ip(request)
    )
    return {"queues": queues}


@router.post("/api/phone/pause", status_code=202)
async def pause(
    body: PauseIn, request: Request, viewer: ContactWorker, session: DbSession, ami: Ami
) -> dict[str, Any]:
    """QueuePause in all my queues, with a reason (or unpause)."""
    interface = interface_of(request, viewer)
    return await agents.pause(
        session, ami, viewer, interface, body.paused, body.reason, client_ip(request)
    )


@router.post("/api/phone/sign-out", status_code=202)
async def sign_out(request: Request, viewer: ContactWorker, session: DbSession, ami: Ami) -> dict:
    """QueueRemove from every queue of my products."""
    interface = interface_of(request, viewer)
    removed = await agents.sign_out(session, ami, viewer, interface, client_ip(request))
    return {"queues": removed}


# --- wallboard --------------------------------------------------------------------------

# Below this share answered in time a queue shows red on the wallboard.
SERVICE_LEVEL_TARGET_PCT = 80


@router.get("/api/phone/wallboard")
async def wallboard_json(request: Request, viewer: Supervisor, session: DbSession) -> dict:
    level = request.app.state.settings.phone_service_level_s
    figures = await wallboard(session, viewer.product_ids, start_of_today(), level)
    # the agents' states from the same moment, so the two tables agree
    agent_rows = await agent_states(session, viewer.product_ids)
    written = await written_today(session, viewer.product_ids, today_local())
    today = await satisfaction_today(session, viewer.product_ids, start_of_today())
    return {
        "service_level_s": level,
        "queues": [f.to_json() for f in figures],
        "written": [w.to_json() for w in written],
        "satisfaction": today.to_json(),
        "agents": [
            {"full_name": a.full_name, "queue": a.queue, "state": a.state, "reason": a.pause_reason}
            for a in agent_rows
        ],
    }


@router.get("/phone/wallboard", include_in_schema=False)
async def wallboard_page(request: Request, viewer: Supervisor, session: DbSession):
    level = request.app.state.settings.phone_service_level_s
    figures = await wallboard(session, viewer.product_ids, start_of_today(), level)
    agent_rows = await agent_states(session, viewer.product_ids)
    written = await written_today(session, viewer.product_ids, today_local())
    return render(
        request,
        "phone/wallboard.html",
        viewer,
        figures=figures,
        agents=agent_rows,
        written=written,
        level=level,
        target=SERVICE_LEVEL_TARGET_PCT,
        satisfaction=await satisfaction_today(session, viewer.product_ids, start_of_today()),
    )


# --- the agent's phone page and screen pop ------------------------------------------------


@router.get("/phone", include_in_schema=False)
async def phone_page(request: Request, viewer: ContactReader, session: DbSession):
    lines = await agents.my_lines(session, viewer)
    mine = await agent_states(session, viewer.product_ids, viewer.id)
    wrapups, callbacks = await agents.open_phone_tasks(session, viewer)
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


@router.get("/api/phone/calls/{reference}")
async def screen_pop(
    reference: str, request: Request, viewer: ContactReader, session: DbSession
) -> dict[str, Any]:
    """The caller of a call: number, matched customer, their open contacts and recent
    history in the viewer's products (the screen pop)."""
    pop = await agents.screen_pop(session, viewer, reference, client_ip(request))
    contact, call, customer, history = pop.contact, pop.call, pop.customer, pop.history
    return {
        "reference": contact.reference,
        "product_id": contact.product_id,
        "state": call.state,
        "caller_number": call.caller_number,
        "agent_user_id": call.agent_user_id,
        "customer": {"id": customer.id, "name": customer.display_name} if customer else None,
        "open_contacts": [_contact_json(c) for c in history if c.status != ContactStatus.closed],
        "history": [_contact_json(c) for c in history if c.status == ContactStatus.closed][:5],
        "reasons": [
            {"id": r.id, "label_nl": r.label_nl, "label_en": r.label_en} for r in pop.reasons
        ],
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
    reason_id: IntId
    note: str = Field(default="", max_length=10_000)
    link_reference: str | None = Field(default=None, max_length=32)


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
    contact, _ = await agents.call_for(session, viewer, reference)
    linked = None
    if body.link_reference:
        linked = await get_contact_for_user(session, viewer, body.link_reference)
    result = await decisions.wrap_up(
        session,
        client,
        viewer,
        contact,
        reason_id=body.reason_id,
        note_text=body.note,
        linked=linked,
        origin=client_ip(request),
    )
    return {"status": result.status, "linked_reference": body.link_reference}


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
    contact, _ = await agents.call_for(session, viewer, reference)
    result = await decisions.call_back(session, client, viewer, contact, client_ip(request))
    return {"outcome": result.outcome, "attempts": result.attempts}


# --- live events ----------------------------------------------------------------------------


@router.get("/phone/events", response_class=StreamingResponse)
async def phone_events(
    request: Request, viewer: ContactReader, view: Literal["agent", "wallboard"] = "agent"
) -> StreamingResponse:
    """``view=agent`` (the phone page): screen pops and phone-state changes meant for me
    only. ``view=wallboard``: every call and agent change in my products, for those who
    may see the wallboard."""
    if view == "wallboard":
        require_role(viewer, SUPERVISORS)
        return live_stream(request, viewer, lambda event: event.kind in PHONE_KINDS)
    return live_stream(
        request,
        viewer,
        lambda event: event.kind in AGENT_KINDS and event.assignee_id == viewer.id,
    )
