"""Who sees which reports: agents and admins none (403); trafficers only their own
products; figures per agent for managers only, and not at all when an admin switches
them off; CSV and Excel export; bad input answered with a clear 400."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from services.reports.export import XLSX_TYPE
from tests.api_support import JSON, client_for, login, running_app
from tests.reports_history import seed_history

WEEK = {"period": "custom", "first": "2026-03-02", "last": "2026-03-08"}


@pytest.fixture
async def app_and_history(db, settings):
    history = await seed_history(db)
    async with running_app(settings, db) as app:
        app.state.test_clients = []
        yield app, history
        for client in app.state.test_clients:
            await client.aclose()


async def client_as(app, db, username: str):
    client = client_for(app)
    app.state.test_clients.append(client)
    csrf = await login(client, db, username)
    return client, csrf


async def test_agents_and_admins_get_no_reports(app_and_history, db):
    app, _ = app_and_history
    for username in ("agent", "admin"):
        client, _ = await client_as(app, db, username)
        assert (await client.get("/api/reports", headers=JSON)).status_code == 403
        assert (await client.get("/reports")).status_code == 403
        assert (await client.get("/reports/export.csv")).status_code == 403
        assert (await client.get("/reports/export.xlsx")).status_code == 403


async def test_trafficer_sees_only_own_products(app_and_history, db):
    app, h = app_and_history
    client, _ = await client_as(app, db, "trafficer")  # BIG, UZI, DONOR
    params = {**WEEK, "report": "volumes"}
    body = (await client.get("/api/reports", params=params, headers=JSON)).json()
    products = {row["reports.col.product"] for row in body["tables"][0]["rows"]}
    assert products == {"BIG", "UZI"}
    assert body["previous_period"] == {"first": "2026-02-23", "last": "2026-03-01"}
    other = {**params, "product": str(h.products["FARMATEC"])}
    assert (await client.get("/api/reports", params=other, headers=JSON)).status_code == 404
    page = (await client.get("/reports", params=params)).text
    assert "FARMATEC" not in page and "BIG" in page
    agents = {**WEEK, "report": "agents"}
    assert (await client.get("/api/reports", params=agents, headers=JSON)).status_code == 403
    assert "report=agents" not in page


async def test_manager_sees_agents_until_switched_off(app_and_history, db):
    app, _ = app_and_history
    manager, _ = await client_as(app, db, "manager")
    admin, admin_csrf = await client_as(app, db, "admin")
    params = {**WEEK, "report": "agents"}
    body = (await manager.get("/api/reports", params=params, headers=JSON)).json()
    assert body["tables"][0]["rows"][0] == {
        "reports.col.agent": "Anna Agent",
        "reports.col.closed": 1,
        "reports.col.calls": 4,
        "reports.col.aht": 220.0,
    }
    assert "report=agents" in (await manager.get("/reports", params=WEEK)).text
    saved = await admin.post("/reports/settings", data={"csrf_token": admin_csrf})
    assert saved.status_code == 303
    assert (await manager.get("/api/reports", params=params, headers=JSON)).status_code == 403
    assert "report=agents" not in (await manager.get("/reports", params=WEEK)).text
    await admin.post("/reports/settings", data={"csrf_token": admin_csrf, "agent_figures": "on"})
    assert (await manager.get("/api/reports", params=params, headers=JSON)).status_code == 200


async def test_csv_export_and_bad_input(app_and_history, db):
    app, h = app_and_history
    client, _ = await client_as(app, db, "manager")  # English
    params = {**WEEK, "report": "phone", "product": str(h.products["BIG"]), "table": "0"}
    response = await client.get("/reports/export.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["Product", "Queue", "Target (s)", "Offered"]
    assert rows[1][0] == "BIG" and rows[1][3:7] == ["5", "3", "2", "50.0"]
    before = await client.get("/reports/export.csv", params={**params, "previous": "true"})
    assert list(csv.reader(io.StringIO(before.text)))[1][3] == "1"
    for bad in (
        {"period": "decade"},
        {"period": "custom", "first": "2026-03-08", "last": "2026-03-01"},
        {"period": "custom", "first": "gisteren", "last": "2026-03-01"},
        {"channel": "pigeon"},
        {"line": "7"},
        {"report": "nonsense"},
        {"table": "9"},
    ):
        got = await client.get("/reports/export.csv", params={**params, **bad})
        assert got.status_code == 400, bad
        assert got.json()["detail"]
        page = await client.get("/reports", params={**params, **bad})
        assert page.status_code in (400, 200), bad


async def test_xlsx_export_one_table_and_whole_report(app_and_history, db):
    app, h = app_and_history
    client, _ = await client_as(app, db, "manager")  # English
    params = {**WEEK, "report": "phone", "product": str(h.products["BIG"])}
    one = await client.get("/reports/export.xlsx", params={**params, "table": "0"})
    assert one.status_code == 200
    assert one.headers["content-type"].startswith(XLSX_TYPE)
    book = load_workbook(io.BytesIO(one.content), read_only=True)
    (sheet,) = book.worksheets
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0][:4]) == ["Product", "Queue", "Target (s)", "Offered"]
    assert rows[1][0] == "BIG" and list(rows[1][3:7]) == [5, 3, 2, 50.0]  # numbers stay numbers
    whole = await client.get("/reports/export.xlsx", params=params)
    book = load_workbook(io.BytesIO(whole.content), read_only=True)
    names = book.sheetnames
    assert len(names) % 2 == 0 and len(names) >= 2  # each table, for both periods
    assert all(len(n) <= 31 for n in names) and names[len(names) // 2].endswith("(-)")
    bad = await client.get("/reports/export.xlsx", params={**params, "table": "9"})
    assert bad.status_code == 400 and bad.json()["detail"]
    refused = await client.get("/reports/export.xlsx", params={**params, "period": "decade"})
    assert refused.status_code == 400
