"""The Alembic migrations produce exactly the schema the SQLModel models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables)


def test_models_and_migrations_agree(database_url):
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"write a migration for: {diff}"
