"""Work area routes: line task lists, "next task", escalation and complaints,
who is viewing a contact, reply templates and signatures.

Decisions (escalate, answer, complaint, extend) go to the contact's workflow as
Updates through contact_ops, exactly like claim and reply: the API checks who may
ask (role, accreditation, line), the workflow decides.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy import delete, func, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.deps import DbSession, SettingsDep, TemporalClient, client_ip, role_required
from api.routes import contact_ops as ops
from api.routes.contact_pages import back_to, contact_page
from api.routes.pages import render, templates
from core import audit
from core.access import READ_CONTACTS, WORK_CONTACTS, Viewer, get_contact_for_user
from core.db import next_reference
from core.models import (
    Channel,
    Contact,
    ContactEvent,
    ContactStatus,
    Customer,
    Note,
    Product,
    Task,
    TaskStatus,
    User,
)
from core.models_work import ContactViewer, ReplyTemplate, UserSignature
from core.work_access import line_pairs, lines_by_product
from workflows.contracts import (
    ClaimRequest,
    ContactInput,
    contact_workflow_id,
    initial_search_attributes,
)
from workflows.sla import WorkCalendar, working_minutes_between
from workflows.work_contracts import (
    AnswerRequest,
    ComplaintRequest,
    EscalateRequest,
    ExtendComplaintRequest,
)

router = APIRouter(tags=["work"])

Reader = Annotated[Viewer, Depends(role_required(READ_CONTACTS))]
Worker = Annotated[Viewer, Depends(role_required(WORK_CONTACTS))]

LIST_SIZE = 100
PRESENCE_SECONDS = 45  # a viewer whose page has not beaten for this long has left
NEXT_CANDIDATES = 10
NEXT_CLAIM_SECONDS = 10.0  # a claim its workflow does not answer in time: try the next


# --- time left, on working hours ----------------------------------------------------

_CALENDAR: dict[str, WorkCalendar] = {}


def _calendar() -> WorkCalendar:
    """The default office calendar with Dutch holidays (for display only; the
    workflow's timers use the configured one it got at its start)."""
    if "nl" not in _CALENDAR:
        from activities.work import dutch_holidays

        year = datetime.now(UTC).year
        _CALENDAR["nl"] = WorkCalendar(holidays=dutch_holidays([year - 1, year, year + 1], []))
    return _CALENDAR["nl"]


def working_minutes_left(due: datetime | None, now: datetime | None = None) -> int | None:
    """Working minutes until ``due`` (negative when overdue); None without a due date."""
    if due is None:
        return None
    now = now or datetime.now(UTC)
    due = due if due.tzinfo else due.replace(tzinfo=UTC)
    if due >= now:
        return int(working_minutes_between(now, due, _calendar()))
    return -int(working_minutes_between(due, now, _calendar()) or (now - due).total_seconds() // 60)


def time_left(due: datetime | None) -> str:
    """ "3u 20m" of working time left, "-1u 05m" when overdue, "" without a due date."""
    minutes = working_minutes_left(due)
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours}u {rest:02d}m" if hours else f"{sign}{rest}m"


templates.env.filters["time_left"] = time_left


# --- task lists per product and line -------------------------------------------------


class WorkTask(BaseModel):
    reference: str
    title: str
    customer_label: str
    product_id: int
    line: int
    queue: str
    status: str
    contact_status: str
    assignee_id: int | None
    assignee_name: str | None = None
    priority: int
    sla_state: str
    due_at: datetime | None
    minutes_left: int | None = None
    created_at: datetime


def urgency_order():
    """Breached first, then priority, then the nearest due date, then the oldest."""
    return (
        (Task.sla_state == "breached").desc(),
        Task.priority.desc(),
        Task.due_at.asc().nulls_last(),
        Task.created_at,
        Task.id,
    )


async def load_tasks(
    session: AsyncSession, pairs: list[tuple[int, int]], statuses: tuple[str, ...],
    assignee_id: int | None = None, limit: int = LIST_SIZE,
) -> list[WorkTask]:  # fmt: skip
    if not pairs:
        return []
    query = (
        select(Task, User.full_name)
        .outerjoin(User, User.id == Task.assignee_id)
        .where(
            tuple_(Task.product_id, Task.line).in_(pairs),
            Task.status.in_(statuses),  # type: ignore[attr-defined]
        )
        .order_by(*urgency_order())
        .limit(limit)
    )
    if assignee_id is not None:
        query = query.where(Task.assignee_id == assignee_id)
    now = datetime.now(UTC)
    return [
        WorkTask(
            **{name: getattr(task, name) for name in TASK_FIELDS},
            assignee_name=name,
            minutes_left=working_minutes_left(task.due_at, now),
        )
        for task, name in (await session.exec(query)).all()
    ]


ACTIVE = (TaskStatus.open.value, TaskStatus.claimed.value)
COMPUTED = ("assignee_name", "minutes_left")
TASK_FIELDS = [name for name in WorkTask.model_fields if name not in COMPUTED]


@router.get("/api/work/tasks", response_model=list[WorkTask])
async def api_line_tasks(
    viewer: Reader, session: DbSession,
    product: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
    mine: bool = False,
):  # fmt: skip
    """Active tasks of the viewer's lists (product x line), most urgent first."""
    pairs = line_pairs(await lines_by_product(session, viewer), product, line)
    return await load_tasks(session, pairs, ACTIVE, viewer.id if mine else None)


@router.get("/work", include_in_schema=False)
async def line_tasks_page(
    request: Request, viewer: Reader, session: DbSession,
    product: Annotated[int | None, Query(ge=1)] = None,
    line: Annotated[int | None, Query(ge=1, le=3)] = None,
    mine: bool = False,
):  # fmt: skip
    lines = await lines_by_product(session, viewer)
    tasks = await load_tasks(
        session, line_pairs(lines, product, line), ACTIVE, viewer.id if mine else None
    )
    products = await _product_codes(session, list(lines))
    return render(
        request, "work_tasks.html", viewer, tasks=tasks, products=products, lines=lines,
        wanted={"product": product, "line": line, "mine": mine},
        nothing=request.query_params.get("nothing") == "1",
    )  # fmt: skip


async def _product_codes(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.exec(select(Product.id, Product.code).where(Product.id.in_(ids)))  # type: ignore[attr-defined]
    return dict(rows.all())


# --- next task ------------------------------------------------------------------------


class NextTaskOut(BaseModel):
    reference: str | None


async def claim_next(
    session: AsyncSession, client, viewer: Viewer, origin: str | None
) -> str | None:
    """Claim the most urgent open task among the viewer's lists; a task someone else
    took a moment ago is refused by its workflow, and the next one is tried."""
    lines = await lines_by_product(session, viewer)
    candidates = await load_tasks(
        session, line_pairs(lines), (TaskStatus.open.value,), limit=NEXT_CANDIDATES
    )
    for task in candidates:
        request = ClaimRequest(viewer.id, lines.get(task.product_id, []))
        try:
            await asyncio.wait_for(
                ops.decide(session, client, viewer, task.reference, "claim", request, origin),
                NEXT_CLAIM_SECONDS,
            )
        except (ops.DecisionRefused, TimeoutError):  # taken, or its workflow is not served
            continue
        return task.reference
    return None


@router.post("/api/work/next", response_model=NextTaskOut)
async def api_next_task(
    request: Request, viewer: Worker, session: DbSession, client: TemporalClient
):
    """Claim the most urgent task of the viewer's lists; reference None when none is open."""
    return NextTaskOut(reference=await claim_next(session, client, viewer, client_ip(request)))


@router.post("/work/next", include_in_schema=False)
async def next_task(request: Request, viewer: Worker, session: DbSession, client: TemporalClient):
    reference = await claim_next(session, client, viewer, client_ip(request))
    if reference is None:
        return RedirectResponse("/work?nothing=1", status_code=303)
    return back_to(reference, "claim")


# --- escalation and complaints (JSON and forms) ----------------------------------------


class EscalateIn(BaseModel):
    to_line: int = Field(ge=2, le=3)
    question: str = Field(min_length=1, max_length=20_000)


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=20_000)
    hand_back: bool = False
    to_line: int = Field(default=0, ge=0, le=3)


class ComplaintIn(BaseModel):
    note: str = Field(default="", max_length=20_000)


class DecisionOut(BaseModel):
    status: str
    assignee_id: int | None = None


async def _note(session, viewer, contact, text: str, request: Request) -> int | None:
    if not text.strip():
        return None
    note = await ops.add_note(session, viewer, contact, text, client_ip(request))
    return note.id


async def _drop_note(session: AsyncSession, note_id: int | None) -> None:
    """The workflow refused the decision the note was written for: the question or
    answer did not happen, so neither does its note (the audit log keeps the try)."""
    if note_id is None:
        return
    await session.execute(
        delete(ContactEvent).where(
            ContactEvent.kind == "note", ContactEvent.detail["note_id"].as_integer() == note_id
        )
    )
    await session.execute(delete(Note).where(Note.id == note_id))
    await session.commit()


async def _decide(
    request: Request, viewer: Viewer, session: AsyncSession, client, contact: Contact,
    update: str, make_arg, text: str = "", detail: dict | None = None, html: bool = False,
):  # fmt: skip
    """Store the note (question, answer), send the decision; JSON or a redirect back,
    and on a refusal 409 (JSON, or the contact page with the reason)."""
    note_id = await _note(session, viewer, contact, text, request)
    try:
        result = await ops.decide(
            session, client, viewer, contact.reference, update, make_arg(note_id),
            client_ip(request), detail,
        )  # fmt: skip
    except ops.DecisionRefused as exc:
        await _drop_note(session, note_id)
        if html:
            return await contact_page(request, viewer, session, contact.reference, 409, exc)
        return JSONResponse(ops.refusal_body(exc), status_code=409)
    if html:
        return back_to(contact.reference, update)
    return DecisionOut(status=result.status, assignee_id=result.assignee_id)


REFUSED = {409: {"description": "The workflow refused the decision; `detail` says why."}}


@router.post("/api/contacts/{reference}/escalate", response_model=DecisionOut, responses=REFUSED)
async def api_escalate(
    reference: str, body: EscalateIn, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient,
):  # fmt: skip
    """Ask a 2nd- or 3rd-line list a question; the contact waits on that list."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "escalate",
        lambda note: EscalateRequest(viewer.id, body.to_line, note), body.question,
        {"to_line": body.to_line},
    )  # fmt: skip


@router.post("/api/contacts/{reference}/answer", response_model=DecisionOut, responses=REFUSED)
async def api_answer(
    reference: str, body: AnswerIn, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient,
):  # fmt: skip
    """The line holding an escalation answers it (or hands it back) to the line before."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "answer_escalation",
        lambda note: AnswerRequest(viewer.id, note, body.hand_back, body.to_line), body.answer,
    )  # fmt: skip


