"""Demo data of the records area: a records manager, an ops user, retention classes.

Called from devstack.demo.seed.seed_demo inside its transaction; idempotent like the rest.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Product, Role, User
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
