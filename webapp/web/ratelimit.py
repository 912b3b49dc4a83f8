"""Fixed-window request counters kept in the database, so every worker process (and every
host sharing a PostgreSQL database) sees one count per key."""

import re
import time
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Connection, delete

from webapp.database.db import dialect_insert
from webapp.models import RateLimitWindow

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE)
_table = RateLimitWindow.__table__


@dataclass(frozen=True)
class Rate:
    limit: int
    period_seconds: int


@lru_cache(maxsize=32)
def parse_rate(text: str) -> Rate:
    """Read the usual "120/minute" form; an unreadable setting is an error, not no limit."""
    match = _RATE.match(text)
    if not match or int(match.group(1)) < 1:
        raise ValueError(f"rate limit must look like '120/minute', not {text!r}")
    return Rate(int(match.group(1)), _UNITS[match.group(2).lower()])


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current window ends


def hit(connection: Connection, bucket: str, rate: Rate, now: float | None = None) -> Verdict:
    """Count one request against bucket inside the caller's write transaction."""
    now = time.time() if now is None else now
    window = int(now // rate.period_seconds)
    statement = dialect_insert(connection, _table).values(bucket=bucket, window_start=window, hits=1)
    statement = statement.on_conflict_do_update(
        index_elements=[_table.c.bucket, _table.c.window_start],
        set_={"hits": _table.c.hits + 1},
    ).returning(_table.c.hits)
    hits = connection.execute(statement).scalar_one()
    if hits == 1:  # first request of a new window: forget the bucket's older windows
        connection.execute(
            delete(_table).where(_table.c.bucket == bucket, _table.c.window_start < window)
        )
    retry_after = max(1, int((window + 1) * rate.period_seconds - now + 0.999))
    return Verdict(allowed=hits <= rate.limit, retry_after=retry_after)
