"""Migrations that move data, on SQLite and PostgreSQL: 0005 turns the bot flag into kinds
(bots stay bots, the rest are people, nothing is settled yet, the rollups start over); 0007
refills visitor days by link from the clicks already folded, and only those; 0008 moves the
dispatcher's lease into the one lease table and drops the settler's old one."""

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from webapp.database.db import make_engine
from webapp.database.migrate import alembic_config

SCHEMA = "migration_data"


def _upgrade(engine, revision: str) -> None:
    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def engine(request, tmp_path):
    """A fresh SQLite file, or a schema of its own on the test PostgreSQL server."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url = request.getfixturevalue("postgres_url")
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine = create_engine(url, connect_args={"options": f"-csearch_path={SCHEMA}"})
    yield engine
    engine.dispose()
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {SCHEMA} CASCADE"))
    admin.dispose()


def test_bot_flags_become_kinds(engine):
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


def test_the_dispatchers_lease_moves_and_the_settlers_old_one_goes(engine):
    _upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO alert_leases VALUES "
                                "('alerts-dispatcher', 'host:1:ab', '2030-01-01 10:00:00')"))
        connection.execute(text("INSERT INTO read_marks VALUES ('settler', 1234), "
                                "('settled', 99)"))
    _upgrade(engine, "head")
    with engine.connect() as connection:
        assert [tuple(row) for row in connection.execute(text(
            "SELECT name, holder FROM leases WHERE expires_at > '2029-12-31'")).all()] == [
            ("alerts-dispatcher", "host:1:ab")]
        assert connection.execute(text("SELECT name, last_id FROM read_marks")).all() == [
            ("settled", 99)]


def test_visitor_days_are_refilled_by_link_from_folded_clicks(engine):
    _upgrade(engine, "0006")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO link_clicks (tracking_id, clicked_at, received_at, kind, ip_address)"
            " VALUES ('a', '2025-01-01 10:00:00', '2025-01-01 10:00:00', 'person', '1.1.1.1'),"
            " ('b', '2025-01-01 11:00:00', '2025-01-01 11:00:00', 'person', '1.1.1.1'),"
            " ('a', '2025-01-02 09:00:00', '2025-01-02 09:00:00', 'bot', NULL),"
            " ('c', '2025-01-03 09:00:00', '2025-01-03 09:00:00', 'person', '2.2.2.2')"))
        connection.execute(text(
            "INSERT INTO visitor_days VALUES ('person', '1.1.1.1', '2025-01-01')"))
        connection.execute(text("INSERT INTO read_marks VALUES ('rollups', 3)"))
    _upgrade(engine, "head")
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT kind, ip_address, day, tracking_id FROM visitor_days "
            "ORDER BY tracking_id")).all()
    assert [(kind, ip, str(day), link) for kind, ip, day, link in rows] == [
        ("person", "1.1.1.1", "2025-01-01", "a"), ("person", "1.1.1.1", "2025-01-01", "b")]
