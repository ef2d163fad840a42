"""Walk EVERY route of the app for every role (and anonymous) and check that access
control answers 401 / 403 / 404 where it must.

A route that is not classified in ROUTES makes test_every_route_is_classified fail:
whoever adds a route must decide here who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import pytest_asyncio
from fastapi.routing import iter_route_contexts
from sqlalchemy import update

from db.models.contacts import Contact, Role
from db.session import session_scope
from services.access import ADMINISTER, ALL_ROLES, ASSIGN_CONTACTS, READ_CONTACTS, WORK_CONTACTS
from tests.api_support import (
    JSON,
    SampleContact,
    client_for,
    login,
    make_contact,
    running_app,
    seeded,
    user_id,
)

# Each area lists its own routes and rules next to its tests.
from tests.customers_routes import CUSTOMERS_PATH_IDS, CUSTOMERS_ROUTES, customers_body
from tests.mail_routes import MAIL_PATH_IDS, MAIL_ROUTES
from tests.phone_routes import PHONE_ROUTES, phone_body
from tests.records_routes import RECORDS_PATH_IDS, RECORDS_ROUTES, records_body
from tests.reports_routes import REPORTS_ROUTES
from tests.signals_routes import SIGNALS_PATH_IDS, SIGNALS_ROUTES
from tests.survey_routes import SURVEY_ROUTES
from tests.topdesk_routes import TOPDESK_ROUTES
from tests.user_admin_routes import USER_ADMIN_PATH_IDS, USER_ADMIN_ROUTES, user_admin_body
from tests.webform_routes import WEBFORM_PATH_IDS, WEBFORM_ROUTES
from tests.work_admin_routes import WORK_ADMIN_PATH_IDS, WORK_ADMIN_ROUTES, work_admin_body
from tests.work_routes import WORK_ROUTES, work_body

PUBLIC = None


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role] | None  # None: no login needed
    scoped: bool = False  # about one contact: 404 for people not accredited for it
    dev: bool = False  # dev tools: 404 for everyone unless settings.dev_tools
    exercise: bool = True  # call it as an allowed user too (not: streams, logout)
    login_csrf: bool = False  # public, but protected by the pre-session CSRF cookie


SESSION_ONLY = frozenset(ALL_ROLES)
C = "/api/contacts/{reference}"
H = "/contacts/{reference}"

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/openapi.json"): Rule(ALL_ROLES),
    ("GET", "/docs"): Rule(ALL_ROLES),
    ("GET", "/docs/init.js"): Rule(ALL_ROLES),
    ("GET", "/healthz"): Rule(PUBLIC),
    ("GET", "/favicon.ico"): Rule(PUBLIC),
    ("GET", "/login"): Rule(PUBLIC),
    ("POST", "/login"): Rule(PUBLIC, login_csrf=True),
    ("POST", "/language"): Rule(PUBLIC, login_csrf=True),
    ("GET", "/login/totp"): Rule(SESSION_ONLY),
    ("POST", "/login/totp"): Rule(SESSION_ONLY, exercise=False),
    ("POST", "/logout"): Rule(SESSION_ONLY, exercise=False),
    ("GET", "/api/auth/me"): Rule(ALL_ROLES),
    ("GET", "/account/password"): Rule(ALL_ROLES),
    ("POST", "/account/password"): Rule(ALL_ROLES, exercise=False),
    ("POST", "/api/account/password"): Rule(ALL_ROLES, exercise=False),
    ("GET", "/"): Rule(ALL_ROLES),
    ("GET", "/welcome"): Rule(ALL_ROLES),
    ("GET", "/api/tasks"): Rule(READ_CONTACTS),
    ("GET", "/inbox/rows"): Rule(READ_CONTACTS),
    ("GET", "/events"): Rule(READ_CONTACTS, exercise=False),
    ("GET", C): Rule(READ_CONTACTS, scoped=True),
    ("POST", C + "/claim"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", C + "/release"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", C + "/reply"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", C + "/notes"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", C + "/close"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", C + "/assign"): Rule(ASSIGN_CONTACTS, scoped=True),
    ("GET", C + "/attachments/{attachment_id}"): Rule(READ_CONTACTS, scoped=True),
    ("GET", C + "/messages/{message_id}/raw"): Rule(READ_CONTACTS, scoped=True),
    ("GET", H): Rule(READ_CONTACTS, scoped=True),
    ("GET", H + "/live"): Rule(READ_CONTACTS, scoped=True),
    ("POST", H + "/claim"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", H + "/release"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", H + "/reply"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", H + "/notes"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", H + "/close"): Rule(WORK_CONTACTS, scoped=True),
    ("POST", H + "/assign"): Rule(ASSIGN_CONTACTS, scoped=True),
    ("GET", "/api/admin/users"): Rule(ADMINISTER),
    ("GET", "/api/admin/products"): Rule(ADMINISTER),
    ("GET", "/admin/users"): Rule(ADMINISTER),
    ("GET", "/admin/products"): Rule(ADMINISTER),
    ("GET", "/dev/send"): Rule(READ_CONTACTS, dev=True),
    ("POST", "/dev/send"): Rule(READ_CONTACTS, dev=True),
    ("GET", "/dev/outbox"): Rule(READ_CONTACTS, dev=True),
    **{key: Rule(**rule) for key, rule in RECORDS_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in WORK_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in CUSTOMERS_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in PHONE_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in USER_ADMIN_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in WORK_ADMIN_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in MAIL_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in REPORTS_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in WEBFORM_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in TOPDESK_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in SURVEY_ROUTES.items()},
    **{key: Rule(**rule) for key, rule in SIGNALS_ROUTES.items()},
}

# Demo users and the products they are accredited for (devstack.demo.seed).
ACTORS = ("agent", "agent2", "backoffice", "trafficer", "manager", "admin", "records", "ops")
ROLE_OF = {
    "agent": Role.agent,
    "agent2": Role.agent,
    "backoffice": Role.agent,
    "trafficer": Role.trafficer,
    "manager": Role.manager,
    "admin": Role.admin,
    "records": Role.records_manager,
    "ops": Role.ops,
}
SEES_UZI = {"agent", "trafficer", "manager"}


def app_routes(app) -> set[tuple[str, str]]:
    found = set()
    for route in iter_route_contexts(app.routes):
        for method in route.methods or ():
            if method != "HEAD" and route.path:
                found.add((method, route.path))
    return found


# Customer 1 (Jan Jansen) gets the UZI contact; customer 2 has no contact at all.
OWN_CUSTOMER, STRANGER = 1, 2


async def link_customer(db, contact: SampleContact, customer_id: int) -> None:
    async with session_scope(db) as session:
        await session.execute(
            update(Contact).where(Contact.id == contact.contact_id).values(customer_id=customer_id)
        )


def fill(path: str, uzi: SampleContact, customer_id: int = OWN_CUSTOMER) -> str:
    return path.format(
        reference=uzi.reference,
        attachment_id=uzi.attachment_id,
        message_id=uzi.message_id,
        **{**CUSTOMERS_PATH_IDS, "customer_id": customer_id},
        **USER_ADMIN_PATH_IDS,
        **WORK_ADMIN_PATH_IDS,
        **MAIL_PATH_IDS,
        **WEBFORM_PATH_IDS,
        **SIGNALS_PATH_IDS,
        **RECORDS_PATH_IDS,
    )


def request_body(method: str, path: str, uzi: SampleContact, assignee_id: int) -> dict:
    """A valid body, so that the check under test (not input validation) answers."""
    if (method, path) in WORK_ROUTES:
        return work_body(method, path, uzi, assignee_id)
    if (method, path) in WORK_ADMIN_ROUTES:
        return work_admin_body(method, path)
    if method != "POST":
        return {}
    api = path.startswith("/api/")
    if path.endswith(("/signal", "/signals")):
        return {"json": {"note": "komt steeds terug"}} if api else {"data": {"note": "terug"}}
    if path.endswith("/notes"):
        return {"json": {"body": "notitie"}} if api else {"data": {"body": "notitie"}}
    if path.endswith("/close"):
        body = {"reason_id": uzi.reason_id}
        return {"json": body} if api else {"data": body}
    if path.endswith("/assign"):
        body = {"user_id": assignee_id}
        return {"json": body} if api else {"data": body}
    if path.endswith("/reply"):
        return {"data": {"text": "Geachte heer"}}
    if path.endswith("/reply-address"):
        return {"data": {"address": "someone@example.org"}}
    if (method, path) in RECORDS_ROUTES:
        return records_body(method, path, uzi)
    if (method, path) in PHONE_ROUTES:
        return phone_body(method, path, uzi)
    if (method, path) in USER_ADMIN_ROUTES:
        return user_admin_body(method, path, uzi)
    if (method, path) in CUSTOMERS_ROUTES:
        return customers_body(method, path, uzi)
    if path == "/dev/send":
        return {"data": {"product_id": str(uzi.product_id), "from_address": "a@example.test"}}
    return {}


def expected_status(rule: Rule, actor: str | None, dev_tools: bool) -> int | None:
    """The status the route must answer, or None when any non-denial answer is fine."""
    if rule.dev and not dev_tools:
        return 404
    if rule.roles is PUBLIC:
        return None
    if actor is None:
        return 401
    if ROLE_OF[actor] not in rule.roles:
        return 403
    if rule.scoped and actor not in SEES_UZI:
        return 404
    return None


@pytest_asyncio.fixture
async def world(db, settings, temporal_env):
    """Seeded demo data, one BIG and one UZI contact, and logged-in clients per actor."""
    await seeded(db)
    await make_contact(db, "BIG", 1)
    uzi = await make_contact(db, "UZI", 2)
    await link_customer(db, uzi, OWN_CUSTOMER)
    assignee = await user_id(db, "agent")
    return db, settings, temporal_env.client, uzi, assignee


async def walk(app, db, uzi: SampleContact, assignee: int, dev_tools: bool) -> list[str]:
    """Every (route, actor) pair; returns the mismatches as readable lines."""
    problems: list[str] = []
    clients = {None: client_for(app)}
    csrf: dict[str | None, str] = {None: ""}
    for actor in ACTORS:
        clients[actor] = client_for(app)
        csrf[actor] = await login(clients[actor], db, actor)
    try:
        for (method, path), rule in sorted(ROUTES.items()):
            for actor in (None, *ACTORS):
                want = expected_status(rule, actor, dev_tools)
                if want is None and (not rule.exercise or actor is None or rule.login_csrf):
                    continue
                headers = {**JSON, "X-CSRF-Token": csrf[actor]}
                response = await clients[actor].request(
                    method,
                    fill(path, uzi),
                    headers=headers,
                    **request_body(method, path, uzi, assignee),
                )
                got = response.status_code
                bad = got != want if want is not None else got in (401, 403, 404)
                if bad:
                    problems.append(f"{method} {path} as {actor}: got {got}, want {want or 'ok'}")
    finally:
        for client in clients.values():
            await client.aclose()
    return problems


async def test_every_route_is_classified(db, settings):
    async with running_app(settings, db) as app:
        unclassified = app_routes(app) - set(ROUTES)
        stale = set(ROUTES) - app_routes(app)
    assert not unclassified, f"classify these routes in ROUTES: {sorted(unclassified)}"
    assert not stale, f"ROUTES names routes that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("dev_tools", [False, True])
async def test_every_route_for_every_role(world, dev_tools):
    db, settings, temporal, uzi, assignee = world
    async with running_app(settings, db, temporal, dev_tools=dev_tools) as app:
        problems = await walk(app, db, uzi, assignee, dev_tools)
    assert not problems, "\n".join(problems)


def stranger_status(rule: Rule, actor: str | None) -> int:
    if actor is None:
        return 401
    return 403 if ROLE_OF[actor] not in rule.roles else 404


async def test_customer_routes_for_a_customer_without_a_contact_in_the_viewers_products(world):
    """Every customer route about customer 2 (no contact anywhere): 401 anonymous, 403 for
    a role without the function, 404 for every role with it: need-to-know, not "forbidden"."""
    db, settings, temporal, uzi, assignee = world
    about_a_customer = {
        key: Rule(**rule)
        for key, rule in CUSTOMERS_ROUTES.items()
        if "{customer_id}" in key[1] and rule.get("exercise", True)
    }
    problems = []
    async with running_app(settings, db, temporal) as app:
        clients = {None: client_for(app)}
        csrf = {None: ""}
        for actor in ACTORS:
            clients[actor] = client_for(app)
            csrf[actor] = await login(clients[actor], db, actor)
        for (method, path), rule in sorted(about_a_customer.items()):
            for actor in (None, *ACTORS):
                want = stranger_status(rule, actor)
                response = await clients[actor].request(
                    method,
                    fill(path, uzi, STRANGER),
                    headers={**JSON, "X-CSRF-Token": csrf[actor]},
                    **request_body(method, path, uzi, assignee),
                )
                if response.status_code != want:
                    got = response.status_code
                    problems.append(f"{method} {path} as {actor}: got {got}, want {want}")
        for client in clients.values():
            await client.aclose()
    assert len(about_a_customer) >= 10
    assert not problems, "\n".join(problems)


async def test_every_state_change_needs_csrf(world):
    db, settings, temporal, uzi, assignee = world
    async with running_app(settings, db, temporal, dev_tools=True) as app:
        clients = {}
        problems = []
        for actor in ACTORS:
            clients[actor] = client_for(app)
            await login(clients[actor], db, actor)
        for method, path in sorted(ROUTES):
            if method in ("GET", "OPTIONS"):  # OPTIONS: CORS preflights (codec server)
                continue
            rule = ROUTES[(method, path)]
            if rule.roles is PUBLIC and not rule.login_csrf:  # no session: nothing to forge
                continue
            for actor in ACTORS:  # logged in, but no token
                response = await clients[actor].request(
                    method,
                    fill(path, uzi),
                    headers=JSON,
                    **request_body(method, path, uzi, assignee),
                )
                if response.status_code != 403:
                    problems.append(f"{method} {path} as {actor}: {response.status_code}")
        for client in clients.values():
            await client.aclose()
    assert not problems, "\n".join(problems)


async def test_agent_without_uzi_never_sees_uzi_work(world):
    db, settings, temporal, uzi, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        await login(client, db, "agent2")
        tasks = (await client.get("/api/tasks")).json()["items"]
        assert [t["reference"] for t in tasks] == ["KCC-1999-000001"]
        only_uzi = (await client.get(f"/api/tasks?product={uzi.product_id}")).json()["items"]
        assert only_uzi == []
        for status in ("open", "claimed", "done"):
            page = await client.get(f"/?status={status}", headers={"Accept": "text/html"})
            assert uzi.reference not in page.text
        page = await client.get("/inbox/rows", headers={"Accept": "text/html"})
        assert "KCC-1999-000001" in page.text and uzi.reference not in page.text


async def test_html_denials_are_pages_not_json(world):
    db, settings, temporal, uzi, _ = world
    async with running_app(settings, db, temporal) as app, client_for(app) as client:
        await login(client, db, "agent2")
        page = await client.get(f"/contacts/{uzi.reference}", headers={"Accept": "text/html"})
        assert page.status_code == 404 and "<html" in page.text
