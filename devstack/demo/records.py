"""Demo data of the records area: a records manager, an ops user, retention classes;
for ``make run`` also a few old records past their disposal date (one under legal
hold), so the daily destruction list (or *Build a destruction list now*) has
something to decide on.

Called from devstack.demo.seed.seed_demo inside its transaction; idempotent like the rest.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product, Role, User
from db.models.records import ContactRecord, Disposal, RecordStatus
from devstack.demo.constants import DEMO_MAIL_DOMAIN, DEMO_PASSWORD
from services.records.retention import seed_default_retention
from services.security import hash_password, new_totp_secret

RECORDS_DEMO_USERS = (
    ("records", "Rianne Recordmanager", Role.records_manager),
    ("ops", "Olaf Operations", Role.ops),
)


async def seed_records_demo(session: AsyncSession, products: dict[str, Product]) -> None:

    existing = set((await session.exec(select(User.username))).all())
    missing = [u for u in RECORDS_DEMO_USERS if u[0] not in existing]
    if missing:
        password_hash = hash_password(DEMO_PASSWORD)
        for username, full_name, role in missing:
            session.add(
                User(
                    username=username,
                    full_name=full_name,
                    email=f"{username}@{DEMO_MAIL_DOMAIN}",
                    role=role,
                    password_hash=password_hash,
                    totp_secret=new_totp_secret(),
                    is_demo=True,
                )
            )
    await session.flush()

    await seed_default_retention(session, products)


# Records of contacts closed long ago (their contacts already purged, as after an
# import from the old system): the DMS holds no documents for them in the demo.
DUE_RECORDS = (
    ("KCC-2016-000101", "BIG", "email", date(2016, 3, 14), ""),
    ("KCC-2016-000102", "UZI", "phone", date(2016, 5, 2), ""),
    ("KCC-2017-000103", "DONOR", "email", date(2017, 1, 9), ""),
    ("KCC-2017-000104", "BIG", "letter", date(2017, 2, 20), "Bezwaarprocedure loopt"),
)


async def seed_due_records(sessionmaker) -> None:
    """For ``make run`` only (the tests build their own records): idempotent."""
    async with sessionmaker() as session:
        products = {p.code: p for p in (await session.exec(select(Product))).all()}
        await _add_due_records(session, products)
        await session.commit()


async def _add_due_records(session: AsyncSession, products: dict[str, Product]) -> None:
    existing = set((await session.exec(select(ContactRecord.reference))).all())
    for reference, code, channel, closed, hold in DUE_RECORDS:
        if reference in existing or code not in products:
            continue
        closed_at = datetime(closed.year, closed.month, closed.day, 12, tzinfo=UTC)
        session.add(
            ContactRecord(
                reference=reference,
                product_id=products[code].id,
                channel=channel,
                status=RecordStatus.archived,
                backend="demo",
                closed_at=closed_at,
                archived_at=closed_at,
                disposal=Disposal.destroy,
                disposal_date=date(closed.year + 7, closed.month, closed.day),
                legal_hold=bool(hold),
                legal_hold_reason=hold,
            )
        )
    await session.flush()
