"""customers.jsonl: people and organisations with their identifiers.

A new customer whose BSN, BIG, UZI or KvK number or email address PULSE already
knows is merged into that customer by services/customers/merging.py (the same merge
a person makes, so it can be undone from the customer's page). The others are
written in bulk, one statement per table per batch."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text, update
from sqlmodel.ext.asyncio.session import AsyncSession

from channels.klopt.context import Context
from channels.klopt.export import BadValue, Row, text_of
from db.bulk import copy_rows, next_ids
from db.models.contacts import Customer, CustomerEmail, CustomerPhone
from db.models.customers import CustomerChange, CustomerIdentifier, CustomerKind, IdentifierKind
from services.customers.identifiers import InvalidIdentifier, StoredForm, stored_form
from services.customers.merging import merge_customers
from services.customers.phones import normalize_phone

ORIGIN = "import:klopt"
# Matched in this order: the first one PULSE knows names the customer to merge into.
MATCH_KINDS = (IdentifierKind.bsn, IdentifierKind.big, IdentifierKind.uzi, IdentifierKind.kvk)


@dataclass
class CleanCustomer:
    name: str
    kind: str
    identifiers: list[StoredForm] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None

    def match_keys(self) -> list[str]:
        """What identifies the customer: identifier hashes and the email address."""
        return [f.lookup_hash for f in self.identifiers] + ([self.email] if self.email else [])


def check(ctx: Context, row: Row) -> CleanCustomer:
    v = row.values
    kind = v.get("kind") or "person"
    if kind not in set(CustomerKind):
        raise BadValue(f"kind is person or organisation, not {kind!r}")
    clean = CleanCustomer(name=text_of(v, "name", 300, required=True).strip(), kind=kind)
    for id_kind in MATCH_KINDS:
        raw = v.get(id_kind.value)
        if raw:
            try:
                clean.identifiers.append(stored_form(ctx.keys, id_kind.value, str(raw)))
            except InvalidIdentifier as exc:
                raise BadValue(f"{id_kind.value}: {exc}") from None
    email = text_of(v, "email", 320).strip().lower()
    if email:
        if "@" not in email or " " in email:
            raise BadValue(f"email is not an address: {email[:60]!r}")
        clean.email = email
    phone = text_of(v, "phone", 50)
    if phone:
        clean.phone = normalize_phone(phone)
        if clean.phone is None:
            raise BadValue(f"phone is not a phone number: {phone!r}")
    return clean


OWNERS = text(
    "SELECT i.lookup_hash, i.customer_id FROM customer_identifiers i "
    "JOIN unnest(CAST(:kinds AS text[]), CAST(:hashes AS text[])) AS k(kind, hash) "
    "ON i.kind = k.kind AND i.lookup_hash = k.hash "  # the (kind, lookup_hash) index
    "UNION ALL SELECT address, customer_id FROM customer_emails WHERE address = ANY(:emails)"
)


async def _owners(s: AsyncSession, rows: list[CleanCustomer]) -> dict[str, int]:
    """identifier hash or email address -> the (unmerged) customer holding it."""
    forms = [f for c in rows for f in c.identifiers]
    emails = [c.email for c in rows if c.email]
    if not forms and not emails:
        return {}
    params = {
        "kinds": [f.kind for f in forms],
        "hashes": [f.lookup_hash for f in forms],
        "emails": emails,
    }
    return dict((await s.execute(OWNERS, params)).all())


async def insert_new(ctx: Context, s: AsyncSession, rows: list[Row]) -> list[tuple[str, int, str]]:
    """Insert the batch's new customers; merge those PULSE already knows."""
    owners = await _owners(s, [r.clean for r in rows])
    seen: set[str] = set()
    fresh, matched = [], []
    for row in rows:
        keys = row.clean.match_keys()
        # One seen earlier in this batch is matched after the bulk insert made it.
        (matched if any(k in owners or k in seen for k in keys) else fresh).append(row)
        seen.update(keys)
    done = await _bulk_insert(s, fresh, owned=set())
    for row in matched:
        owners = await _owners(s, [row.clean])
        done += await _bulk_insert(s, [row], owned=set(owners))
        survivor = next(owners[k] for k in row.clean.match_keys() if k in owners)
        await merge_customers(s, ctx.mapping.actor, ORIGIN, survivor, done[-1][1])
    return done


async def _bulk_insert(s: AsyncSession, rows: list[Row], owned: set[str]):
    """The customers with what identifies them (except what another one holds)."""
    if not rows:
        return []
    new_ids = await next_ids(s, "customers", len(rows))
    pairs = list(zip(rows, new_ids, strict=True))
    await copy_rows(
        s,
        Customer,
        [{"id": cid, "display_name": r.clean.name, "kind": r.clean.kind} for r, cid in pairs],
    )
    identifiers = [
        {
            "customer_id": cid,
            "kind": f.kind,
            "lookup_hash": f.lookup_hash,
            "value": f.value,
            "sealed": f.sealed,
            "masked": f.masked,
        }
        for r, cid in pairs
        for f in r.clean.identifiers
        if f.lookup_hash not in owned
    ]
    emails = [
        {"customer_id": cid, "address": r.clean.email}
        for r, cid in pairs
        if r.clean.email and r.clean.email not in owned
    ]
    phones = [{"customer_id": cid, "number": r.clean.phone} for r, cid in pairs if r.clean.phone]
    changes = [
        {"customer_id": cid, "action": "created", "new": f"{ORIGIN}:{r.old_id}"[:500]}
        for r, cid in pairs
    ]
    for model, values in (
        (CustomerIdentifier, identifiers),
        (CustomerEmail, emails),
        (CustomerPhone, phones),
        (CustomerChange, changes),
    ):
        await copy_rows(s, model, values)
    return [(r.old_id, cid, r.hash) for r, cid in pairs]


async def update_changed(ctx: Context, s: AsyncSession, rows: list[tuple[Row, int]]):
    """A customer changed in Klopt since the last run: its name and kind, and what
    identifies it that nobody in PULSE holds yet (nothing is removed)."""
    done = []
    for row, customer_id in rows:
        clean: CleanCustomer = row.clean
        await s.execute(
            update(Customer)
            .where(Customer.id == customer_id)
            .values(display_name=clean.name, kind=clean.kind)
        )
        owners = await _owners(s, [clean])
        missing = [f for f in clean.identifiers if f.lookup_hash not in owners]
        for f in missing:
            s.add(
                CustomerIdentifier(
                    customer_id=customer_id,
                    kind=f.kind,
                    lookup_hash=f.lookup_hash,
                    value=f.value,
                    sealed=f.sealed,
                    masked=f.masked,
                )
            )
        if clean.email and clean.email not in owners:
            s.add(CustomerEmail(customer_id=customer_id, address=clean.email))
        s.add(CustomerChange(customer_id=customer_id, action="updated", new=ORIGIN))
        done.append((row.old_id, customer_id, row.hash))
    await s.flush()
    return done
