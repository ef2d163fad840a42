"""Database engine and sessions (SQLAlchemy async over psycopg 3)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

import db.models  # noqa: F401  (every table, so all mappers exist in every process)
from config.settings import Settings


def make_engine(settings: Settings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        # No pre-ping: it costs a round trip on every checkout (measured ~3 per
        # contact). A connection broken by a database restart fails one statement;
        # activities are retried by Temporal and the API answers one request 503/500.
        pool_pre_ping=False,
        pool_recycle=1800,
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


@asynccontextmanager
async def session_scope(
    maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction: committed on success, rolled back on error."""
    async with maker() as session, session.begin():
        yield session


async def next_reference(session: AsyncSession, now: datetime) -> str:
    """A new contact reference like ``KCC-2026-000123`` (one sequence, year prefix)."""
    number = (await session.execute(text("SELECT nextval('contact_reference_seq')"))).scalar_one()
    return reference_for(now, number)


async def next_references(session: AsyncSession, ats: list[datetime]) -> list[str]:
    """New references for many contacts at once (a bulk import), one round trip."""
    numbers = await session.execute(
        text("SELECT nextval('contact_reference_seq') FROM generate_series(1, :n)"),
        {"n": len(ats)},
    )
    return [reference_for(at, n) for at, n in zip(ats, numbers.scalars().all(), strict=True)]


def reference_for(at: datetime, number: int) -> str:
    return f"KCC-{at.year}-{number:06d}"


async def notify(session: AsyncSession, channel: str, payload: str) -> None:
    """Queue a NOTIFY that PostgreSQL delivers when the transaction commits."""
    await session.execute(text("SELECT pg_notify(:c, :p)"), {"c": channel, "p": payload})
