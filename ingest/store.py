"""Store a validated batch: one transaction, one bulk insert, duplicates skipped by the
unique de-duplication index (safe under concurrent senders)."""

from dataclasses import dataclass

from sqlalchemy import Connection, select

from ingest.bots import is_bot
from webapp.db import Database, dialect_insert
from webapp.models import LinkClick, TrackingLink

_clicks = LinkClick.__table__
_links = TrackingLink.__table__


@dataclass(frozen=True)
class StoreOutcome:
    inserted: int
    duplicates: int
    unmatched: int


def count_unmatched(connection: Connection, rows: list[dict]) -> int:
    """How many rows carry a tracking_id that no registered link knows (yet)."""
    ids = {row["tracking_id"] for row in rows}
    known = set(
        connection.execute(
            select(_links.c.tracking_id).where(_links.c.tracking_id.in_(ids))
        ).scalars()
    )
    return sum(1 for row in rows if row["tracking_id"] not in known)


def _insert_statement(connection: Connection):
    return (
        dialect_insert(connection, _clicks)
        .on_conflict_do_nothing(index_elements=[_clicks.c.dedup_key])
        .returning(_clicks.c.id)
    )


def store_batch(db: Database, rows: list[dict], api_key_id: int | None) -> StoreOutcome:
    """Insert rows all or nothing; a database error leaves nothing of the batch behind."""
    for row in rows:
        row["is_bot"] = is_bot(row["user_agent"])
        row["api_key_id"] = api_key_id
    with db.engine.connect() as connection:
        unmatched = count_unmatched(connection, rows)
    with db.write_transaction() as connection:
        # Rows skipped as duplicates return no id, on every backend (rowcount does not).
        inserted = len(connection.execute(_insert_statement(connection), rows).all())
    return StoreOutcome(inserted=inserted, duplicates=len(rows) - inserted, unmatched=unmatched)
