"""Work area: manual callback requests (terugbelverzoek), registered by any agent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import ContactWorker, DbSession, SettingsDep, TemporalClient, client_ip
from contracts.contact import ContactInput, contact_workflow_id, initial_search_attributes
from db.models.contacts import (
    Channel,
    Contact,
    ContactEvent,
    ContactStatus,
    Customer,
    Note,
    Product,
    Task,
    TaskStatus,
)
from db.session import next_reference
from services import audit
from services.access import Viewer

router = APIRouter(tags=["work"])


# --- manual callback requests (terugbelverzoek) -----------------------------------------


class CallbackIn(BaseModel):
    product_id: int
    phone: str = Field(min_length=6, max_length=32)
    note: str = Field(default="", max_length=5_000)
    customer_id: int | None = None


class CallbackOut(BaseModel):
    reference: str


async def register_callback(
    session: AsyncSession,
    settings,
    client,
    viewer: Viewer,
    body: CallbackIn,
    origin: str | None,
) -> str:
    """A new phone contact whose task is a callback in the product's queue: the
    workflow runs it like any contact (SLA, claim, assign); the phone area calls."""
    from services.customers.phones import normalize_phone

    if not viewer.may_see_product(body.product_id):
        raise HTTPException(404, "No such product.")
    number = normalize_phone(body.phone)
    if number is None:
        raise HTTPException(422, "Not a phone number.")
    if body.customer_id is not None and await session.get(Customer, body.customer_id) is None:
        raise HTTPException(422, "No such customer.")
    product = await session.get(Product, body.product_id)
    now = datetime.now(UTC)
    contact = Contact(
        reference=await next_reference(session, now),
        channel=Channel.phone,
        status=ContactStatus.new,
        subject="Terugbelverzoek",
        product_id=product.id,
        customer_id=body.customer_id,
        created_at=now,
        updated_at=now,
    )
    session.add(contact)
    await session.flush()
    session.add(
        Task(
            contact_id=contact.id,
            product_id=product.id,
            kind="callback",
            status=TaskStatus.open,
            contact_status=ContactStatus.new,
            reference=contact.reference,
            title="Terugbelverzoek",
            customer_label=number,
        )
    )
    text = f"Terugbellen: {number}" + (f"\n\n{body.note.strip()}" if body.note.strip() else "")
    session.add(Note(contact_id=contact.id, author_id=viewer.id, body=text))
    session.add(ContactEvent(contact_id=contact.id, actor_id=viewer.id, kind="callback_registered"))
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action="contact.callback.register",
        object_type="contact",
        object_id=contact.reference,
        origin=origin,
    )
    await session.commit()
    await client.start_workflow(
        "ContactWorkflow",
        ContactInput(
            contact_id=contact.id,
            reference=contact.reference,
            product_code=product.code,
            channel="phone",
            reopen_days=settings.reopen_days,
            first_response_hours=settings.first_response_hours,
        ),
        id=contact_workflow_id(contact.reference),
        task_queue=settings.temporal_task_queue,
        search_attributes=initial_search_attributes(product.code, "phone"),
    )
    return contact.reference


@router.post("/api/work/callbacks", response_model=CallbackOut, status_code=201)
async def api_register_callback(
    body: CallbackIn,
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
):
    """Register a callback request for a product (a task of kind "callback")."""
    reference = await register_callback(session, settings, client, viewer, body, client_ip(request))
    return CallbackOut(reference=reference)


@router.post("/work/callbacks", include_in_schema=False)
async def register_callback_form(
    request: Request,
    viewer: ContactWorker,
    session: DbSession,
    settings: SettingsDep,
    client: TemporalClient,
    product_id: Annotated[int, Form()],
    phone: Annotated[str, Form(min_length=6, max_length=32)],
    note: Annotated[str, Form(max_length=5_000)] = "",
):
    body = CallbackIn(product_id=product_id, phone=phone, note=note)
    reference = await register_callback(session, settings, client, viewer, body, client_ip(request))
    return RedirectResponse(f"/contacts/{reference}", status_code=303)
