"""Bad input never gives a 500: ids the database cannot hold, control characters in text,
lax coercion; and what a browser or an API client gets when something is refused."""

from __future__ import annotations

import re

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from tests.api_support import (
    BASE_URL,
    JSON,
    client_for,
    login,
    make_contact,
    running_app,
    seeded,
)
from tests.test_access_routes import app_routes
from tests.test_work_admin import product_id

HTML = {"Accept": "text/html"}
PARAM = re.compile(r"\{(\w+)\}")
# path parameters that are not integer ids (a survey link's token is a signed string)
TEXT_PARAMS = {
    "reference": "KCC-1999-000002",
    "product_code": "UZI",
    "day": "2026-12-24",
    "token": "not-a-link",
}


@pytest_asyncio.fixture
async def world(db, settings, temporal_env):
    await seeded(db)
    uzi = await make_contact(db, "UZI", 2)
    return db, settings, temporal_env.client, uzi, None


def with_ids(path: str, number: int) -> str | None:
    """The path with every integer id set to ``number``; None when it has no id."""
    names = PARAM.findall(path)
    ids = [n for n in names if n not in TEXT_PARAMS]
    if not ids:
        return None
    return path.format(**{n: TEXT_PARAMS.get(n, number) for n in names})


def is_validation_shape(body: dict) -> bool:
    detail = body.get("detail")
    return isinstance(detail, list) and all({"loc", "msg", "type"} <= set(e) for e in detail)


@pytest.mark.parametrize("number", [2**31, -1, 0])
async def test_every_id_out_of_range_is_refused_not_a_crash(world, number):
    """Every route with an id in its path, for every role: a refusal, never 2xx or 5xx."""
    db, settings, temporal, _, _ = world
    problems = []
    async with running_app(settings, db, temporal, dev_tools=True) as app:
        clients = {}
        for actor in ("agent", "trafficer", "admin", "records"):
            clients[actor] = client_for(app)
            csrf = await login(clients[actor], db, actor)
            clients[actor].headers.update({**JSON, "X-CSRF-Token": csrf})
        for method, template in sorted(app_routes(app)):
            path = with_ids(template, number)
            if path is None:
                continue
            for actor, client in clients.items():
                answer = await client.request(method, path, json={})
                if answer.status_code not in (401, 403, 404, 405, 422):
                    problems.append(f"{method} {path} as {actor}: {answer.status_code}")
                elif answer.status_code == 422 and not is_validation_shape(answer.json()):
                    problems.append(f"{method} {path} as {actor}: 422 body {answer.text}")
        for client in clients.values():
            await client.aclose()
    assert not problems, "\n".join(problems)


async def test_control_characters_are_refused_at_the_edge(world):
    db, settings, temporal, uzi, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        csrf = await login(client, db, "agent")
        headers = {**JSON, "X-CSRF-Token": csrf}
        for query in ("q=jan%00", "q=%1b[31m", "q=a%7f"):
            found = await client.get(f"/api/search?{query}", headers=headers)
            assert found.status_code == 422, query
            assert found.json()["detail"][0]["loc"] == ["query", "q"]
        note = await client.post(
            f"/api/contacts/{uzi.reference}/notes", json={"body": "a\x00b"}, headers=headers
        )
        assert note.status_code == 422 and note.json()["detail"][0]["loc"] == ["body", "body"]
        form = await client.post(
            f"/contacts/{uzi.reference}/notes", data={"body": "a\x00b"}, headers=headers
        )
        assert form.status_code == 422
        # line breaks and tabs are text, not control characters
        fine = await client.get("/api/search?q=jan%09jansen", headers=headers)
        assert fine.status_code == 200
        page = await client.get("/search?q=x%00", headers=HTML)
        assert page.status_code == 422 and "<html" in page.text


async def test_error_pages_for_browsers_json_for_api_clients(world):
    db, settings, temporal, _, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        await login(client, db, "agent")
        missing = await client.get("/no/such/page", headers=HTML)
        assert missing.status_code == 404 and "<html" in missing.text
        assert "Niet gevonden" in missing.text
        wrong_method = await client.delete("/search", headers=HTML)
        assert wrong_method.status_code == 405 and "<html" in wrong_method.text
        assert "GET" in wrong_method.headers["allow"]
        bad = await client.get("/search?q=" + "x" * 300, headers=HTML)
        assert bad.status_code == 422 and "<html" in bad.text
        english = await client.get("/no/such/page", headers={**HTML, "Cookie": "pulse_lang=en"})
        assert "Not found" in english.text or english.status_code == 404
        api = await client.get("/api/no/such", headers=HTML)
        assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
        icon = await client.get("/favicon.ico")
        assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg")


async def test_an_unexpected_error_is_a_page_not_a_stack_trace(world):
    db, settings, temporal, _, _ = world
    async with running_app(settings, db, temporal) as app:
        app: FastAPI

        async def boom():
            raise RuntimeError("secret internals")

        app.add_api_route("/boom", boom)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            page = await client.get("/boom", headers=HTML)
            api = await client.get("/boom", headers=JSON)
    assert page.status_code == 500 and "<html" in page.text and "secret" not in page.text
    assert api.status_code == 500 and "secret" not in api.text and "detail" in api.json()


async def test_route_refusals_have_the_validation_shape(world):
    db, settings, temporal, _, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        csrf = await login(client, db, "agent")
        wrong = await client.post(
            "/api/account/password",
            json={"current_password": "not-it", "new_password": "x" * 20},
            headers={**JSON, "X-CSRF-Token": csrf},
        )
    assert wrong.status_code == 422 and is_validation_shape(wrong.json()), wrong.text


async def test_no_lax_coercion_of_days_and_numbers(world):
    db, settings, temporal, _, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        csrf = await login(client, db, "admin")
        headers = {**JSON, "X-CSRF-Token": csrf}
        for day in (0, 1700000000, "0", True):
            answer = await client.post(
                "/api/admin/work/closing-days", json={"day": day}, headers=headers
            )
            assert answer.status_code == 422, (day, answer.text)
        big = await product_id(db, "BIG")
        current = next(
            p
            for p in (await client.get("/api/admin/work/products")).json()
            if p["product_id"] == big
        )
        body = {
            k: current[k]
            for k in (
                "warn_share",
                "raise_priority_on_breach",
                "direct_reply_lines",
                "waiting_reminder_days",
                "waiting_close_days",
            )
        }
        for field, value in (("waiting_close_days", False), ("waiting_reminder_days", "5")):
            answer = await client.put(
                f"/api/admin/work/products/{big}", json={**body, field: value}, headers=headers
            )
            assert answer.status_code == 422, (field, answer.text)
        calendar = (await client.get("/api/admin/work/calendar")).json()
        calendar.pop("closing_days", None)
        answer = await client.put(
            "/api/admin/work/calendar", json={**calendar, "public_holidays": "yes"}, headers=headers
        )
        assert answer.status_code == 422
