"""Helpers for the web form tests: a visitor's client (its own IP address), the form's
hidden fields read from the page, and a post with a solved proof of work."""

from __future__ import annotations

import re
from html import unescape

import httpx
from sqlalchemy import text

from services.webform import abuse
from tests.api_support import BASE_URL

WEBFORM_TABLES = "webform_refusals, webform_rate_counts"
# A BIG number that passes its check digit (second digit 9, first the check).
VALID_BIG = "89012345601"


def visitor(app, ip: str = "192.0.2.10") -> httpx.AsyncClient:
    """A browser-less visitor from ``ip`` (the ASGI transport sets the client address)."""
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


async def clean_webform_tables(sessionmaker) -> None:
    async with sessionmaker() as s:
        await s.execute(text(f"TRUNCATE {WEBFORM_TABLES}"))
        await s.commit()


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return unescape(match.group(1)) if match else ""


def challenge_of(page: str) -> dict:
    import json

    match = re.search(r'<altcha-widget challenge="([^"]+)"', page)
    return json.loads(unescape(match.group(1)))


def reason_ids(page: str) -> list[str]:
    select = page.split('id="f-reason"', 1)[1].split("</select>", 1)[0]
    return [v for v in re.findall(r'<option value="(\d+)"', select)]


async def fill(client: httpx.AsyncClient, path: str = "/formulier/big", **fields) -> dict:
    """The form's fields as a person fills them, with a solved proof of work."""
    page = (await client.get(path)).text
    sid = hidden(page, "sid")
    data = {
        "sid": sid,
        "reason": reason_ids(page)[0],
        "name": "Jan Jansen",
        "email": "jan.jansen@example.nl",
        "role": "professional",
        "identifier_kind": "big",
        "identifier": "",
        "message": "Wanneer is mijn herregistratie klaar?",
        "privacy": "yes",
        "website": "",
        "altcha": abuse.solve(challenge_of(page)),
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}
