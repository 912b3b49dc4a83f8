"""Store a validated batch: one transaction, one bulk insert, duplicates skipped by the
unique indexes on event_id and on (clicked_at, dedup_key): safe under concurrent senders,
no read-then-write.

The insert goes straight to the driver: no ORM object and no per-row SQLAlchemy bind
processing on the hottest path. Each backend gets its fastest bulk form."""

from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter

from sqlalchemy import Connection, select

from webapp.database.db import Database
from webapp.kinds import PERSON, ingest_verdict
from webapp.models import LinkClick, TrackingLink

_links = TrackingLink.__table__
# Every column the door writes, in insert order, with its PostgreSQL array type for unnest.
_COLUMN_TYPES = {
    "tracking_id": "text", "clicked_at": "timestamp", "received_at": "timestamp",
    "ip_address": "text", "user_agent": "text", "click_source": "text", "referrer_url": "text",
    "session_id": "text", "metadata": "json", "event_id": "text", "dedup_key": "bigint",
    "kind": "text", "reason": "text", "api_key_id": "integer",
}
COLUMNS = tuple(_COLUMN_TYPES)
_COLUMN_LIST = ", ".join(COLUMNS)
_TABLE = LinkClick.__tablename__

_SQLITE_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) VALUES ({', '.join('?' for _ in COLUMNS)}) "
    "ON CONFLICT DO NOTHING"
)
_POSTGRES_INSERT = (
    f"INSERT INTO {_TABLE} ({_COLUMN_LIST}) SELECT * FROM unnest("
    + ", ".join(f"%s::{kind}[]" for kind in _COLUMN_TYPES.values())
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


def _complete(rows: list[dict], received_at, api_key_id, timestamp) -> None:
    """Give each validated row (the batch's own dicts) every column the store adds: the
    user-agent verdict is the costly part, so this runs before any write lock is taken."""
    received = timestamp(received_at)
    for row in rows:
        row["clicked_at"] = timestamp(row["clicked_at"])
        row["received_at"] = received
        # Provisional: the settler judges the click with its neighbours within 30 s.
        verdict = ingest_verdict(row["user_agent"])
        row["kind"], row["reason"] = verdict.kind or PERSON, verdict.reason
        row["api_key_id"] = api_key_id


_in_column_order = itemgetter(*COLUMNS)


def _sqlite_records(rows: list[dict]) -> list[tuple]:
    """One parameter tuple per row, in COLUMNS order, for executemany."""
    return [_in_column_order(row) for row in rows]


def _postgres_arrays(rows: list[dict]) -> list[list]:
    """One array per column, in COLUMNS order, for unnest."""
    return [[row[name] for row in rows] for name in COLUMNS]


def store_batch(db: Database, rows: list[dict], received_at, api_key_id: int | None) -> StoreOutcome:
    """Insert rows all or nothing; a database error leaves nothing of the batch behind."""
    if db.is_sqlite:
        _complete(rows, received_at, api_key_id, _sqlite_timestamp)
        records = _sqlite_records(rows)
        # Read before queueing for SQLite's one writer: the lock is held only to insert.
        with db.engine.connect() as connection:
            unmatched = count_unmatched(connection, rows)
        with db.write_transaction() as connection, _cursor(connection) as cursor:
            cursor.executemany(_SQLITE_INSERT, records)
            inserted = cursor.rowcount
    else:
        _complete(rows, received_at, api_key_id, lambda moment: moment)
        arrays = _postgres_arrays(rows)
        # One transaction on one connection: on PostgreSQL each extra one is a round trip.
        with db.write_transaction() as connection, _cursor(connection) as cursor:
            unmatched = count_unmatched(connection, rows)
            cursor.execute(_POSTGRES_INSERT, arrays)
            inserted = cursor.rowcount
    return StoreOutcome(inserted=inserted, duplicates=len(rows) - inserted, unmatched=unmatched)


@contextmanager
def _cursor(connection: Connection):
    """The driver's own cursor: the bulk insert skips SQLAlchemy's per-row processing."""
    cursor = connection.connection.driver_connection.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
