"""Customers: identifier validation and storage, matching, history, merge and undo."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlmodel import select

from db.models.contacts import AuditEvent, Contact, Customer, CustomerEmail, Role, User
from db.models.customers import CustomerIdentifier
from db.session import session_scope
from services.access import Viewer
from services.customers.identifiers import (
    InvalidIdentifier,
    bsn_eleven_check,
    identifier_keys,
    mask,
    normalize_identifier,
)
from services.customers.merging import merge_customers, possible_duplicates, undo_merge
from services.customers.service import (
    CustomerConflict,
    add_identifier,
    create_customer,
    customer_for_incoming_email,
    find_by_identifier,
    history,
    link_contact,
    match_customer_by_email,
    match_customers_by_phone,
    update_customer,
)
from tests.api_support import make_contact, seeded


def test_bsn_eleven_check():
    assert bsn_eleven_check("111222333")
    assert bsn_eleven_check("123456782")
    assert not bsn_eleven_check("123456789")
    assert not bsn_eleven_check("000000000")  # sums to 0: not a number anyone has
    assert not bsn_eleven_check("12345678")


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("bsn", "1112.22.333", "111222333"),
        ("bsn", "12345672", "012345672"),  # leading zero typed away
        ("big", "190-123-456-01", "19012345601"),
        ("uzi", "900012345", "900012345"),
        ("kvk", "6924 5678", "69245678"),
    ],
)
def test_valid_identifiers_normalize(kind, raw, expected):
    assert normalize_identifier(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("bsn", "123456789"),  # fails the 11-check
        ("bsn", "12345678a"),
        ("big", "1234567890"),  # 10 digits
        ("uzi", "12345678"),
        ("kvk", "123456789"),
        ("passport", "123"),
    ],
)
def test_invalid_identifiers_are_refused(kind, raw):
    with pytest.raises(InvalidIdentifier):
        normalize_identifier(kind, raw)


def test_bsn_is_masked_and_sealed(settings):
    keys = identifier_keys(settings)
    assert mask("bsn", "111222333") == "******333"
    assert mask("big", "19012345601") == "19012345601"
    sealed = keys.seal("bsn", "111222333")
    assert b"111222333" not in sealed
    assert keys.unseal("bsn", sealed) == "111222333"
    # the lookup hash is keyed: another key gives another hash
    other = identifier_keys(settings.model_copy(update={"customer_data_key": SecretStr("x" * 40)}))
    assert other.lookup_hash("bsn", "111222333") != keys.lookup_hash("bsn", "111222333")


async def _viewer(maker, username: str = "agent") -> Viewer:
    async with maker() as s:
        user = (await s.exec(select(User).where(User.username == username))).one()
    return Viewer(user.id, user.username, user.full_name, Role(user.role), "nl", True, (), "x")


async def test_bsn_found_by_exact_match_never_stored_in_clear(db, settings):
    await seeded(db)
    agent = await _viewer(db)
    async with session_scope(db) as s:
        c = await create_customer(
            s,
            settings,
            agent,
            "127.0.0.1",
            display_name="Jan Jansen",
            identifiers={"bsn": "200000007", "big": "59012345601"},
        )
    async with db() as s:
        keys = identifier_keys(settings)
        assert await find_by_identifier(s, keys, "bsn", "2000 000 07") == c.id
        assert await find_by_identifier(s, keys, "bsn", "200000019") is None
        rows = (await s.exec(select(CustomerIdentifier))).all()
        bsn = next(r for r in rows if r.kind == "bsn" and r.customer_id == c.id)
        assert bsn.value == "" and bsn.masked == "******007"
        assert b"200000007" not in bsn.sealed and "200000007" not in bsn.lookup_hash
        audit = (await s.exec(select(AuditEvent.action, AuditEvent.detail))).all()
        assert ("customer.identifier.add.bsn", {}) in audit
        assert not any("200000007" in str(row) for row in audit)
        hist = await history(s, c.id)
        assert "******007" in [h["change"].new for h in hist]
    async with session_scope(db) as s:
        other = await create_customer(s, settings, agent, None, display_name="Iemand")
        with pytest.raises(CustomerConflict):
            await add_identifier(s, settings, agent, None, other.id, "bsn", "200000007")


async def test_matching_by_phone_and_email(db, settings):
    await seeded(db)
    agent = await _viewer(db)
    async with session_scope(db) as s:
        a = await create_customer(
            s,
            settings,
            agent,
            None,
            display_name="Praktijk A",
            phones=["020 123 4567"],
            emails=["Balie@Praktijk.test"],
        )
        b = await create_customer(
            s, settings, agent, None, display_name="Dokter B", phones=["+31201234567"]
        )
        c = await create_customer(
            s, settings, agent, None, display_name="Solo", phones=["06-11112222"]
        )
    async with db() as s:
        # a shared number: both, for the agent to choose -- never one guessed
        assert await match_customers_by_phone(s, "0031 20 1234567") == [a.id, b.id]
        assert await match_customers_by_phone(s, "31611112222") == [c.id]
        assert await match_customers_by_phone(s, "anonymous") == []
        assert await match_customer_by_email(s, " balie@praktijk.TEST ") == a.id
        assert await match_customer_by_email(s, "onbekend@x.test") is None
    async with session_scope(db) as s:
        assert await customer_for_incoming_email(s, "balie@praktijk.test", "X") == a.id
        new_id = await customer_for_incoming_email(s, "Nieuw@X.test", "Nieuw Persoon")
        assert new_id not in (a.id, b.id, c.id)
        assert (await s.get(Customer, new_id)).display_name == "Nieuw Persoon"


async def test_edit_history_and_audit(db, settings):
    await seeded(db)
    agent = await _viewer(db)
    async with session_scope(db) as s:
        c = await create_customer(s, settings, agent, None, display_name="Jan Janssen")
    async with session_scope(db) as s:
        await update_customer(
            s, agent, "10.0.0.1", c.id, display_name="Jan Jansen", kind="organisation"
        )
    async with db() as s:
        changes = [
            (h["change"].action, h["change"].old, h["change"].new, h["actor_name"])
            for h in await history(s, c.id)
        ]
        assert ("name", "Jan Janssen", "Jan Jansen", "Anna Agent") in changes
        assert ("kind", "person", "organisation", "Anna Agent") in changes
        origins = (
            await s.exec(select(AuditEvent.origin).where(AuditEvent.action == "customer.name"))
        ).all()
        assert origins == ["10.0.0.1"]


async def test_merge_and_undo(db, settings):
    await seeded(db)
    agent = await _viewer(db)
    sample = await make_contact(db, "BIG", 1)
    async with session_scope(db) as s:
        keep = await create_customer(
            s,
            settings,
            agent,
            None,
            display_name="Evelien Testpersoon",
            phones=["0633334444"],
            emails=["jan@x.test"],
        )
        dup = await create_customer(
            s,
            settings,
            agent,
            None,
            display_name="Evelien Testpersoon",
            phones=["0633334444"],
            emails=["j.jansen@y.test"],
            identifiers={"bsn": "200000020"},
        )
        contact = await s.get(Contact, sample.contact_id)
        await link_contact(s, agent, None, contact, dup.id)
    async with db() as s:
        assert [d["id"] for d in await possible_duplicates(s, keep.id)] == [dup.id]
    async with session_scope(db) as s:
        merge = await merge_customers(s, agent, None, keep.id, dup.id)
    async with db() as s:
        assert (await s.get(Contact, sample.contact_id)).customer_id == keep.id
        assert await match_customer_by_email(s, "j.jansen@y.test") == keep.id
        assert await find_by_identifier(s, identifier_keys(settings), "bsn", "200000020") == (
            keep.id
        )
        assert await match_customers_by_phone(s, "0633334444") == [keep.id]  # merged hidden
        assert (await s.get(Customer, dup.id)).merged_into_id == keep.id
    async with session_scope(db) as s:
        await undo_merge(s, agent, None, merge.id)
        with pytest.raises(CustomerConflict):
            await undo_merge(s, agent, None, merge.id)
    async with db() as s:
        assert (await s.get(Contact, sample.contact_id)).customer_id == dup.id
        assert await match_customer_by_email(s, "j.jansen@y.test") == dup.id
        assert await match_customer_by_email(s, "jan@x.test") == keep.id
        assert await find_by_identifier(s, identifier_keys(settings), "bsn", "200000020") == (
            dup.id
        )
        assert await match_customers_by_phone(s, "0633334444") == [keep.id, dup.id]
        assert (await s.get(Customer, dup.id)).merged_into_id is None
        actions = set((await s.exec(select(AuditEvent.action))).all())
        assert {"customer.merge", "customer.merged_into", "customer.merge.undone"} <= actions
        emails = (
            await s.exec(
                select(CustomerEmail.address)
                .where(CustomerEmail.customer_id.in_([keep.id, dup.id]))
                .order_by(CustomerEmail.id)
            )
        ).all()
        assert emails == ["jan@x.test", "j.jansen@y.test"]
