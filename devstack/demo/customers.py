"""Demo data of the customers area: a few customers with identifiers (one phone
number shared by two of them, one likely duplicate) and a handful of
knowledge-base articles per product (seed_demo); and, for the dev stack only, some
earlier contacts for the klantbeeld (seed_customers_history). Idempotent.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from config.settings import get_settings
from db.models.contacts import (
    Channel,
    Contact,
    ContactStatus,
    CustomerEmail,
    Direction,
    Message,
    Product,
    SendStatus,
    User,
    utcnow,
)
from db.models.customers import SatisfactionScore
from db.session import session_scope
from services.customers.service import create_customer
from services.knowledge.articles import ArticleInput, save_article

# (name, kind, emails, phones, identifiers)
DEMO_CUSTOMERS = (
    (
        "Jan Jansen",
        "person",
        ["jan.jansen@example.nl"],
        ["06 1234 5678"],
        {"bsn": "111222333", "big": "19012345601"},
    ),
    (
        "Fatima el Amrani",
        "person",
        ["f.elamrani@example.nl"],
        ["020 555 0101"],
        {"big": "39012345602", "uzi": "900012345"},
    ),
    (
        "Huisartsenpraktijk De Linde",
        "organisation",
        ["balie@delinde.example.nl"],
        ["020 555 0101"],
        {"kvk": "69245678"},
    ),
    (
        "Pieter de Vries",
        "person",
        ["pdevries@example.nl"],
        ["+31 6 8765 4321"],
        {"bsn": "123456782"},
    ),
    ("Jan Janssen", "person", ["j.janssen@example.org"], ["0612345678"], {}),
)

# (product code, channel, status, subject, text, days ago) for Jan Jansen's history
DEMO_HISTORY = (
    (
        "BIG",
        Channel.email,
        ContactStatus.closed,
        "Herregistratie BIG-register",
        "Wanneer moet ik mijn herregistratie aanvragen? Mijn registratie verloopt volgend jaar.",
        200,
    ),
    (
        "BIG",
        Channel.phone,
        ContactStatus.closed,
        "Status aanvraag herregistratie",
        "Beller vraagt naar de status van zijn aanvraag voor herregistratie.",
        90,
    ),
    (
        "DONOR",
        Channel.email,
        ContactStatus.closed,
        "Keuze donorregister wijzigen",
        "Ik wil mijn keuze in het Donorregister wijzigen.",
        30,
    ),
    (
        "BIG",
        Channel.email,
        ContactStatus.closed,
        "Adreswijziging doorgeven",
        "Ik ben verhuisd. Hoe geef ik mijn nieuwe adres door aan het BIG-register?",
        1,
    ),
)

ARTICLES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "BIG": (
        (
            "Herregistratie BIG-register",
            "public",
            "# Herregistratie\n\nZorgverleners moeten hun **BIG-registratie** elke vijf jaar "
            "laten herregistreren.\n\n1. Log in met DigiD.\n2. Vul het formulier voor "
            "herregistratie in.\n3. Upload uw bewijs van werkervaring.\n\nDe aanvraag duurt "
            "ongeveer acht weken.",
        ),
        (
            "Adreswijziging doorgeven",
            "public",
            "# Adreswijziging\n\nEen nieuw adres hoeft u **niet** door te geven: het "
            "BIG-register neemt adreswijzigingen over uit de BRP (gemeente). Woont u in het "
            "buitenland, geef uw adres dan door via het wijzigingsformulier.",
        ),
        (
            "Status van een aanvraag opvragen",
            "internal",
            "# Status aanvraag\n\nZoek de aanvraag op in het register (link in het "
            "klantbeeld). Noem de beller de stap en de verwachte doorlooptijd; beloof geen "
            "datum.\n\n| stap | doorlooptijd |\n|---|---|\n| ontvangen | 1 week |\n"
            "| beoordeling | 6 weken |",
        ),
    ),
    "UZI": (
        (
            "UZI-pas aanvragen",
            "public",
            "# UZI-pas aanvragen\n\nEen UZI-pas vraagt u aan via het aanvraagformulier. U "
            "heeft een BIG-registratie of een AGB-code nodig.",
        ),
        (
            "UZI-pas kwijt of gestolen",
            "public",
            "# Pas kwijt\n\nBlokkeer de UZI-pas direct via de servicedesk en vraag een "
            "vervangende pas aan. De oude pas wordt ingetrokken.",
        ),
        (
            "Pincode van de UZI-pas vergeten",
            "internal",
            "# Pincode vergeten\n\nDe pincode staat in de pinbrief. Is die kwijt, dan is een "
            "nieuwe pas nodig (kosten volgens tarievenlijst).",
        ),
    ),
    "DONOR": (
        (
            "Keuze in het Donorregister wijzigen",
            "public",
            "# Keuze wijzigen\n\nU kunt uw keuze in het Donorregister altijd wijzigen via "
            "DigiD of met een papieren formulier. De laatste keuze telt.",
        ),
        (
            "Donorregistratie controleren",
            "internal",
            "# Registratie controleren\n\nVraag nooit naar de keuze zelf aan de telefoon; "
            "verwijs naar de eigen inzage met DigiD.",
        ),
    ),
    "FARMATEC": (
        (
            "Vergunning geneesmiddelen aanvragen",
            "public",
            "# Vergunning\n\nEen vergunning voor de handel in geneesmiddelen vraagt u aan via "
            "Farmatec. Voeg het uittreksel van de KvK toe.",
        ),
        (
            "Opiumontheffing",
            "internal",
            "# Opiumontheffing\n\nControleer of de aanvrager een geldige vergunning heeft.",
        ),
    ),
    "DIPLOMA": (
        (
            "Buitenlands diploma laten erkennen",
            "public",
            "# Erkenning diploma\n\nArtsen, verpleegkundigen en andere zorgverleners met een "
            "buitenlands diploma vragen erkenning aan. Binnen de EU gaat dit sneller.",
        ),
        (
            "Taaltoets en kennistoets",
            "internal",
            "# Toetsen\n\nBuiten de EU: eerst de taaltoets (B2/C1), daarna de kennistoets.",
        ),
    ),
    "WTZA": (
        (
            "Meldplicht nieuwe zorgaanbieders",
            "public",
            "# Meldplicht\n\nNieuwe zorgaanbieders melden zich voor de start bij het "
            "Landelijk Register Zorgaanbieders.",
        ),
        (
            "Vergunning toetreding zorgaanbieders",
            "internal",
            "# Toetredingsvergunning\n\nNodig voor aanbieders met meer dan tien zorgverleners.",
        ),
    ),
}


async def seed_customers_demo(session: AsyncSession, products: dict[str, Product]) -> None:
    first_address = DEMO_CUSTOMERS[0][2][0]
    if (
        await session.exec(select(CustomerEmail).where(CustomerEmail.address == first_address))
    ).first():
        return
    settings = get_settings()
    ids = []
    for name, kind, emails, phones, identifiers in DEMO_CUSTOMERS:
        customer = await create_customer(
            session,
            settings,
            None,
            "demo",
            display_name=name,
            kind=kind,
            emails=emails,
            phones=phones,
            identifiers=identifiers,
        )
        ids.append(customer.id)
    await _seed_articles(session, products)


async def seed_customers_history(sessionmaker) -> None:
    """A few earlier contacts (closed, one CSAT score) for the first demo customer, so
    the klantbeeld has a history. Only for the dev stack (``make run``): tests count
    on seed_demo leaving no contacts. Idempotent."""

    async with session_scope(sessionmaker) as session:
        first = f"KCC-2025-{900001}"
        if (await session.exec(select(Contact).where(Contact.reference == first))).first():
            return
        customer_id = (
            await session.exec(
                select(CustomerEmail.customer_id).where(
                    CustomerEmail.address == DEMO_CUSTOMERS[0][2][0]
                )
            )
        ).first()
        if customer_id is None:
            return
        products = {p.code: p for p in (await session.exec(select(Product))).all()}
        await _seed_history(session, products, customer_id)


async def _seed_history(session: AsyncSession, products: dict[str, Product], customer_id: int):
    now = utcnow()
    for number, (code, channel, status, subject, body, days) in enumerate(DEMO_HISTORY, 1):
        at = now - timedelta(days=days)
        contact = Contact(
            reference=f"KCC-2025-{900000 + number}",
            channel=channel,
            status=status,
            subject=subject,
            product_id=products[code].id,
            customer_id=customer_id,
            created_at=at,
            updated_at=at,
            last_message_at=at,
            closed_at=at + timedelta(hours=3) if status == ContactStatus.closed else None,
        )
        session.add(contact)
        await session.flush()
        session.add(
            Message(
                contact_id=contact.id,
                direction=Direction.inbound,
                send_status=SendStatus.received,
                from_address="jan.jansen@example.nl",
                from_name="Jan Jansen",
                subject=subject,
                text_body=body,
                created_at=at,
                dedupe_key=f"demo-{contact.reference}",
                headers={},
            )
        )
        if status == ContactStatus.closed and code == "BIG":
            session.add(SatisfactionScore(contact_id=contact.id, score=4, at=at))
    await session.flush()


async def _seed_articles(session: AsyncSession, products: dict[str, Product]) -> None:
    owner = (await session.exec(select(User).where(User.username == "backoffice"))).first()
    review = utcnow().date() + timedelta(days=180)
    for code, articles in ARTICLES.items():
        product = products.get(code)
        if product is None:
            continue
        for title, visibility, body in articles:
            await save_article(
                session,
                None,
                ArticleInput(
                    product_id=product.id,
                    title=title,
                    body_md=body,
                    visibility=visibility,
                    owner_id=owner.id if owner else None,
                    review_on=review,
                ),
            )
