"""An agent asks for a TOPdesk incident from a contact: check access and input,
keep what to ask in a ``topdesk_incidents`` row, and start the incident's own
workflow (which makes it in TOPdesk and follows it). Also the webhook: a TOPdesk
automated action tells PULSE an incident changed, and its workflow reads it now.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import HTTPException
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from config.settings import Settings
from contracts.topdesk import IncidentInput, PollSoon, incident_workflow_id
from db.models.contacts import Contact, Customer, CustomerEmail, Direction, Message
from db.models.topdesk import TopdeskIncident
from services import audit
from services.access import get_contact_for_user
from services.contacts.decisions import Asker
from services.decisions import EngineBusy
from services.topdesk.views import announce_change
from workflows.incident.workflow import IncidentWorkflow

BRIEF_MAX = 80  # TOPdesk's limit on briefDescription


@dataclass(frozen=True)
class IncidentForm:
    brief_description: str
    request: str
    category_id: str = ""
    subcategory_id: str = ""
    operator_group_id: str = ""


class TopdeskOff(Exception):
    """No TOPdesk is configured (PULSE_TOPDESK_URL)."""


def _checked(form: IncidentForm) -> IncidentForm:
    brief, request = form.brief_description.strip(), form.request.strip()
    if not brief:
        raise HTTPException(400, "A brief description is required.")
    if len(brief) > BRIEF_MAX:
        raise HTTPException(400, f"The brief description is at most {BRIEF_MAX} characters.")
    if not request:
        raise HTTPException(400, "The request is required.")
    return IncidentForm(
        brief, request, form.category_id, form.subcategory_id, form.operator_group_id
    )


async def request_incident(ctx: Asker, reference: str, form: IncidentForm) -> TopdeskIncident:
    """Keep the request and start its workflow. A workflow that cannot be started
    takes the row with it, so a request is either followed or was never taken."""
    session, settings, viewer = ctx.session, ctx.settings, ctx.viewer
    contact = await get_contact_for_user(session, viewer, reference)
    if not settings.topdesk_url:
        raise TopdeskOff("TOPdesk is not configured")
    form = _checked(form)
    seq = (
        1
        + (
            await session.exec(select(func.count()).where(TopdeskIncident.contact_id == contact.id))
        ).one()
    )
    email, name = await _caller(session, contact)
    row = TopdeskIncident(
        contact_id=contact.id,
        seq=seq,
        external_number=reference if seq == 1 else f"{reference}-{seq}",
        created_by=viewer.id,
        brief_description=form.brief_description,
        request=form.request,
        caller_email=email,
        caller_name=name or email or reference,
        category_id=form.category_id,
        subcategory_id=form.subcategory_id,
        operator_group_id=form.operator_group_id,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.topdesk_incident",
        object_type="contact",
        object_id=reference,
        origin=ctx.origin,
        detail={"incident_id": row.id, "seq": seq},
    )
    await announce_change(session, row)
    await session.commit()  # before the start: the workflow's first activity reads it
    try:
        await _start(await ctx.temporal(), settings, row, reference)
    except Exception:  # not started: the request was not taken, so it is not kept
        await session.delete(row)
        await session.commit()
        raise
    return row


async def _start(client: Client, settings: Settings, row: TopdeskIncident, reference: str):
    try:
        await client.start_workflow(
            IncidentWorkflow.run,
            IncidentInput(
                incident_id=row.id,
                contact_id=row.contact_id,
                contact_reference=reference,
                poll_seconds=settings.topdesk_poll_seconds,
                retry_unauthorized_seconds=settings.topdesk_retry_unauthorized_seconds,
            ),
            id=incident_workflow_id(row.contact_id, row.seq),
            task_queue=settings.temporal_task_queue,
        )
    except WorkflowAlreadyStartedError:
        raise HTTPException(409, "This incident is already being made.") from None
    except RPCError as exc:
        raise EngineBusy(str(exc)) from exc


async def _caller(session: AsyncSession, contact: Contact) -> tuple[str, str]:
    """Who TOPdesk should know as the caller: the contact's address and name."""
    name = ""
    if contact.customer_id:
        customer = await session.get(Customer, contact.customer_id)
        name = customer.display_name if customer else ""
    email = contact.confirmed_address or ""
    if not email:
        email = (
            await session.exec(
                select(Message.from_address)
                .where(Message.contact_id == contact.id, Message.direction == Direction.inbound)
                .order_by(Message.id)
                .limit(1)
            )
        ).first() or ""
    if not email and contact.customer_id:
        email = (
            await session.exec(
                select(CustomerEmail.address).where(
                    CustomerEmail.customer_id == contact.customer_id
                )
            )
        ).first() or ""
    return email, name


# --- the webhook ---------------------------------------------------------------------


def webhook_token_ok(settings: Settings, header: str) -> bool:
    token = settings.topdesk_webhook_token.get_secret_value()
    scheme, _, given = header.partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(given, token)


async def poll_soon(session: AsyncSession, client: Client, number: str, topdesk_id: str) -> bool:
    """Ask the workflow of the incident named (by number or TOPdesk id) to read it now;
    False when PULSE knows no such incident."""
    stmt = select(TopdeskIncident)
    if topdesk_id:
        stmt = stmt.where(TopdeskIncident.topdesk_id == topdesk_id)
    else:
        stmt = stmt.where(TopdeskIncident.number == number)
    row = (await session.exec(stmt.limit(1))).first()
    if row is None:
        return False
    if row.done:
        return True  # nothing left to follow
    handle = client.get_workflow_handle(incident_workflow_id(row.contact_id, row.seq))
    try:
        await handle.signal(IncidentWorkflow.poll_soon, PollSoon("webhook"))
    except RPCError as exc:
        raise EngineBusy(str(exc)) from exc
    return True


async def retry_refused(session: AsyncSession, client: Client) -> int:
    """An admin fixed the login: the incidents waiting on a refused one try now."""
    rows = await session.exec(
        select(TopdeskIncident).where(TopdeskIncident.problem == "unauthorized")
    )
    asked = 0
    for row in rows.all():
        handle = client.get_workflow_handle(incident_workflow_id(row.contact_id, row.seq))
        try:
            await handle.signal(IncidentWorkflow.poll_soon, PollSoon("admin"))
        except RPCError as exc:
            raise EngineBusy(str(exc)) from exc
        asked += 1
    return asked
