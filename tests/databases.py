"""Real test databases: a migrated SQLite file per test, and the local PostgreSQL server."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from webapp.database.db import make_engine
from webapp.database.migrate import upgrade
from webapp.models import Base

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def migrated_sqlite_template(directory: Path) -> Path:
    """Migrate once; each test then copies the file, which is much faster than migrating."""
    template = directory / "template.db"
    engine = make_engine(f"sqlite:///{template}")
    upgrade(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return template


def fresh_sqlite_url(template: Path, directory: Path) -> str:
    target = directory / "test.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def prepare_postgres() -> str:
    """Rebuild the schema from the migrations; skip (fail in CI) when the server is down."""
    engine = make_engine(POSTGRES_URL)
    try:
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(engine)
    except Exception as problem:  # noqa: BLE001 - any failure to reach the server
        engine.dispose()
        message = f"PostgreSQL at {POSTGRES_URL} is not usable: {problem}"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    engine.dispose()
    return POSTGRES_URL


def empty_postgres(url: str) -> None:
    engine = make_engine(url)
    tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
