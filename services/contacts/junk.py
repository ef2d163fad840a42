"""The junk of a trafficer's products: spam the intake held apart from the queues.

Listing and deleting live here; releasing goes back through the mail intake
(channels/email/junk.py), because a released mail is ordinary mail from then on.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import HTTPException, Path
from sqlalchemy import func, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product, utcnow
from db.models.junk import JunkMail, JunkStatus
from services import audit
from services.access import Viewer

JUNK_PAGE = 100
JUNK_ID = Path(ge=1, le=2_147_483_647)  # a database integer: larger ids are 422, not 500

# A blob is content-addressed and may be shared: drop it only when nothing else holds it.
DROP_UNUSED_BLOB = text(
    """
    DELETE FROM blobs b WHERE b.sha256 = :sha
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.raw_sha256 = b.sha256)
      AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256)
      AND NOT EXISTS (SELECT 1 FROM junk_mail j WHERE j.raw_sha256 = b.sha256)
    """
)


@dataclass(frozen=True)
class JunkCount:
    product_id: int
    code: str
    waiting: int
    released: int
    deleted: int


class JunkNotFound(HTTPException):
    def __init__(self) -> None:
        super().__init__(404, "No such junk mail in your products.")


async def junk_counts(session: AsyncSession, viewer: Viewer) -> list[JunkCount]:
    products = list(viewer.product_ids)
    if not products:
        return []
    counted = {
        status: func.count(JunkMail.id).filter(JunkMail.status == status)
        for status in (JunkStatus.junk, JunkStatus.released, JunkStatus.deleted)
    }
    rows = await session.execute(
        select(Product.id, Product.code, *counted.values())
        .outerjoin(JunkMail, JunkMail.product_id == Product.id)
        .where(Product.id.in_(products))
        .group_by(Product.id, Product.code)
        .order_by(Product.code)
    )
    return [JunkCount(*row) for row in rows.all()]


async def waiting_junk(
    session: AsyncSession, viewer: Viewer, product_id: int | None
) -> list[JunkMail]:
    products = [p for p in viewer.product_ids if product_id is None or p == product_id]
    if not products:
        return []
    rows = await session.scalars(
        select(JunkMail)
        .where(JunkMail.product_id.in_(products), JunkMail.status == JunkStatus.junk)
        .order_by(JunkMail.id.desc())
        .limit(JUNK_PAGE)
    )
    return list(rows.all())


async def junk_for(session: AsyncSession, viewer: Viewer, junk_id: int) -> JunkMail:
    """A waiting junk mail of one of the viewer's products (404 otherwise: no hints)."""
    junk = await session.get(JunkMail, junk_id)
    if junk is None or junk.product_id not in viewer.product_ids:
        raise JunkNotFound()
    return junk


async def decide(
    session: AsyncSession, viewer: Viewer, junk: JunkMail, status: str, origin: str | None
) -> None:
    """Record the trafficer's decision (audited); ``deleted`` also drops the raw bytes."""
    sha = junk.raw_sha256
    junk.status = status
    junk.decided_at = utcnow()
    junk.decided_by = viewer.id
    if status == JunkStatus.deleted:
        junk.raw_sha256 = None
    session.add(junk)
    await session.flush()
    if status == JunkStatus.deleted and sha:
        await session.execute(DROP_UNUSED_BLOB, {"sha": sha})
    await audit.record(
        session,
        actor=viewer.username,
        actor_id=viewer.id,
        action=f"junk.{status}",
        object_type="junk_mail",
        object_id=junk.id,
        origin=origin,
        detail={"product_id": junk.product_id},
    )
    await session.commit()
