"""Optional "register data" adapters: basic registration data of a customer from a
product's register, shown next to the klantbeeld timeline.

Loosely coupled by design: one HTTP GET with a short timeout
(``settings.register_adapter_timeout_seconds``), nothing copied into PULSE. The
klantbeeld loads it in a separate request, so a slow or broken register never
holds up the page; any failure becomes a short "not available" note.

Contract: ``GET <url>?kind=<big|uzi|kvk|bsn>&identifier=<value>`` answers 200 with
a JSON object of label -> value (strings or numbers), or 404 when unknown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import httpx

from config.settings import Settings
from db.models.customers import CustomerIdentifier
from services.customers.identifiers import LINK_PREFERENCE, SECRET_KINDS, identifier_keys

log = logging.getLogger(__name__)
MAX_FIELDS = 30


@dataclass
class RegisterData:
    product_code: str
    ok: bool
    fields: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""  # "not_configured" / "no_identifier" / "not_found" / "unavailable"


def _identifier_for(
    settings: Settings, identifiers: list[CustomerIdentifier]
) -> tuple[str, str] | None:
    by_kind = {i.kind: i for i in identifiers}
    for kind in (*LINK_PREFERENCE, *SECRET_KINDS):
        ident = by_kind.get(kind)
        if ident is None:
            continue
        if kind in SECRET_KINDS:
            if not ident.sealed:
                continue
            return kind, identifier_keys(settings).unseal(kind, ident.sealed)
        return kind, ident.value
    return None


async def fetch_register_data(
    settings: Settings, product_code: str, identifiers: list[CustomerIdentifier]
) -> RegisterData:
    url = settings.register_adapters.get(product_code)
    if not url:
        return RegisterData(product_code, False, problem="not_configured")
    ident = _identifier_for(settings, identifiers)
    if ident is None:
        return RegisterData(product_code, False, problem="no_identifier")
    kind, value = ident
    try:
        async with httpx.AsyncClient(timeout=settings.register_adapter_timeout_seconds) as http:
            response = await http.get(url, params={"kind": kind, "identifier": value})
        if response.status_code == 404:
            return RegisterData(product_code, False, problem="not_found")
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("register adapter answered no JSON object")
    except (httpx.HTTPError, ValueError) as exc:
        # The identifier is not logged: the BSN may be one.
        log.warning("register adapter %s failed: %s", product_code, type(exc).__name__)
        return RegisterData(product_code, False, problem="unavailable")
    fields = [(str(k)[:100], str(v)[:300]) for k, v in list(body.items())[:MAX_FIELDS]]
    return RegisterData(product_code, True, fields=fields)
