"""Apply Alembic migrations programmatically (on every start; a no-op when current)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
MIGRATION_LOCK = 727601  # pg advisory lock id: API, worker and intake start together


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as lock_conn:
            lock_conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            try:
                # "heads": feature areas may add migration branches; all of them apply.
                command.upgrade(alembic_config(database_url), "heads")
            finally:
                lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                lock_conn.commit()
    finally:
        engine.dispose()
