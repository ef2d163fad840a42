"""Need-to-know access (BIO): a user sees only contacts of the products they are
accredited for, and only the routes their role may use.

Every query that loads a contact or its content for a person goes through these
helpers, so the accreditation filter is written once. Objects of products the
user is not accredited for are reported as *not found* (HTTP 404), never as
*forbidden*, so that their existence does not leak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import exists, or_
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from db.models.contacts import (
    Accreditation,
    Attachment,
    Contact,
    Customer,
    Message,
    Role,
    User,
)


class NotAccessible(LookupError):
    """The object does not exist, or the user may not know that it exists."""


class RoleNotAllowed(PermissionError):
    """The user's role may not use this function at all (HTTP 403)."""


@dataclass(frozen=True)
class Viewer:
    """The authenticated person behind a request, with their accreditations."""

    id: int
    username: str
    full_name: str
    role: Role
    language: str
    is_demo: bool
    product_ids: tuple[int, ...]
    csrf_token: str = field(repr=False)
    mfa_passed: bool = False
    token_hash: str = field(default="", repr=False)
    must_change_password: bool = False  # an admin set the password (api/routes/auth/account.py)
    sees_all_customers: bool = False  # a separate permission (users.sees_all_customers)

    def may_see_product(self, product_id: int) -> bool:
        return product_id in self.product_ids


def acting_for(user: User, sees_all_customers: bool = False) -> Viewer:
    """A viewer for work done on a user's behalf outside a web request (a scheduled
    report, an import): no session, no CSRF token, no product list of its own."""
    return Viewer(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=Role(user.role),
        language=user.language,
        is_demo=user.is_demo,
        product_ids=(),
        csrf_token="",
        sees_all_customers=sees_all_customers,
    )


# What each role may do. Admins manage configuration, not contacts: they get no
# inbox and no contact content (need-to-know), even when accredited.
READ_CONTACTS = frozenset({Role.agent, Role.trafficer, Role.manager})
WORK_CONTACTS = frozenset({Role.agent, Role.trafficer})
ASSIGN_CONTACTS = frozenset({Role.trafficer})
ADMINISTER = frozenset({Role.admin})
# The records manager approves destruction lists and handles privacy
# requests; ops may see decoded Temporal payloads; admins search the audit log.
MANAGE_RECORDS = frozenset({Role.records_manager})
READ_AUDIT = frozenset({Role.admin, Role.records_manager})
DECODE_PAYLOADS = frozenset({Role.ops})
ALL_ROLES = frozenset(Role)
KB_READ = READ_CONTACTS | ADMINISTER
KB_WRITE = WORK_CONTACTS | ADMINISTER
SUPERVISORS = frozenset({Role.trafficer, Role.manager})


def require_role(viewer: Viewer, allowed: Iterable[Role]) -> None:
    if viewer.role not in allowed:
        raise RoleNotAllowed(f"role {viewer.role} may not do this")


async def accredited_product_ids(session: AsyncSession, user: Viewer | object) -> list[int]:
    """The product ids a user is accredited for (fresh from the database)."""
    rows = await session.exec(
        select(Accreditation.product_id)
        .where(Accreditation.user_id == user.id)  # type: ignore[attr-defined]
        .order_by(Accreditation.product_id)
    )
    return list(rows.all())


async def get_contact_for_user(session: AsyncSession, user: Viewer, reference: str) -> Contact:
    contact = (
        await session.exec(
            select(Contact).where(
                Contact.reference == reference,
                Contact.product_id.in_(user.product_ids),  # type: ignore[attr-defined]
            )
        )
    ).first()
    if contact is None:
        raise NotAccessible(reference)
    return contact


async def get_message_for_user(
    session: AsyncSession, user: Viewer, reference: str, message_id: int
) -> Message:
    """A message of an accessible contact; the contact is checked in the same query."""
    message = (
        await session.exec(
            select(Message)
            .join(Contact, Contact.id == Message.contact_id)
            .where(
                Message.id == message_id,
                Contact.reference == reference,
                Contact.product_id.in_(user.product_ids),  # type: ignore[attr-defined]
            )
        )
    ).first()
    if message is None:
        raise NotAccessible(f"{reference}/messages/{message_id}")
    return message


async def get_attachment_for_user(
    session: AsyncSession, user: Viewer, reference: str, attachment_id: int
) -> Attachment:
    attachment = (
        await session.exec(
            select(Attachment)
            .join(Message, Message.id == Attachment.message_id)
            .join(Contact, Contact.id == Message.contact_id)
            .where(
                Attachment.id == attachment_id,
                Contact.reference == reference,
                Contact.product_id.in_(user.product_ids),  # type: ignore[attr-defined]
            )
        )
    ).first()
    if attachment is None:
        raise NotAccessible(f"{reference}/attachments/{attachment_id}")
    return attachment


def customer_visible_clause(viewer: Viewer):
    """SQL: the customers this viewer may know of: with a contact in one of their
    products, or registered by them; everyone for the separate permission."""
    if viewer.sees_all_customers:
        return Customer.id.is_not(None)  # type: ignore[union-attr]
    has_contact = exists().where(
        Contact.customer_id == Customer.id,
        Contact.product_id.in_(viewer.product_ids or (-1,)),  # type: ignore[attr-defined]
    )
    return or_(has_contact, Customer.created_by_id == viewer.id)


async def visible_customer_ids(
    session: AsyncSession, viewer: Viewer, customer_ids: Iterable[int]
) -> set[int]:
    wanted = list(customer_ids)
    if not wanted:
        return set()
    rows = await session.exec(
        select(Customer.id).where(
            Customer.id.in_(wanted),  # type: ignore[union-attr]
            customer_visible_clause(viewer),
        )
    )
    return set(rows.all())


async def require_customer(session: AsyncSession, viewer: Viewer, customer_id: int) -> None:
    """Need-to-know on customers: NotAccessible (404) for a customer the viewer may not
    know of, exactly as for one that does not exist."""
    if customer_id not in await visible_customer_ids(session, viewer, [customer_id]):
        raise NotAccessible(f"customer {customer_id}")
