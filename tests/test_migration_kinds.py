"""Migration 0005 turns the bot flag into kinds on SQLite and PostgreSQL: bots stay bots,
the rest are people, nothing is settled yet, and the rollups start over."""

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from webapp.db import make_engine
from webapp.migrate import alembic_config

SCHEMA = "migration_kinds"


def _upgrade(engine, revision: str) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def _engine(backend: str, request, tmp_path):
    """A fresh SQLite file, or a schema of its own on the test PostgreSQL server."""
    if backend == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    url = request.getfixturevalue("postgres_url")
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    return create_engine(url, connect_args={"options": f"-csearch_path={SCHEMA}"})


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgresql)])
def test_bot_flags_become_kinds(backend, request, tmp_path):
    engine = _engine(backend, request, tmp_path)
    try:
        _upgrade(engine, "0004")
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO link_clicks (tracking_id, clicked_at, received_at, is_bot) VALUES "
                "('t', '2025-01-01 10:00:00', '2025-01-01 10:00:00', :bot), "
                "('t', '2025-01-01 11:00:00', '2025-01-01 11:00:00', :person)"),
                {"bot": True, "person": False})
            connection.execute(text(
                "INSERT INTO link_days VALUES (:bot, 't', '', '2025-01-01', 1, "
                "'2025-01-01 10:00:00', '2025-01-01 10:00:00')"), {"bot": True})
            connection.execute(text("INSERT INTO read_marks VALUES ('rollups', 2)"))
        _upgrade(engine, "head")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT kind, reason, rules_version FROM link_clicks ORDER BY id")).all()
            assert [tuple(row) for row in rows] == [("bot", None, None), ("person", None, None)]
            assert connection.scalar(text("SELECT count(*) FROM link_days")) == 0
            assert connection.scalar(text("SELECT count(*) FROM read_marks")) == 0
    finally:
        if backend == "postgresql":
            with engine.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
        engine.dispose()
