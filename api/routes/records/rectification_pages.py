"""Rectification requests on the privacy officer's pages: register one for a customer
and close it with the answer letter (services/records/rectification.py). A refusal
comes back to the page as a message; nothing is lost."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse

from api.deps import DbSession, RecordsManager, client_ip
from api.validation import IntId
from services.records import rectification

router = APIRouter(tags=["privacy"], include_in_schema=False)


@router.post("/records/privacy/customers/{customer_id}/rectification")
async def register_rectification(
    customer_id: IntId,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
    request_reference: Annotated[str, Form(max_length=100)] = "",
):
    page = f"/records/privacy/customers/{customer_id}"
    try:
        await rectification.register_request(
            session, viewer, client_ip(request), customer_id, request_reference.strip()
        )
    except rectification.RequestNotFound:
        raise HTTPException(status_code=404, detail="Not found") from None
    except rectification.RectificationRefused as exc:
        await session.rollback()
        return RedirectResponse(f"{page}?problem={exc.code}", status_code=303)
    await session.commit()
    return RedirectResponse(f"{page}?rectification=open", status_code=303)


@router.post("/records/privacy/requests/{privacy_request_id}/letter")
async def close_rectification(
    privacy_request_id: IntId,
    request: Request,
    viewer: RecordsManager,
    session: DbSession,
    letter: Annotated[str, Form(max_length=rectification.LETTER_MAX)] = "",
):
    try:
        row = await rectification.close_request(
            session, viewer, client_ip(request), privacy_request_id, letter
        )
    except rectification.RequestNotFound:
        raise HTTPException(status_code=404, detail="Not found") from None
    except rectification.RectificationRefused as exc:
        await session.rollback()
        return RedirectResponse(f"/records/privacy?problem={exc.code}", status_code=303)
    await session.commit()
    return RedirectResponse(f"/records/privacy?closed={row.id}", status_code=303)
