"""Demo data of the work area: a 2nd-line backoffice and a 3rd-line specialist for
BIG/UZI, line accreditations, SLA policies, per-product work settings and reply
templates. Called from devstack.demo.seed.seed_demo inside its transaction; idempotent.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Accreditation, Product, Role, User
from db.models.work import LineAccreditation, ProductWorkSettings, ReplyTemplate, SlaPolicy
from services.security import new_totp_secret

HOURS = 60
# username, full name, products, extra lines
WORK_DEMO_USERS = (
    ("backoffice2", "Gert Backoffice", ("BIG", "UZI"), (2,)),
    ("specialist", "Hanna Specialist", ("BIG", "UZI"), (3,)),
)
# Carla (devstack.demo.seed) is the backoffice of her products
EXISTING_LINES = (("backoffice", ("FARMATEC", "DIPLOMA", "WTZA"), (2,)),)

# line -> (first response, resolution) in working minutes
DEMO_TARGETS = {1: (16 * HOURS, 40 * HOURS), 2: (0, 16 * HOURS), 3: (0, 40 * HOURS)}
DIRECT_REPLY = {"UZI": "1,2,3", "BIG": "1,3"}  # UZI's backoffice may answer customers

DEMO_TEMPLATES = (
    (
        "nl",
        "bevestiging_wijziging",
        "Wijziging verwerkt",
        "Beste {customer_name},\n\nUw wijziging voor {reference} is verwerkt.\n\n{agent_name}",
    ),
    (
        "en",
        "bevestiging_wijziging",
        "Change processed",
        "Dear {customer_name},\n\nYour change for {reference} has been processed.\n\n{agent_name}",
    ),
    (
        "nl",
        "status_aanvraag",
        "Status van uw aanvraag",
        "Beste {customer_name},\n\nUw aanvraag {reference} is in behandeling. U hoort binnen "
        "vier weken van ons.\n\n{agent_name}",
    ),
)


async def seed_work_demo(session: AsyncSession, products: dict[str, Product]) -> None:
    users = {u.username: u for u in (await session.exec(select(User))).all()}
    template_user = users.get("agent")
    for username, full_name, codes, _lines in WORK_DEMO_USERS:
        user = users.get(username)
        if user is None and template_user is not None:
            user = User(
                username=username,
                full_name=full_name,
                email=f"{username}@pulse.test",
                role=Role.agent,
                password_hash=template_user.password_hash,  # the demo password
                totp_secret=new_totp_secret(),
                is_demo=True,
            )
            session.add(user)
            await session.flush()
            for code in codes:
                session.add(Accreditation(user_id=user.id, product_id=products[code].id))
            users[username] = user
    have = {
        (a.user_id, a.product_id, a.line) for a in await session.exec(select(LineAccreditation))
    }
    wanted = [(u, c, ls) for u, _, c, ls in WORK_DEMO_USERS] + list(EXISTING_LINES)
    for username, codes, lines in wanted:
        if username not in users:
            continue
        for code in codes:
            for line in lines:
                key = (users[username].id, products[code].id, line)
                if key not in have:
                    session.add(LineAccreditation(user_id=key[0], product_id=key[1], line=line))
    await _seed_policies(session, products)


async def _seed_policies(session: AsyncSession, products: dict[str, Product]) -> None:
    policies = {(p.product_id, p.channel, p.line) for p in (await session.exec(select(SlaPolicy)))}
    settings = {s.product_id for s in (await session.exec(select(ProductWorkSettings)))}
    templates = {
        (t.product_id, t.language, t.code) for t in (await session.exec(select(ReplyTemplate)))
    }
    for code, product in products.items():
        for line, (first, resolution) in DEMO_TARGETS.items():
            if (product.id, "", line) not in policies:
                session.add(
                    SlaPolicy(
                        product_id=product.id,
                        line=line,
                        first_response_minutes=first,
                        resolution_minutes=resolution,
                    )
                )
        if product.id not in settings:
            session.add(
                ProductWorkSettings(
                    product_id=product.id, direct_reply_lines=DIRECT_REPLY.get(code, "1,3")
                )
            )
        for language, tcode, title, body in DEMO_TEMPLATES:
            if (product.id, language, tcode) not in templates:
                session.add(
                    ReplyTemplate(
                        product_id=product.id,
                        language=language,
                        code=tcode,
                        title=title,
                        body=body,
                    )
                )
