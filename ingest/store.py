"""Store a validated batch: one transaction, one bulk insert, duplicates skipped by the
unique indexes on event_id and on (clicked_at, dedup_key): safe under concurrent senders,
no read-then-write.

The insert goes straight to the driver: no ORM object and no per-row SQLAlchemy bind
processing on the hottest path. Each backend gets its fastest bulk form."""

from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, select

from webapp.db import Database
from webapp.kinds import PERSON, agent_verdict
from webapp.models import LinkClick, TrackingLink

_links = TrackingLink.__table__
COLUMNS = ("tracking_id", "clicked_at", "received_at", "ip_address", "user_agent",
           "click_source", "referrer_url", "session_id", "metadata", "event_id", "dedup_key",
           "kind", "reason", "api_key_id")
_COLUMN_LIST = ", ".join(COLUMNS)
_TABLE = LinkClick.__tablename__

_SQLITE_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
    "ON CONFLICT DO NOTHING"
)
_POSTGRES_TYPES = ("text", "timestamp", "timestamp", "text", "text", "text", "text", "text",
                   "json", "text", "bigint", "text", "text", "integer")
_POSTGRES_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT * FROM unnest("
    + ", ".join(f"%s::{kind}[]" for kind in _POSTGRES_TYPES)
    + ") ON CONFLICT DO NOTHING"
)


@dataclass(frozen=True)
class StoreOutcome:
    inserted: int
    duplicates: int
    unmatched: int


def count_unmatched(connection: Connection, rows: list[dict]) -> int:
    """How many rows carry a tracking_id that no registered link knows (yet). One job
    seeker's links are a few hundred rows: reading them all is cheaper than binding a
    batch's ids into an IN list (measured 1.3 ms for 300 ids)."""
    known = set(connection.execute(select(_links.c.tracking_id)).scalars())
    return sum(1 for row in rows if row["tracking_id"] not in known)


def _sqlite_timestamp(moment) -> str:
    """SQLAlchemy's SQLite DATETIME text, microseconds always present so text order is time order."""
    return moment.isoformat(" ", "microseconds")


def _verdicts(rows: list[dict]) -> list[tuple[str, str]]:
    """(kind, reason) per row from its agent alone, before any write lock; the settler
    settles the final kind."""
    return [(found.kind or PERSON, found.reason)
            for found in map(agent_verdict, (row["user_agent"] for row in rows))]


def _insert_sqlite(cursor, rows: list[dict], verdicts, received_at: str, api_key_id) -> int:
    params = [
        (row["tracking_id"], _sqlite_timestamp(row["clicked_at"]), received_at,
         row["ip_address"], row["user_agent"], row["click_source"], row["referrer_url"],
         row["session_id"], row["metadata"], row["event_id"], row["dedup_key"],
         kind, reason, api_key_id)
        for row, (kind, reason) in zip(rows, verdicts, strict=True)
    ]
    cursor.executemany(_SQLITE_INSERT, params)
    return cursor.rowcount


def _insert_postgres(cursor, rows: list[dict], verdicts, received_at, api_key_id) -> int:
    columns = {name: [row[name] for row in rows] for name in COLUMNS[:11] if name != "received_at"}
    columns["received_at"] = [received_at] * len(rows)
    columns["kind"] = [kind for kind, _reason in verdicts]
    columns["reason"] = [reason for _kind, reason in verdicts]
    columns["api_key_id"] = [api_key_id] * len(rows)
    cursor.execute(_POSTGRES_INSERT, [columns[name] for name in COLUMNS])
    return cursor.rowcount


def store_batch(db: Database, rows: list[dict], received_at, api_key_id: int | None) -> StoreOutcome:
    """Insert rows all or nothing; a database error leaves nothing of the batch behind."""
    verdicts = _verdicts(rows)
    if db.is_sqlite:
        # Read before queueing for SQLite's one writer: the lock is held only to insert.
        with db.engine.connect() as connection:
            unmatched = count_unmatched(connection, rows)
        with db.write_transaction() as connection, _cursor(connection) as cursor:
            inserted = _insert_sqlite(cursor, rows, verdicts, _sqlite_timestamp(received_at),
                                      api_key_id)
    else:
        # One transaction on one connection: on PostgreSQL each extra one is a round trip.
        with db.write_transaction() as connection, _cursor(connection) as cursor:
            unmatched = count_unmatched(connection, rows)
            inserted = _insert_postgres(cursor, rows, verdicts, received_at, api_key_id)
    return StoreOutcome(inserted=inserted, duplicates=len(rows) - inserted, unmatched=unmatched)


@contextmanager
def _cursor(connection: Connection):
    """The driver's own cursor: the bulk insert skips SQLAlchemy's per-row processing."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
