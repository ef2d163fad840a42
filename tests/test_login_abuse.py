"""Login as a tool of abuse: a flood from one address is refused (429) without locking
the account, the real user still logs in from elsewhere, and there is a global limit."""

from __future__ import annotations

import time

import httpx
from sqlmodel import select

from db.models.contacts import User
from devstack.demo.seed import DEMO_PASSWORD
from services.auth.throttle import LoginThrottle
from tests.api_support import BASE_URL, post_password, running_app, seeded


def client_at(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=BASE_URL)


async def test_a_flood_from_one_address_gets_429_and_the_user_still_logs_in(db, settings):
    await seeded(db)
    async with running_app(settings, db) as app:
        statuses = []
        cpu_before, wall_before = time.process_time(), time.perf_counter()
        async with client_at(app, "203.0.113.9") as attacker:
            for attempt in range(30):
                answer = await post_password(attacker, "admin", f"guess-{attempt}")
                statuses.append(answer.status_code)
        cpu = time.process_time() - cpu_before
        wall = time.perf_counter() - wall_before
        async with client_at(app, "198.51.100.7") as colleague:
            real = await post_password(colleague, "admin", DEMO_PASSWORD)
    refused = statuses.count(429)
    print(f"login flood: 30 attempts, 401={statuses.count(401)} 429={refused}")
    print(f"login flood: cpu_held_s={cpu:.2f} wall_s={wall:.2f}")
    assert refused >= 20 and set(statuses) <= {401, 429}, statuses
    assert statuses[-1] == 429
    assert real.status_code == 303, real.text  # the account is not locked
    async with db() as s:
        admin = (await s.exec(select(User).where(User.username == "admin"))).one()
    assert admin.locked_until is None


async def test_the_refusal_says_when_to_come_back(db, settings):
    await seeded(db)
    limited = running_app(settings, db, login_address_attempts_per_minute=2)
    async with limited as app, client_at(app, "203.0.113.10") as client:
        for _ in range(2):
            await post_password(client, "agent", "wrong")
        refused = await post_password(client, "agent", DEMO_PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    assert "Te veel inlogpogingen" in refused.text


async def test_a_global_limit_over_all_addresses(db, settings):
    await seeded(db)
    async with running_app(settings, db, login_global_attempts_per_minute=5) as app:
        statuses = []
        for n in range(8):
            async with client_at(app, f"192.0.2.{n + 1}") as client:
                statuses.append((await post_password(client, "agent", "wrong")).status_code)
    assert statuses[:5] == [401] * 5 and statuses[5:] == [429] * 3


def test_the_address_lock_comes_before_and_ends():
    now = [0.0]
    throttle = LoginThrottle(100, 1000, 3, 60, 1, clock=lambda: now[0])
    for _ in range(3):
        assert throttle.admit("a") is None
        throttle.failed("a")
    assert throttle.admit("a") is not None  # locked
    assert throttle.admit("b") is None  # another address is not
    now[0] = 61
    assert throttle.admit("a") is None


async def test_password_checks_are_capped():
    throttle = LoginThrottle(100, 1000, 3, 60, concurrent_checks=1)
    throttle._waiting = throttle._max_waiting  # as if that many were queued
    assert await throttle.check(lambda: True) is None
    throttle._waiting = 0
    assert await throttle.check(lambda: True) is True
