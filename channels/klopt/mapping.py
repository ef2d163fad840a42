"""mapping.json: the old system's codes for products, reasons, lines, channels and
users, resolved to PULSE's ids once at the start of a run."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from contracts.work import LINES
from db.models.contacts import Channel, ContactReason, Product, User
from services.access import Viewer, acting_for


class MappingError(ValueError):
    """mapping.json is missing, unreadable or names something PULSE does not have."""


@dataclass
class Mapping:
    products: dict[str, int]  # old product code -> product id
    product_codes: dict[int, str]  # product id -> PULSE code
    reasons: dict[tuple[int, str], int]  # (product id, old reason code) -> reason id
    lines: dict[str, int]  # old line code -> line 1..3
    channels: dict[str, str]  # old channel name -> PULSE channel
    users: dict[str, int]  # old user -> user id
    actor: Viewer  # the import user: author of merges and of notes without a known author
    unmapped_reasons: set[str] = field(default_factory=set)


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path} is missing") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"{path} is not UTF-8 JSON: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path} holds a JSON object")
    return data


def _table(data: dict, name: str) -> dict[str, str | int]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise MappingError(f'mapping.json: "{name}" is an object of old code -> PULSE value')
    return {str(k): v for k, v in value.items()}


async def load_mapping(s: AsyncSession, path: Path) -> Mapping:
    data = _load(path)
    by_code = {p.code: p for p in (await s.exec(select(Product))).all()}
    products: dict[str, int] = {}
    for old, code in _table(data, "products").items():
        if code not in by_code:
            raise MappingError(
                f"mapping.json: product {old} -> {code}: PULSE has no product {code}"
            )
        products[old] = by_code[code].id
    reason_rows = (await s.exec(select(ContactReason))).all()
    reason_ids = {(r.product_id, r.code): r.id for r in reason_rows}
    reasons: dict[tuple[int, str], int] = {}
    for old, code in _table(data, "reasons").items():
        for product_id in set(products.values()):
            if (product_id, str(code)) in reason_ids:
                reasons[(product_id, old)] = reason_ids[(product_id, str(code))]
    lines = {old: int(n) for old, n in _table(data, "lines").items()}
    if bad := [old for old, n in lines.items() if n not in LINES]:
        raise MappingError(f"mapping.json: lines {bad} are not one of {list(LINES)}")
    channels = {old: str(c) for old, c in _table(data, "channels").items()}
    if bad := [old for old, c in channels.items() if c not in set(Channel)]:
        raise MappingError(
            f"mapping.json: channels {bad} are not one of {[c.value for c in Channel]}"
        )
    by_username = {u.username: u for u in (await s.exec(select(User))).all()}
    users: dict[str, int] = {}
    for old, username in _table(data, "users").items():
        if username not in by_username:
            raise MappingError(f"mapping.json: user {old} -> {username}: no such PULSE user")
        users[old] = by_username[username].id
    actor_name = data.get("import_user")
    if actor_name not in by_username:
        raise MappingError('mapping.json: "import_user" names the PULSE user the import acts as')
    return Mapping(
        products=products,
        product_codes={p.id: p.code for p in by_code.values()},
        reasons=reasons,
        lines=lines,
        channels=channels,
        users=users,
        actor=acting_for(by_username[actor_name], sees_all_customers=True),
    )