@router.post("/api/contacts/{reference}/complaint", response_model=DecisionOut, responses=REFUSED)
async def api_complaint(
    reference: str, body: ComplaintIn, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient,
):  # fmt: skip
    """Mark the contact a complaint: to the complaints list, with the Awb term."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "mark_complaint",
        lambda note: ComplaintRequest(viewer.id, note), body.note,
    )  # fmt: skip


@router.post(
    "/api/contacts/{reference}/complaint/extend", response_model=DecisionOut, responses=REFUSED
)
async def api_extend_complaint(
    reference: str, request: Request, viewer: Worker, session: DbSession, client: TemporalClient
):
    """Extend the complaint term once by four weeks (a letter goes to the customer)."""
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "extend_complaint",
        lambda _: ExtendComplaintRequest(viewer.id),
    )  # fmt: skip


@router.post("/contacts/{reference}/escalate", include_in_schema=False)
async def escalate_form(
    reference: str, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient, to_line: Annotated[int, Form(ge=2, le=3)],
    question: Annotated[str, Form(min_length=1, max_length=20_000)],
):  # fmt: skip
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "escalate",
        lambda note: EscalateRequest(viewer.id, to_line, note), question,
        {"to_line": to_line}, html=True,
    )  # fmt: skip


@router.post("/contacts/{reference}/answer", include_in_schema=False)
async def answer_form(
    reference: str, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient, answer: Annotated[str, Form(min_length=1, max_length=20_000)],
    hand_back: Annotated[bool, Form()] = False,
    to_line: Annotated[int, Form(ge=0, le=3)] = 0,
):  # fmt: skip
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "answer_escalation",
        lambda note: AnswerRequest(viewer.id, note, hand_back, to_line), answer, html=True,
    )  # fmt: skip


@router.post("/contacts/{reference}/complaint", include_in_schema=False)
async def complaint_form(
    reference: str, request: Request, viewer: Worker, session: DbSession,
    client: TemporalClient, note: Annotated[str, Form(max_length=20_000)] = "",
):  # fmt: skip
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "mark_complaint",
        lambda note_id: ComplaintRequest(viewer.id, note_id), note, html=True,
    )  # fmt: skip


@router.post("/contacts/{reference}/complaint/extend", include_in_schema=False)
async def extend_form(
    reference: str, request: Request, viewer: Worker, session: DbSession, client: TemporalClient
):
    contact = await get_contact_for_user(session, viewer, reference)
    return await _decide(
        request, viewer, session, client, contact, "extend_complaint",
        lambda _: ExtendComplaintRequest(viewer.id), html=True,
    )  # fmt: skip


# --- who holds and who views a contact -------------------------------------------------


class PresenceOut(BaseModel):
    holder_id: int | None
    holder_name: str | None
    viewers: list[str]


async def presence_of(session: AsyncSession, contact: Contact, viewer: Viewer) -> PresenceOut:
    since = datetime.now(UTC) - timedelta(seconds=PRESENCE_SECONDS)
    rows = await session.exec(
        select(User.full_name)
        .join(ContactViewer, ContactViewer.user_id == User.id)
        .where(
            ContactViewer.contact_id == contact.id,
            ContactViewer.seen_at > since,
            ContactViewer.user_id != viewer.id,
        )
        .order_by(User.full_name)
    )
    holder = await session.get(User, contact.assignee_id) if contact.assignee_id else None
    return PresenceOut(
        holder_id=contact.assignee_id,
        holder_name=holder.full_name if holder else None,
        viewers=list(rows.all()),
    )


@router.post("/api/contacts/{reference}/presence", response_model=PresenceOut)
async def heartbeat(reference: str, viewer: Reader, session: DbSession):
    """The contact page beats every ~20 s while open; answers who else is looking."""
    contact = await get_contact_for_user(session, viewer, reference)
    stmt = insert(ContactViewer).values(
        contact_id=contact.id, user_id=viewer.id, seen_at=func.now()
    )
    await session.execute(
        stmt.on_conflict_do_update(
            index_elements=["contact_id", "user_id"], set_={"seen_at": func.now()}
        )
    )
    await session.commit()
    return await presence_of(session, contact, viewer)


@router.delete("/api/contacts/{reference}/presence", status_code=204)
async def leave(reference: str, viewer: Reader, session: DbSession):
    contact = await get_contact_for_user(session, viewer, reference)
    await session.execute(
        delete(ContactViewer).where(
            ContactViewer.contact_id == contact.id, ContactViewer.user_id == viewer.id
        )
    )
    await session.commit()


# --- reply templates and signatures ----------------------------------------------------


class TemplateOut(BaseModel):
    id: int
    code: str
    title: str
    language: str


class FilledTemplate(BaseModel):
    text: str


@router.get("/api/contacts/{reference}/templates", response_model=list[TemplateOut])
async def contact_templates(reference: str, viewer: Worker, session: DbSession):
    """Reply templates of the contact's product, in the contact's language first."""
    contact = await get_contact_for_user(session, viewer, reference)
    rows = await session.exec(
        select(ReplyTemplate)
        .where(ReplyTemplate.product_id == contact.product_id, ReplyTemplate.active)
        .order_by((ReplyTemplate.language == contact.language).desc(), ReplyTemplate.title)
    )
    return [TemplateOut.model_validate(t, from_attributes=True) for t in rows.all()]


@router.get("/api/contacts/{reference}/templates/fill", response_model=FilledTemplate)
async def fill_template(
    reference: str, viewer: Worker, session: DbSession,
    template_id: Annotated[int | None, Query(ge=1)] = None,
):  # fmt: skip
    """The template with its variables filled for this contact, and the agent's
    signature above the product's."""
    from activities.work import fill

    contact = await get_contact_for_user(session, viewer, reference)
    if template_id is None:
        raise HTTPException(422, "Choose a template (template_id).")
    template = await session.get(ReplyTemplate, template_id)
    if template is None or template.product_id != contact.product_id or not template.active:
        raise HTTPException(404, "No such template for this contact.")
    product = await session.get(Product, contact.product_id)
    try:
        customer_name = (await ops.customer_address(session, contact))[1]
    except HTTPException:  # no address known: the name stays empty
        customer_name = None
    own = await session.get(UserSignature, viewer.id)
    values = {
        "reference": contact.reference,
        "subject": contact.subject,
        "customer_name": (customer_name.from_name if customer_name else None) or "",
        "agent_name": viewer.full_name,
        "product_name": product.name if product else "",
    }
    signature = "\n\n".join(part for part in ((own.body if own else ""), product.signature) if part)
    return FilledTemplate(text=fill(template.body, values) + "\n\n" + signature)


