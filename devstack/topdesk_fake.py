"""A small local fake of TOPdesk's REST API (``/tas/api``), on loopback HTTP.

Built from the documented shapes of the parts PULSE uses: incidents (create, by
id, by number, a FIQL ``query=externalNumber==...`` search), an incident's
progress trail, the processing statuses, categories, subcategories, operator
groups, and persons found by email (for ``callerLookup``). It checks HTTP Basic
with a login name and an application password.

Knobs a test (or a person trying ``make run``) can turn: ``fail_next(n, status)``
answers the next n API calls with 401, 429 or a 5xx; ``down`` answers every call
with 503 until it is switched back; ``operator_action``, ``set_status`` and
``complete`` act as an operator would. ``python -m devstack.topdesk_fake``
serves one on its own.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from devstack.topdesk_fake_data import (
    CATEGORIES,
    OPERATOR,
    OPERATOR_GROUPS,
    PERSONS,
    STATUSES,
    SUBCATEGORIES,
)

API = "/tas/api"
FIRST_LINE = "firstLine"
BRIEF_MAX = 80  # TOPdesk refuses a longer briefDescription


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _lookup(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def _ref(item: dict | None, key: str = "name") -> dict | None:
    return None if item is None else {"id": item["id"], key: item[key]}


@dataclass
class FakeTopdesk:
    login: str = "pulse"
    app_password: str = "fake-topdesk-app-password"
    down: bool = False
    incidents: dict[str, dict] = field(default_factory=dict)
    trails: dict[str, list[dict]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    base_url: str = ""
    _failures: list[int] = field(default_factory=list)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- knobs ---------------------------------------------------------------------

    def fail_next(self, count: int, status: int) -> None:
        """Answer the next ``count`` API calls with ``status`` (401, 429, 5xx)."""
        self._failures.extend([status] * count)

    def by_external(self, external_number: str) -> dict | None:
        return next(
            (i for i in self.incidents.values() if i["externalNumber"] == external_number), None
        )

    def operator_action(self, incident_id: str, text: str, invisible: bool = False) -> None:
        """An operator writes an action (the answer the caller sees, unless invisible)."""
        self.trails[incident_id].insert(0, self._entry(text, invisible))
        self.incidents[incident_id]["modificationDate"] = _now()

    def set_status(self, incident_id: str, name: str) -> None:
        status = next(s for s in STATUSES if s["name"] == name)
        incident = self.incidents[incident_id]
        incident["processingStatus"] = dict(status)
        incident["modificationDate"] = _now()

    def complete(self, incident_id: str, closed: bool = False) -> None:
        incident = self.incidents[incident_id]
        self.set_status(incident_id, "Closed" if closed else "Completed")
        incident["completed"], incident["completedDate"] = True, _now()
        if closed:
            incident["closed"], incident["closedDate"] = True, _now()

    # --- the API ---------------------------------------------------------------------

    def _entry(self, text: str, invisible: bool) -> dict:
        return {
            "id": str(uuid.uuid4()),
            "entryDate": _now(),
            "operator": dict(OPERATOR),
            "person": None,
            "invisibleForCaller": invisible,
            "memoText": text,
            "plainText": text,
            "type": "action",
        }

    def _authorised(self, request: Request) -> bool:
        header = request.headers.get("authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            login, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return (login, password) == (self.login, self.app_password)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def gate(request: Request, call_next):
            self.calls.append(f"{request.method} {request.url.path}")
            if request.url.path.startswith("/fake/"):
                return await call_next(request)  # the operator's knobs
            if self.down:
                return JSONResponse({"message": "Service unavailable"}, status_code=503)
            if self._failures:
                status = self._failures.pop(0)
                headers = {"Retry-After": "1"} if status == 429 else {}
                return JSONResponse(
                    [{"message": f"fake failure {status}"}], status_code=status, headers=headers
                )
            if not self._authorised(request):
                return JSONResponse([{"message": "Unauthorized"}], status_code=401)
            return await call_next(request)

        @app.get(f"{API}/incidents/statuses")
        async def statuses():
            return STATUSES

        @app.get(f"{API}/incidents/categories")
        async def categories():
            return CATEGORIES

        @app.get(f"{API}/incidents/subcategories")
        async def subcategories():
            return SUBCATEGORIES

        @app.get(f"{API}/operatorgroups")
        async def operator_groups():
            return OPERATOR_GROUPS

        @app.get(f"{API}/persons")
        async def persons(query: str = ""):
            field_name, _, wanted = query.partition("==")
            found = [p for p in PERSONS if field_name == "email" and p["email"] == wanted]
            return found if found else Response(status_code=204)

        @app.get(f"{API}/incidents")
        async def search(query: str = ""):
            field_name, _, wanted = query.partition("==")
            found = [
                i
                for i in self.incidents.values()
                if field_name == "externalNumber" and i["externalNumber"] == wanted.strip('"')
            ]
            return found if found else Response(status_code=204)

        @app.post(f"{API}/incidents")
        async def create(request: Request):
            try:
                body = await request.json()
            except ValueError:
                return _bad("The body is not JSON.")
            return self._create(body)

        @app.get(f"{API}/incidents/id/{{incident_id}}")
        async def by_id(incident_id: str):
            found = self.incidents.get(incident_id)
            return found if found else _not_found()

        @app.get(f"{API}/incidents/number/{{number}}")
        async def by_number(number: str):
            found = next((i for i in self.incidents.values() if i["number"] == number), None)
            return found if found else _not_found()

        @app.get(f"{API}/incidents/id/{{incident_id}}/progresstrail")
        async def progress_trail(incident_id: str):
            if incident_id not in self.trails:
                return _not_found()
            return self.trails[incident_id]

        self._operator_routes(app)
        return app

    def _operator_routes(self, app: FastAPI) -> None:
        """The knobs over HTTP, for a person trying ``make run`` (loopback only):
        ``curl -X POST .../fake/incidents/<number>/action -d 'text=...'``."""

        def by_number(number: str) -> str | None:
            return next((i for i, v in self.incidents.items() if v["number"] == number), None)

        @app.post("/fake/incidents/{number}/{what}")
        async def operate(number: str, what: str, request: Request):
            incident_id = by_number(number)
            if incident_id is None:
                return _not_found()
            form = await request.form()
            if what == "action":
                self.operator_action(incident_id, str(form.get("text", "")))
            elif what == "status":
                name = str(form.get("name", "In progress"))
                if name not in {st["name"] for st in STATUSES}:
                    return _bad(f"a status is one of {[st['name'] for st in STATUSES]}")
                self.set_status(incident_id, name)
            elif what in ("complete", "close"):
                self.complete(incident_id, closed=what == "close")
            else:
                return _bad("action, status, complete or close")
            return self.incidents[incident_id]

        @app.post("/fake/fail")
        async def fail(request: Request):
            form = await request.form()
            try:
                self.fail_next(int(form.get("count", 1)), int(form.get("status", 503)))
            except ValueError:
                return _bad("count and status are numbers")
            return {"queued": len(self._failures)}

    def _create(self, body: dict) -> Response:
        brief = body.get("briefDescription") or ""
        if not brief or len(brief) > BRIEF_MAX:
            return _bad(f"briefDescription is required and at most {BRIEF_MAX} characters.")
        caller = self._caller(body)
        if caller is None:
            return _bad("Either callerLookup or caller.dynamicName is required.")
        category = _lookup(CATEGORIES).get((body.get("category") or {}).get("id", ""))
        subcategory = _lookup(SUBCATEGORIES).get((body.get("subcategory") or {}).get("id", ""))
        group = _lookup(OPERATOR_GROUPS).get((body.get("operatorGroup") or {}).get("id", ""))
        if subcategory and (category is None or subcategory["category"]["id"] != category["id"]):
            return _bad("The subcategory does not belong to the category.")
        incident_id = str(uuid.uuid4())
        number = f"I {datetime.now(UTC):%y%m} {next(self._numbers):03d}"
        incident = {
            "id": incident_id,
            "number": number,
            "status": FIRST_LINE,
            "briefDescription": brief,
            "request": body.get("request") or "",
            "externalNumber": (body.get("externalNumber") or "")[:60],
            "caller": caller,
            "category": _ref(category),
            "subcategory": _ref(subcategory),
            "operatorGroup": _ref(group, "groupName"),
            "processingStatus": dict(STATUSES[0]),
            "completed": False,
            "completedDate": None,
            "closed": False,
            "closedDate": None,
            "creationDate": _now(),
            "modificationDate": _now(),
        }
        self.incidents[incident_id] = incident
        self.trails[incident_id] = []
        return JSONResponse(incident, status_code=201)

    def _caller(self, body: dict) -> dict | None:
        lookup = (body.get("callerLookup") or {}).get("id")
        if lookup:
            person = next((p for p in PERSONS if p["id"] == lookup), None)
            if person is None:
                return None
            return {key: person[key] for key in ("id", "dynamicName", "email")}
        caller = body.get("caller") or {}
        if not caller.get("dynamicName"):
            return None
        return {"id": None, "dynamicName": caller["dynamicName"], "email": caller.get("email", "")}


def _bad(message: str) -> JSONResponse:
    return JSONResponse([{"message": message}], status_code=400)


def _not_found() -> JSONResponse:
    return JSONResponse([{"message": "Not found"}], status_code=404)


@asynccontextmanager
async def running_fake(port: int, **kwargs):
    """Serve a fake on ``port`` for the duration of the block."""
    fake = FakeTopdesk(**kwargs)
    fake.base_url = f"http://127.0.0.1:{port}"
    server = uvicorn.Server(
        uvicorn.Config(fake.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    for _ in range(500):  # up to 10 s
        if server.started or task.done():
            break
        await asyncio.sleep(0.02)
    try:
        yield fake
    finally:
        server.should_exit = True
        await task


def main() -> None:
    parser = argparse.ArgumentParser(description="a local TOPdesk fake")
    parser.add_argument("--port", type=int, default=8020)
    parser.add_argument("--login", default="pulse")
    parser.add_argument("--app-password", default="fake-topdesk-app-password")
    args = parser.parse_args()
    fake = FakeTopdesk(login=args.login, app_password=args.app_password)
    uvicorn.run(fake.app(), host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
