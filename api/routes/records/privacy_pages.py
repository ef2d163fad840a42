"""The privacy officer's pages (records manager): find the customer a request is
about, see whether erasure would be refused and on what legal ground, download the
subject access export, carry out or refuse an erasure, and the register of
requests. The JSON API is api/routes/records/privacy.py; these pages call the same code."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse
from sqlalchemy import func
from sqlmodel import select

from api.deps import DbSession, RecordsManager, client_ip
from api.rendering import render
from api.validation import IntId
from db.models.contacts import Contact, ContactStatus, Customer, CustomerEmail
from services import search
from services.customers.service import record_read
from services.records import rectification
from services.records.privacy import erasure_refusal
from services.records.requests import handle_erasure, recent_requests

router = APIRouter(tags=["privacy"], include_in_schema=False)

SEARCH_LIMIT = 20


@router.get("/records/privacy")
async def privacy_page(request: Request, viewer: RecordsManager, session: DbSession, q: str = ""):
    query = q.strip()[:200]
    hits = []
    if query:
        hits = await search.customers(session, request.app.state.settings, query, SEARCH_LIMIT)
        await record_read(
            session,
            viewer,
            "privacy.search",
            "customer",
            None,
            client_ip(request),
            {"query": search.masked_query(query), "hits": len(hits)},
        )
    requests = await recent_requests(session)
    return render(
        request,
        "records/privacy.html",
        viewer,
        query=query,
        hits=hits,
        requests=requests,
        changes={
            r.id: await rectification.linked_changes(session, r)
            for r in requests
            if r.kind == rectification.KIND
        },
    )


async def _contact_counts(session, customer_id: IntId) -> dict[str, int]:
    rows = await session.exec(
        select(Contact.status, func.count())
        .where(Contact.customer_id == customer_id)
        .group_by(Contact.status)
    )
    counts = {"open": 0, "closed": 0}
    for status, n in rows.all():
        counts["closed" if status == ContactStatus.closed else "open"] += n
    return counts


@router.get("/records/privacy/customers/{customer_id}")
async def privacy_customer_page(
    customer_id: IntId, request: Request, viewer: RecordsManager, session: DbSession
):
    customer = await session.get(Customer, customer_id)
    if customer is None:
        raise HTTPException(status_code=404, detail="Not found")
    emails = (
        await session.exec(
            select(CustomerEmail.address).where(CustomerEmail.customer_id == customer_id)
        )
    ).all()
    counts = await _contact_counts(session, customer_id)
    refusal = await erasure_refusal(session, customer_id, datetime.now(UTC).date())
    await record_read(session, viewer, "privacy.view", "customer", customer_id, client_ip(request))
    return render(
        request,
        "records/privacy_customer.html",
        viewer,
        customer=customer,
        emails=emails,
        counts=counts,
        refusal=refusal,
        open_rectification=await rectification.open_request(session, customer_id),
    )


@router.post("/records/privacy/customers/{customer_id}/erasure")
async def erasure_form(
    customer_id: IntId,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
    confirm: Annotated[str, Form()] = "",
    request_reference: Annotated[str, Form()] = "",
):
    if confirm != "yes":
        customer = await session.get(Customer, customer_id)
        if customer is None:
            raise HTTPException(status_code=404, detail="Not found")
        return RedirectResponse(
            f"/records/privacy/customers/{customer_id}?unconfirmed=1", status_code=303
        )
    row = await handle_erasure(
        session, viewer, client_ip(request), customer_id, request_reference[:100]
    )
    if row.outcome != "done":  # refused, or only partly carried out
        return RedirectResponse(
            f"/records/privacy/customers/{customer_id}?refused={row.id}", status_code=303
        )
    return RedirectResponse(f"/records/privacy?erased={row.id}", status_code=303)