class SignatureIn(BaseModel):
    body: str = Field(max_length=2000)


@router.get("/api/work/signature", response_model=SignatureIn)
async def get_signature(viewer: Worker, session: DbSession):
    own = await session.get(UserSignature, viewer.id)
    return SignatureIn(body=own.body if own else "")


@router.put("/api/work/signature", response_model=SignatureIn)
async def put_signature(body: SignatureIn, viewer: Worker, session: DbSession):
    own = await session.get(UserSignature, viewer.id) or UserSignature(user_id=viewer.id)
    own.body = body.body.strip()
    session.add(own)
    await session.commit()
    return SignatureIn(body=own.body)


# --- manual callback requests (terugbelverzoek) -----------------------------------------


class CallbackIn(BaseModel):
    product_id: int
    phone: str = Field(min_length=6, max_length=32)
    note: str = Field(default="", max_length=5_000)
    customer_id: int | None = None


class CallbackOut(BaseModel):
    reference: str


async def register_callback(
    session: AsyncSession, settings, client, viewer: Viewer, body: CallbackIn,
    origin: str | None,
) -> str:  # fmt: skip
    """A new phone contact whose task is a callback in the product's queue: the
    workflow runs it like any contact (SLA, claim, assign); the phone area calls."""
    from core.phones import normalize_phone

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
        reference=await next_reference(session, now), channel=Channel.phone,
        status=ContactStatus.new, subject="Terugbelverzoek", product_id=product.id,
        customer_id=body.customer_id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(contact)
    await session.flush()
    session.add(
        Task(
            contact_id=contact.id, product_id=product.id, kind="callback",
            status=TaskStatus.open, contact_status=ContactStatus.new,
            reference=contact.reference, title="Terugbelverzoek", customer_label=number,
        )
    )  # fmt: skip
    text = f"Terugbellen: {number}" + (f"\n\n{body.note.strip()}" if body.note.strip() else "")
    session.add(Note(contact_id=contact.id, author_id=viewer.id, body=text))
    session.add(ContactEvent(contact_id=contact.id, actor_id=viewer.id, kind="callback_registered"))
    await audit.record(
        session, actor=viewer.username, actor_id=viewer.id, action="contact.callback.register",
        object_type="contact", object_id=contact.reference, origin=origin,
    )  # fmt: skip
    await session.commit()
    await client.start_workflow(
        "ContactWorkflow",
        ContactInput(
            contact_id=contact.id, reference=contact.reference, product_code=product.code,
            channel="phone", reopen_days=settings.reopen_days,
            first_response_hours=settings.first_response_hours,
        ),
        id=contact_workflow_id(contact.reference), task_queue=settings.temporal_task_queue,
        search_attributes=initial_search_attributes(product.code, "phone"),
    )  # fmt: skip
    return contact.reference


@router.post("/api/work/callbacks", response_model=CallbackOut, status_code=201)
async def api_register_callback(
    body: CallbackIn, request: Request, viewer: Worker, session: DbSession,
    settings: SettingsDep, client: TemporalClient,
):  # fmt: skip
    """Register a callback request for a product (a task of kind "callback")."""
    reference = await register_callback(session, settings, client, viewer, body, client_ip(request))
    return CallbackOut(reference=reference)


@router.post("/work/callbacks", include_in_schema=False)
async def register_callback_form(
    request: Request, viewer: Worker, session: DbSession, settings: SettingsDep,
    client: TemporalClient, product_id: Annotated[int, Form()],
    phone: Annotated[str, Form(min_length=6, max_length=32)],
    note: Annotated[str, Form(max_length=5_000)] = "",
):  # fmt: skip
    body = CallbackIn(product_id=product_id, phone=phone, note=note)
    reference = await register_callback(session, settings, client, viewer, body, client_ip(request))
    return RedirectResponse(f"/contacts/{reference}", status_code=303)
