"""The TOPdesk client against the fake over HTTP: each failure sorted by what to do
about it (retry later, tell an admin, never retry), and the lookups' shapes."""

from __future__ import annotations

import httpx
import pytest

from adapters.topdesk.client import (
    NewIncident,
    TopdeskClient,
    TopdeskNotConfigured,
    TopdeskRejected,
    TopdeskUnauthorized,
    TopdeskUnavailable,
)
from config.settings import load_settings
from devstack.topdesk_fake import FakeTopdesk, running_fake
from tests.conftest import free_port


def settings_for(url: str | None, wrong_login: bool = False):
    return load_settings(
        environment="test",
        topdesk_url=url,
        topdesk_login="not-pulse" if wrong_login else FakeTopdesk.login,
        topdesk_app_password=FakeTopdesk.app_password,
        topdesk_timeout_seconds=2,
    )


NEW = NewIncident("Kaartlezer stuk", "Hij leest niets.", "KCC-2026-000001", "jan@example.nl", "Jan")


async def test_failures_are_sorted_and_a_known_caller_is_looked_up():
    async with running_fake(free_port()) as fake:
        client = TopdeskClient(settings_for(fake.base_url))
        try:
            for status, kind in (
                (401, TopdeskUnauthorized),
                (429, TopdeskUnavailable),
                (500, TopdeskUnavailable),
                (503, TopdeskUnavailable),
            ):
                fake.fail_next(1, status)
                with pytest.raises(kind):
                    await client.statuses()
            with pytest.raises(TopdeskRejected):
                await client.create_incident(NewIncident("x" * 81, "", "E-1", "", "Someone"))
            made = await client.create_incident(NEW)
            assert made["caller"]["id"] == "person-jan"  # callerLookup by email
            assert await client.find_by_external_number(NEW.external_number) == made
            assert await client.find_by_external_number("nothing") is None
            assert (await client.incident_by_number(made["number"]))["id"] == made["id"]
            assert await client.progress_trail(made["id"]) == []
            groups = await client.operator_groups()
            assert {g.name for g in groups} >= {"Servicedesk"}
            subs = await client.subcategories()
            assert all(s.parent_id for s in subs)
        finally:
            await client.aclose()
        wrong = TopdeskClient(settings_for(fake.base_url, wrong_login=True))
        with pytest.raises(TopdeskUnauthorized):
            await wrong.categories()
        await wrong.aclose()


async def test_unreachable_is_unavailable_and_no_url_is_not_configured():
    client = TopdeskClient(settings_for(f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(TopdeskUnavailable):
        await client.incident("x")
    await client.aclose()
    with pytest.raises(TopdeskNotConfigured):
        TopdeskClient(settings_for(None))


async def test_the_fakes_operator_knobs_over_http():
    """What a person trying ``make run`` does as the TOPdesk operator."""
    async with running_fake(free_port()) as fake:
        client = TopdeskClient(settings_for(fake.base_url))
        try:
            made = await client.create_incident(NEW)
            knob = f"{fake.base_url}/fake/incidents/{made['number']}"
            async with httpx.AsyncClient() as http:
                assert (await http.post(f"{knob}/status", data={"name": "In progress"})).is_success
                assert (await http.post(f"{knob}/status", data={"name": "Nope"})).status_code == 400
                assert (await http.post(f"{knob}/action", data={"text": "Opgelost"})).is_success
                assert (await http.post(f"{knob}/close")).json()["closed"] is True
                assert (
                    await http.post(f"{fake.base_url}/fake/fail", data={"status": "x"})
                ).status_code == 400
            trail = await client.progress_trail(made["id"])
            assert [e["plainText"] for e in trail] == ["Opgelost"]
        finally:
            await client.aclose()
