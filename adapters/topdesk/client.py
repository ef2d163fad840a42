"""A client of TOPdesk's REST API for incidents (httpx, HTTP Basic with the login
name and an application password).

Failures are sorted by what the caller should do about them: ``TopdeskUnavailable``
(not reachable, 429, 5xx) goes away by itself, so try again later;
``TopdeskUnauthorized`` (401, 403) needs an admin to fix the login or its
application password; ``TopdeskRejected`` (another 4xx) is a request TOPdesk will
never take as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from config.settings import Settings

API = "/tas/api"


class TopdeskError(Exception):
    """Something went wrong talking to TOPdesk."""


class TopdeskUnavailable(TopdeskError):
    """Not reachable, too many requests (429), or a server error (5xx): retry later."""


class TopdeskUnauthorized(TopdeskError):
    """The login name or application password is refused (401/403): an admin's job."""


class TopdeskRejected(TopdeskError):
    """TOPdesk refused the request itself (400, 404, ...): retrying changes nothing."""


class TopdeskNotConfigured(TopdeskError):
    """No TOPdesk URL is set."""


@dataclass(frozen=True)
class Option:
    """One entry of a TOPdesk lookup list (a category, an operator group, ...)."""

    id: str
    name: str
    parent_id: str = ""  # a subcategory's category


@dataclass(frozen=True)
class NewIncident:
    brief_description: str
    request: str
    external_number: str
    caller_email: str
    caller_name: str
    category_id: str = ""
    subcategory_id: str = ""
    operator_group_id: str = ""


class TopdeskClient:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        if not settings.topdesk_url:
            raise TopdeskNotConfigured("PULSE_TOPDESK_URL is not set")
        self._http = httpx.AsyncClient(
            base_url=settings.topdesk_url.rstrip("/") + API,
            auth=httpx.BasicAuth(
                settings.topdesk_login, settings.topdesk_app_password.get_secret_value()
            ),
            timeout=settings.topdesk_timeout_seconds,
            headers={"Accept": "application/json"},
            transport=transport,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise TopdeskUnavailable(f"TOPdesk not reachable: {exc!r}") from exc
        status = response.status_code
        if status in (401, 403):
            raise TopdeskUnauthorized(f"TOPdesk refused the login ({status})")
        if status == 429 or status >= 500:
            raise TopdeskUnavailable(f"TOPdesk answered {status}")
        if status >= 400:
            raise TopdeskRejected(f"TOPdesk answered {status}: {_message(response)}")
        if status == 204 or not response.content:
            return None  # TOPdesk's "nothing found" for list queries
        return response.json()

    # --- incidents -------------------------------------------------------------------

    async def create_incident(self, new: NewIncident) -> dict:
        body: dict[str, Any] = {
            "briefDescription": new.brief_description,
            "request": new.request,
            "externalNumber": new.external_number,
        }
        person_id = await self.find_person_by_email(new.caller_email)
        if person_id:
            body["callerLookup"] = {"id": person_id}
        else:
            body["caller"] = {"dynamicName": new.caller_name, "email": new.caller_email}
        for key, value in (
            ("category", new.category_id),
            ("subcategory", new.subcategory_id),
            ("operatorGroup", new.operator_group_id),
        ):
            if value:
                body[key] = {"id": value}
        return await self._call("POST", "/incidents", json=body)

    async def find_by_external_number(self, external_number: str) -> dict | None:
        found = await self._call(
            "GET", "/incidents", params={"query": f'externalNumber=="{external_number}"'}
        )
        return found[0] if found else None

    async def incident(self, incident_id: str) -> dict:
        return await self._call("GET", f"/incidents/id/{incident_id}")

    async def incident_by_number(self, number: str) -> dict:
        return await self._call("GET", f"/incidents/number/{number}")

    async def progress_trail(self, incident_id: str) -> list[dict]:
        return await self._call("GET", f"/incidents/id/{incident_id}/progresstrail") or []

    # --- lookups ---------------------------------------------------------------------

    async def find_person_by_email(self, email: str) -> str | None:
        if not email:
            return None
        found = await self._call("GET", "/persons", params={"query": f"email=={email}"})
        return found[0]["id"] if found else None

    async def statuses(self) -> list[Option]:
        return [Option(s["id"], s["name"]) for s in await self._call("GET", "/incidents/statuses")]

    async def categories(self) -> list[Option]:
        found = await self._call("GET", "/incidents/categories")
        return [Option(c["id"], c["name"]) for c in found]

    async def subcategories(self) -> list[Option]:
        found = await self._call("GET", "/incidents/subcategories")
        return [Option(s["id"], s["name"], (s.get("category") or {}).get("id", "")) for s in found]

    async def operator_groups(self) -> list[Option]:
        found = await self._call("GET", "/operatorgroups")
        return [Option(g["id"], g["groupName"]) for g in found]


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return str(body[0].get("message", ""))[:200]
    return str(body)[:200]
