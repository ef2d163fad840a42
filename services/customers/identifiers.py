"""Customer identifiers: validation, and how they are kept (BIO / AVG).

- BSN (burgerservicenummer): 9 digits passing the 11-check ("elfproef"). Secret:
  stored only encrypted (AES-GCM), shown masked, found by exact match through a
  keyed HMAC of the normalized value -- never stored, indexed or logged in clear.
- BIG-nummer: 11 digits. UZI-nummer: 9 digits. KvK-nummer: 8 digits. Not secret
  (public registers), stored as they are, found by the same keyed hash.

Both keys derive (HKDF) from ``settings.customer_data_key`` or, when unset, from
``settings.secret_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from config.settings import Settings
from db.models.customers import IdentifierKind

SECRET_KINDS = frozenset({IdentifierKind.bsn})
LENGTHS = {
    IdentifierKind.bsn: 9,
    IdentifierKind.big: 11,
    IdentifierKind.uzi: 9,
    IdentifierKind.kvk: 8,
}
# Which identifier a register link uses for "{identifier}": never the BSN (a URL
# ends up in browser history and proxy logs); a template may still ask for {bsn}.
LINK_PREFERENCE = (IdentifierKind.big, IdentifierKind.uzi, IdentifierKind.kvk)


class InvalidIdentifier(ValueError):
    """The value is not a valid identifier of its kind (message says why, in English)."""


def digits_only(raw: str) -> str:
    """Spaces, dots and dashes people type are dropped; anything else stays (and fails)."""
    return "".join(ch for ch in raw.strip() if ch not in " .-")


def bsn_eleven_check(value: str) -> bool:
    """The BSN 11-check: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (not 0)."""
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    total -= int(value[8])
    return total % 11 == 0 and total != 0


def normalize_identifier(kind: str, raw: str) -> str:
    """The canonical form of ``raw`` as an identifier of ``kind``; InvalidIdentifier if none."""
    try:
        kind = IdentifierKind(kind)
    except ValueError:
        raise InvalidIdentifier(f"unknown identifier kind {kind!r}") from None
    value = digits_only(raw)
    if kind == IdentifierKind.bsn and len(value) == 8 and value.isdigit():
        value = "0" + value  # BSNs issued with a leading zero are often typed without it
    if not value.isdigit() or len(value) != LENGTHS[kind]:
        raise InvalidIdentifier(f"a {kind.value.upper()} number has {LENGTHS[kind]} digits")
    if kind == IdentifierKind.bsn and not bsn_eleven_check(value):
        raise InvalidIdentifier("this BSN does not pass the 11-check")
    return value


def mask(kind: str, value: str) -> str:
    """How an identifier is shown: a BSN only by its last three digits."""
    if kind in SECRET_KINDS:
        return "*" * (len(value) - 3) + value[-3:]
    return value


@dataclass(frozen=True)
class IdentifierKeys:
    seal_key: bytes = b""
    hash_key: bytes = b""

    def lookup_hash(self, kind: str, value: str) -> str:
        return hmac.new(self.hash_key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def seal(self, kind: str, value: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + AESGCM(self.seal_key).encrypt(nonce, value.encode(), kind.encode())

    def unseal(self, kind: str, sealed: bytes) -> str:
        return AESGCM(self.seal_key).decrypt(sealed[:12], sealed[12:], kind.encode()).decode()


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@lru_cache(maxsize=8)
def _keys_for(master: str) -> IdentifierKeys:
    raw = master.encode()
    return IdentifierKeys(
        seal_key=_derive(raw, b"pulse customer identifiers: aes-gcm"),
        hash_key=_derive(raw, b"pulse customer identifiers: lookup hmac"),
    )


def identifier_keys(settings: Settings) -> IdentifierKeys:
    master = settings.customer_data_key or settings.secret_key
    return _keys_for(master.get_secret_value())


@dataclass(frozen=True)
class StoredForm:
    """What the customer_identifiers row holds for one identifier."""

    kind: str
    lookup_hash: str
    value: str  # empty for secret kinds
    sealed: bytes | None
    masked: str


def stored_form(keys: IdentifierKeys, kind: str, raw: str) -> StoredForm:
    value = normalize_identifier(kind, raw)
    secret = kind in SECRET_KINDS
    return StoredForm(
        kind=kind,
        lookup_hash=keys.lookup_hash(kind, value),
        value="" if secret else value,
        sealed=keys.seal(kind, value) if secret else None,
        masked=mask(kind, value),
    )


def lookup_hashes_for_query(keys: IdentifierKeys, raw: str) -> list[tuple[str, str]]:
    """(kind, hash) for every kind the typed text is a valid identifier of: a search
    box does not know whether 9 digits are a BSN or an UZI number."""
    found = []
    for kind in IdentifierKind:
        try:
            value = normalize_identifier(kind, raw)
        except InvalidIdentifier:
            continue
        found.append((kind.value, keys.lookup_hash(kind, value)))
    return found
