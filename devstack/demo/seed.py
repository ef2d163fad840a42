"""Demo data: products, contact reasons and one user per role (idempotent).

Run ``python -m devstack.demo.seed`` to seed the configured database and print the logins.
Seeding twice changes nothing: rows are matched by their natural keys (product
code, reason code, username) and existing ones are left as they are, so a demo
user's TOTP secret stays the one already enrolled in an authenticator app.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import get_settings
from db.models.contacts import Accreditation, ContactReason, Product, Role, User
from db.session import make_engine, make_sessionmaker, session_scope
from devstack.demo.constants import DEMO_MAIL_DOMAIN, DEMO_PASSWORD
from devstack.demo.customers import seed_customers_demo
from devstack.demo.phone import seed_phone_demo
from devstack.demo.records import seed_records_demo
from devstack.demo.work import seed_work_demo
from services.security import hash_password, new_totp_secret, totp_provisioning_uri


@dataclass(frozen=True)
class DemoProduct:
    code: str
    name: str
    mailbox: str
    register_url_template: str


DEMO_PRODUCTS = (
    DemoProduct("BIG", "BIG-register", "big", "https://register.pulse.test/big/{identifier}"),
    DemoProduct("UZI", "UZI-register", "uzi", "https://register.pulse.test/uzi/{identifier}"),
    DemoProduct(
        "DONOR", "Donorregister", "donor", "https://register.pulse.test/donor/{identifier}"
    ),
    DemoProduct(
        "FARMATEC", "Farmatec", "farmatec", "https://register.pulse.test/farmatec/{identifier}"
    ),
    DemoProduct(
        "DIPLOMA",
        "Buitenlandse diploma's",
        "diploma",
        "https://register.pulse.test/diploma/{identifier}",
    ),
    DemoProduct(
        "WTZA", "Toetreding zorgaanbieders", "wtza", "https://register.pulse.test/wtza/{identifier}"
    ),
)

# (code, Dutch label, English label): the same reasons for every demo product.
DEMO_REASONS = (
    ("informatie", "Informatie", "Information"),
    ("status_aanvraag", "Status aanvraag", "Application status"),
    ("wijziging_gegevens", "Wijziging gegevens", "Change of details"),
    ("klacht", "Klacht", "Complaint"),
    ("overig", "Overig", "Other"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    product_codes: tuple[str, ...]
    language: str = "nl"


ALL_CODES = tuple(p.code for p in DEMO_PRODUCTS)

DEMO_USERS = (
    DemoUser("agent", "Anna Agent", Role.agent, ("BIG", "UZI")),
    DemoUser("agent2", "Bram Agent", Role.agent, ("BIG",)),
    DemoUser("backoffice", "Carla Backoffice", Role.agent, ("FARMATEC", "DIPLOMA", "WTZA")),
    DemoUser("trafficer", "Daan Werkverdeler", Role.trafficer, ("BIG", "UZI", "DONOR")),
    DemoUser("manager", "Eva Manager", Role.manager, ALL_CODES, language="en"),
    DemoUser("admin", "Frank Beheerder", Role.admin, ()),
)


def demo_signature(product_name: str) -> str:
    return f"Met vriendelijke groet,\n\nKlantcontactcentrum CIBG\n{product_name}"


async def _seed_products(session: AsyncSession) -> dict[str, Product]:
    existing = {p.code: p for p in (await session.exec(select(Product))).all()}
    for demo in DEMO_PRODUCTS:
        if demo.code in existing:
            continue
        product = Product(
            code=demo.code,
            name=demo.name,
            mailbox=demo.mailbox,
            reply_from=f"{demo.mailbox}@{DEMO_MAIL_DOMAIN}",
            register_url_template=demo.register_url_template,
            signature=demo_signature(demo.name),
            language="nl",
        )
        session.add(product)
        existing[demo.code] = product
    await session.flush()
    return existing


async def _seed_reasons(session: AsyncSession, products: dict[str, Product]) -> None:
    rows = (await session.exec(select(ContactReason.product_id, ContactReason.code))).all()
    have = {(product_id, code) for product_id, code in rows}
    for product in products.values():
        for code, label_nl, label_en in DEMO_REASONS:
            if (product.id, code) not in have:
                session.add(
                    ContactReason(
                        product_id=product.id, code=code, label_nl=label_nl, label_en=label_en
                    )
                )


async def _seed_users(session: AsyncSession, products: dict[str, Product]) -> None:
    existing = {u.username for u in (await session.exec(select(User))).all()}
    password_hash = hash_password(DEMO_PASSWORD)  # one hash is enough: argon2 is slow on purpose
    for demo in DEMO_USERS:
        if demo.username in existing:
            continue
        user = User(
            username=demo.username,
            full_name=demo.full_name,
            email=f"{demo.username}@{DEMO_MAIL_DOMAIN}",
            role=demo.role,
            language=demo.language,
            password_hash=password_hash,
            totp_secret=new_totp_secret(),
            is_demo=True,
        )
        session.add(user)
        await session.flush()
        for code in demo.product_codes:
            session.add(Accreditation(user_id=user.id, product_id=products[code].id))


async def seed_demo(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Create the demo products, reasons and users that are missing."""
    async with session_scope(sessionmaker) as session:
        products = await _seed_products(session)
        await _seed_reasons(session, products)
        await _seed_users(session, products)
        await seed_records_demo(session, products)
        await seed_work_demo(session, products)
        await seed_phone_demo(session, products)
        await seed_customers_demo(session, products)


async def demo_logins(sessionmaker: async_sessionmaker[AsyncSession]) -> list[dict[str, str]]:
    async with sessionmaker() as session:
        users = (await session.exec(select(User).where(User.is_demo).order_by(User.id))).all()
    return [
        {
            "username": u.username,
            "role": str(u.role),
            "password": DEMO_PASSWORD,
            "totp_secret": u.totp_secret or "",
            "totp_uri": totp_provisioning_uri(u.totp_secret, u.username) if u.totp_secret else "",
        }
        for u in users
    ]


async def _main() -> None:
    settings = get_settings()
    engine = make_engine(settings)
    try:
        maker = make_sessionmaker(engine)
        await seed_demo(maker)
        print(f"Demo users (password {DEMO_PASSWORD!r}) at {settings.public_url}/login:")
        for login in await demo_logins(maker):
            name, role, secret = login["username"], login["role"], login["totp_secret"]
            print(f"  {name:<11} {role:<10} TOTP secret {secret}")
        if settings.demo_skip_totp:
            print("PULSE_DEMO_SKIP_TOTP is on: demo users skip the TOTP step.")
        else:
            print("Add the TOTP secret to an authenticator app, or set PULSE_DEMO_SKIP_TOTP=true.")
    finally:
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(_main())
