"""Destruction lists as the records manager sees them, and their decisions: each
approve or withhold is an Update of the list's DestructionListWorkflow."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from temporalio.client import Client

from contracts.records import DecideRequest
from db.models.contacts import Product
from db.models.records import (
    ContactRecord,
    DestructionCertificate,
    DestructionItem,
    DestructionList,
)
from services.access import Viewer
from services.decisions import DecisionRefused, send_update
from workflows.records import DestructionListWorkflow

NOT_OPEN = "ListNotOpen"


@dataclass
class ListView:
    """One destruction list with its items (item, record, product code) and the
    certificate once the list is done."""

    list: DestructionList
    items: list[tuple[DestructionItem, ContactRecord, str]] = field(default_factory=list)
    certificate_id: int | None = None


async def _items(session: AsyncSession, list_id: int):
    rows = await session.exec(
        select(DestructionItem, ContactRecord, Product.code)
        .join(ContactRecord, ContactRecord.id == DestructionItem.record_id)
        .join(Product, Product.id == ContactRecord.product_id)
        .where(DestructionItem.list_id == list_id)
        .order_by(ContactRecord.reference)
    )
    return list(rows.all())


async def _certificate_id(session: AsyncSession, list_id: int) -> int | None:
    return (
        await session.exec(
            select(DestructionCertificate.id).where(DestructionCertificate.list_id == list_id)
        )
    ).first()


async def recent_lists(session: AsyncSession) -> list[ListView]:
    """The 50 newest destruction lists, newest first."""
    stmt = select(DestructionList).order_by(col(DestructionList.id).desc()).limit(50)
    return [
        ListView(dl, await _items(session, dl.id), await _certificate_id(session, dl.id))
        for dl in (await session.exec(stmt)).all()
    ]


async def certificates(session: AsyncSession, limit: int = 100) -> list[DestructionCertificate]:
    rows = await session.exec(
        select(DestructionCertificate).order_by(col(DestructionCertificate.id).desc()).limit(limit)
    )
    return list(rows.all())


async def decide(
    session: AsyncSession,
    client: Client,
    viewer: Viewer,
    *,
    list_id: int,
    record_id: int,
    approve: bool,
    reason: str,
) -> int:
    """Approve or withhold one item; the number of items still pending. The workflow
    records the decision; a refusal raises DecisionRefused."""
    dl = await session.get(DestructionList, list_id)
    if dl is None or dl.status != "open":
        raise DecisionRefused("This destruction list is not open.", NOT_OPEN)
    result = await send_update(
        client,
        dl.workflow_id,
        DestructionListWorkflow.decide,
        DecideRequest(viewer.id, record_id, approve, reason),
        not_found=("The list's workflow is not active.", NOT_OPEN),
    )
    return result.pending
