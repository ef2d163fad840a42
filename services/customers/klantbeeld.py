"""The klantbeeld (customer view): one customer's whole history, for one viewer.

Need-to-know: the timeline holds only contacts of products the viewer is
accredited for. Of other products' contacts only their number is shown, and only
to roles that route callers (SEE_OTHER_PRODUCTS); never which product they are
about (a Donorregister contact alone says something about a person).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import case, func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import Contact, ContactStatus, Product, Role
from db.models.customers import CustomerIdentifier, SatisfactionScore
from services import audit
from services.access import Viewer
from services.customers.identifiers import LINK_PREFERENCE, SECRET_KINDS, identifier_keys
from services.customers.registers import RegisterData, fetch_register_data
from services.customers.service import CustomerCard, load_card

SEE_OTHER_PRODUCTS = frozenset({Role.agent, Role.trafficer})
TIMELINE_PAGE_SIZE = 50  # a page of the contact history; older pages by ?page=


@dataclass
class TimelineItem:
    id: int
    reference: str
    channel: str
    status: str
    subject: str
    product_code: str
    created_at: datetime
    last_message_at: datetime | None
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status != ContactStatus.closed


@dataclass
class RegisterLink:
    product_code: str
    product_name: str
    url: str


@dataclass
class CustomerView:
    card: CustomerCard
    timeline: list[TimelineItem]
    other_products_count: int | None  # None: the viewer's role may not know
    last_csat: tuple[int, datetime] | None
    register_links: list[RegisterLink] = field(default_factory=list)
    adapter_products: list[str] = field(default_factory=list)
    timeline_total: int = 0  # contacts in the viewer's products, all pages
    timeline_page: int = 1

    @property
    def timeline_pages(self) -> int:
        return max(1, -(-self.timeline_total // TIMELINE_PAGE_SIZE))


def _visible(viewer: Viewer, customer_id: int):
    return (
        Contact.customer_id == customer_id,
        Contact.product_id.in_(viewer.product_ids or (-1,)),
    )


async def timeline_count(session: AsyncSession, viewer: Viewer, customer_id: int) -> int:
    row = await session.exec(
        select(func.count()).select_from(Contact).where(*_visible(viewer, customer_id))
    )
    return row.one()


async def timeline(
    session: AsyncSession,
    viewer: Viewer,
    customer_id: int,
    limit: int = TIMELINE_PAGE_SIZE,
    offset: int = 0,
) -> list[TimelineItem]:
    """Open contacts first, then newest first; accredited products only."""
    is_closed = case((Contact.status == ContactStatus.closed, 1), else_=0)
    newest = func.coalesce(Contact.last_message_at, Contact.created_at)
    rows = await session.exec(
        select(
            Contact.id,
            Contact.reference,
            Contact.channel,
            Contact.status,
            Contact.subject,
            Product.code,
            Contact.created_at,
            Contact.last_message_at,
            Contact.closed_at,
        )
        .join(Product, Product.id == Contact.product_id)
        .where(*_visible(viewer, customer_id))
        .order_by(is_closed, newest.desc(), Contact.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [TimelineItem(*row) for row in rows.all()]


async def other_products_count(session: AsyncSession, viewer: Viewer, customer_id: int) -> int:
    return (
        await session.exec(
            select(func.count()).where(
                Contact.customer_id == customer_id,
                Contact.product_id.not_in(viewer.product_ids or (-1,)),
            )
        )
    ).one()


async def last_csat(
    session: AsyncSession, viewer: Viewer, customer_id: int
) -> tuple[int, datetime] | None:
    row = (
        await session.exec(
            select(SatisfactionScore.score, SatisfactionScore.at)
            .join(Contact, Contact.id == SatisfactionScore.contact_id)
            .where(
                Contact.customer_id == customer_id,
                Contact.product_id.in_(viewer.product_ids or (-1,)),
            )
            .order_by(SatisfactionScore.at.desc(), SatisfactionScore.id.desc())  # ties: the last
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


def identifier_values(
    identifiers: list[CustomerIdentifier], unseal: bool, settings
) -> dict[str, str]:
    """kind -> clear value. A BSN is unsealed only when a template asks for {bsn}."""
    values: dict[str, str] = {}
    keys = identifier_keys(settings) if unseal else None
    for ident in identifiers:
        if ident.kind in values:
            continue
        if ident.kind in SECRET_KINDS:
            if keys is not None and ident.sealed:
                values[ident.kind] = keys.unseal(ident.kind, ident.sealed)
        else:
            values[ident.kind] = ident.value
    return values


def register_url(template: str, values: dict[str, str], product_code: str = "") -> str | None:
    """The register portal URL for this customer, or None when the template needs an
    identifier the customer has not got. ``{identifier}`` is the number named like the
    product (the BIG-register: the BIG-nummer), else the first of BIG, UZI, KvK the
    customer has (never the BSN); ``{bsn}``, ``{big}`` ... name one."""
    fields = {k: quote(v, safe="") for k, v in values.items()}
    own = product_code.lower()
    order = ((own,) if own in LINK_PREFERENCE else ()) + LINK_PREFERENCE
    preferred = next((values[k] for k in order if k in values), None)
    if preferred is not None:
        fields["identifier"] = quote(preferred, safe="")
    try:
        return template.format_map(_Strict(fields))
    except KeyError:
        return None


class _Strict(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(key)


def register_links(products: list[Product], card: CustomerCard, settings) -> list[RegisterLink]:
    """Links to the portals of the viewer's products that have a URL template."""
    products = [p for p in products if p.active and p.register_url_template]
    wants_bsn = any("{bsn}" in (p.register_url_template or "") for p in products)
    values = identifier_values(card.identifiers, wants_bsn, settings)
    links = []
    for product in products:
        url = register_url(product.register_url_template or "", values, product.code)
        if url:
            links.append(RegisterLink(product.code, product.name, url))
    return links


async def customer_view(
    session: AsyncSession, viewer: Viewer, customer_id: int, settings, page: int = 1
) -> CustomerView:
    card = await load_card(session, customer_id)
    page = max(1, page)
    items = await timeline(session, viewer, customer_id, offset=(page - 1) * TIMELINE_PAGE_SIZE)
    total = len(items) + (page - 1) * TIMELINE_PAGE_SIZE
    if len(items) == TIMELINE_PAGE_SIZE or page > 1:  # one short page needs no count
        total = await timeline_count(session, viewer, customer_id)
    others = None
    if viewer.role in SEE_OTHER_PRODUCTS:
        others = await other_products_count(session, viewer, customer_id)
    products = list(
        (
            await session.exec(
                select(Product)
                .where(Product.id.in_(viewer.product_ids or (-1,)))
                .order_by(Product.code)
            )
        ).all()
    )
    codes = {p.code for p in products}
    return CustomerView(
        card=card,
        timeline=items,
        other_products_count=others,
        last_csat=await last_csat(session, viewer, customer_id),
        register_links=register_links(products, card, settings),
        adapter_products=sorted(c for c in settings.register_adapters if c in codes),
        timeline_total=total,
        timeline_page=page,
    )


async def register_data(
    session: AsyncSession,
    settings,
    viewer: Viewer,
    customer_id: int,
    product: Product,
    origin: str | None,
) -> RegisterData:
    """What the product's register knows of the customer (audited, whatever it said)."""
    card = await load_card(session, customer_id)
    data = await fetch_register_data(settings, product.code, card.identifiers)
    await audit.record_for(
        session,
        viewer,
        "customer.register_data",
        "customer",
        customer_id,
        origin=origin,
        result="ok" if data.ok else "failed",
        detail={"product": product.code},
    )
    return data
