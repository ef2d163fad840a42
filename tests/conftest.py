"""Shared fixtures: real PostgreSQL and real Temporal on loopback.

- PostgreSQL: the embedded server (a throw-away data folder), or an external one
  named by PULSE_TEST_DATABASE_URL. Migrations are applied once per session;
  ``db`` truncates every table before a test.
- Temporal: the time-skipping test server (``temporal_env``) for timers, and the
  dev server (``temporal_dev``) where a test needs real time and visibility.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from argon2 import PasswordHasher
from sqlalchemy import text
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.testing import WorkflowEnvironment

import services.security
from adapters.temporal.setup import ensure_search_attributes
from config.settings import Settings, load_settings
from contracts.contact import SEARCH_ATTRIBUTES
from db.migrate import upgrade
from db.session import make_engine, make_sessionmaker
from devstack.binaries import temporal_cli, temporal_test_server

pytest_plugins = ["tests.mailservers"]

# Passwords in the tests are argon2id hashed and verified for real, at argon2's lowest
# cost: production's (about 0.2 s a hash, on purpose) over the suite's hundreds of
# logins and seeded users cost minutes. A hash carries its own parameters, so the
# production code path is the same. (Processes the tests start keep the real cost.)
services.security._hasher = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pulse_data_converter():
    """The converter every PULSE process uses (adapters.temporal.codec: encrypted payloads). Tests
    that start a Temporal environment of their own pass it too, so clients, workers
    and the API in a test all agree."""
    from adapters.temporal.codec import data_converter

    return data_converter(load_settings(environment="test"))


@pytest.fixture(scope="session")
def database_url() -> str:
    external = os.environ.get("PULSE_TEST_DATABASE_URL")
    if external:
        upgrade(load_settings(database_url=external).database_url)
        yield load_settings(database_url=external).database_url
        return
    from devstack.postgres import EmbeddedPostgres

    root = Path(tempfile.mkdtemp(prefix="pulse-test-pg-"))
    pg = EmbeddedPostgres(root / "data", free_port()).start()
    try:
        upgrade(pg.url)
        yield pg.url
    finally:
        pg.stop()


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory) -> Settings:
    return load_settings(
        environment="test",
        database_url=database_url,
        data_dir=tmp_path_factory.mktemp("pulse-data"),
        demo_skip_totp=False,
        reopen_days=14,
    )


@pytest_asyncio.fixture(scope="session")
async def engine(settings: Settings):
    eng = make_engine(settings)
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture(scope="session")
async def sessionmaker(engine):
    return make_sessionmaker(engine)


TABLES_IN_TRUNCATE_ORDER = (
    "audit_events, contact_events, tasks, notes, attachments, messages, contacts, "
    "contact_reasons, customer_emails, customers, web_sessions, accreditations, users, "
    "products, blobs, "
    "destruction_certificates, destruction_items, destruction_lists, contact_records, "
    "retention_classes, privacy_requests, "
    # the tables without a foreign key to the ones above
    "office_calendars, closing_days, klopt_ids"
)


@pytest_asyncio.fixture
async def db(engine, sessionmaker):
    """A clean database for the test; yields the sessionmaker."""
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {TABLES_IN_TRUNCATE_ORDER} RESTART IDENTITY CASCADE"))
    return sessionmaker


@pytest_asyncio.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """The time-skipping test server: timers of days pass in milliseconds."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server(),
        data_converter=pulse_data_converter(),
    )
    await ensure_search_attributes(env.client, "default")
    yield env
    await env.shutdown()


@pytest_asyncio.fixture(scope="session")
async def temporal_dev() -> AsyncIterator[WorkflowEnvironment]:
    """The real dev server (SQLite in memory), with PULSE's search attributes."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(),
        search_attributes=[SearchAttributeKey.for_keyword(n) for n in SEARCH_ATTRIBUTES],
        dev_server_log_level="error",
        ui=False,
        data_converter=pulse_data_converter(),
    )
    yield env
    await env.shutdown()


@pytest.fixture
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client
