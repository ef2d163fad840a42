"""One change of a person on the klantbeeld, as one transaction: the change (with its
history row and audit event, services/customers/service.py and merging.py) is
committed, or rolled back whole when it is refused."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

T = TypeVar("T")


async def committed(session: AsyncSession, change: Awaitable[T]) -> T:
    """Await ``change``; commit it, or roll back and re-raise its refusal."""
    try:
        result = await change
    except BaseException:
        await session.rollback()
        raise
    await session.commit()
    return result
