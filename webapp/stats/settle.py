"""Settling: every click's final kind, off the ingest path. Ingest stores what the user agent
says; a settle pass, run every few seconds by the settler loop (and by dashboard reads),
judges the clicks received more than LAG ago together with the clicks around them, and
re-judges settled clicks near them, since a late batch can turn an earlier click into part
of a scan or a burst. Then the fold counts them (webapp.stats.fold folds settled clicks only).

Start it beside the web workers with `tracking-ingest settle --loop`, or run_settler() in a
thread of a process that holds the app."""

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select, update

from webapp.database.db import Database, dialect_insert
from webapp.database.lease import Lease
from webapp.stats.fold import fold
from webapp.stats.rollups import SETTLED, clicks, folded_up_to, marks
from webapp.stats.verdicts import settle_stretch, shifted
from webapp.timeutil import utcnow

log = logging.getLogger(__name__)

# PostgreSQL can commit a lower id after a higher one, but no ingest transaction lives this
# long: every id up to the newest click received before it is committed, so none is skipped.
LAG = timedelta(seconds=10)
# A new click can change the verdict of clicks this close to it in time (bursts, scans and
# double taps span seconds; a monitor's period up to a minute or so).
NEAR = timedelta(minutes=2)
STRETCH = 1000  # clicks judged per write transaction: the write lock is held that long
MAX_NEW = 200_000  # new clicks one pass takes on
PAUSE_SECONDS = 2.0  # between passes of the loop: LAG + PAUSE + a pass stays well under 30 s
# New clicks the background loop takes on per pass: 250 a second is a thousand times what a
# job seeker's links get, and a sender's flood (or a benchmark) then keeps the cores for
# ingest instead of losing a third of them to the settler; a backlog is settled as it
# drains. Commands and exports settle everything due (settle_and_fold).
LOOP_NEW = 500
# While clicks are pouring in (one arrived within BUSY), the loop waits, so a flood keeps
# the cores for ingest; once a due click has waited OVERDUE it settles whatever the load,
# which keeps every click's kind final within 30 s of its arrival.
BUSY = timedelta(seconds=1)
OVERDUE = timedelta(seconds=18)
LEASE = "settler"
LEASE_SECONDS = 60.0
WAIT_SECONDS = 60.0


def spans(moments: Iterable[datetime], near: timedelta) -> list[tuple[datetime, datetime]]:
    """[t - near, t + near] around each moment, overlapping ones merged, as [low, high)."""
    merged: list[list[datetime]] = []
    for moment in sorted(moments):
        low, high = shifted(moment, -near), shifted(moment, near + timedelta(microseconds=1))
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [(low, high) for low, high in merged]


def _stretch_end(connection: Connection, low: datetime, high: datetime | None):
    """Where the stretch from low ends: after about STRETCH clicks, or at high."""
    before_high = [clicks.c.clicked_at < high] if high is not None else []
    end = connection.scalar(
        select(clicks.c.clicked_at).where(clicks.c.clicked_at >= low, *before_high)
        .order_by(clicks.c.clicked_at).offset(STRETCH).limit(1))
    if end is not None and end == low:  # more than STRETCH clicks at one instant
        end = connection.scalar(select(func.min(clicks.c.clicked_at))
                                .where(clicks.c.clicked_at > low, *before_high))
    return high if end is None else end


def settle_span(database: Database, low: datetime, high: datetime | None, lease=None) -> int:
    """Settle every click in [low, high) (high None: to the newest), a stretch at a time;
    returns how many changed."""
    changed = 0
    while high is None or low < high:
        with database.read() as connection:
            end = _stretch_end(connection, low, high)
        changed += settle_stretch(database, low, end)
        if lease is not None:
            lease.hold()
        if end is None:
            break
        low = end
    return changed


def _received_before(connection: Connection, mark: int, cutoff: datetime) -> int:
    """The highest id past the mark received before cutoff (the mark when none is)."""
    newest = connection.scalar(
        select(clicks.c.id).where(clicks.c.id > mark, clicks.c.received_at < cutoff)
        .order_by(clicks.c.id.desc()).limit(1))
    return newest or mark


def _advance(database: Database, newest: int) -> None:
    """Move the settled mark up to newest (never down)."""
    with database.write_transaction() as connection:
        connection.execute(dialect_insert(connection, marks).values(name=SETTLED, last_id=0)
                           .on_conflict_do_nothing())
        connection.execute(update(marks).where(marks.c.name == SETTLED,
                                               marks.c.last_id < newest).values(last_id=newest))


def settle(database: Database, max_new: int = MAX_NEW, wait: bool = False) -> int:
    """One pass: settle the clicks received more than LAG ago that no pass settled yet, with
    their neighbours; returns how many new clicks it took on. Another process's pass holds
    the lease: return at once (wait: until it is done, then run)."""
    with database.read() as connection:
        mark = folded_up_to(connection, SETTLED)
        newest = min(_received_before(connection, mark, utcnow() - LAG), mark + max_new)
    if newest <= mark:
        return 0
    lease = Lease(database, LEASE, LEASE_SECONDS)
    if not lease.take(WAIT_SECONDS if wait else 0):
        return 0
    try:
        with database.read() as connection:
            mark = folded_up_to(connection, SETTLED)
            moments = connection.scalars(select(clicks.c.clicked_at)
                                         .where(clicks.c.id > mark, clicks.c.id <= newest))
            moments = list(moments)
        for low, high in spans(moments, NEAR):
            settle_span(database, low, high, lease)
        _advance(database, newest)
        return max(0, newest - mark)
    finally:
        lease.release()


def settle_and_fold(database: Database, max_new: int = MAX_NEW, wait: bool = False) -> None:
    """What is due settled, then folded into the rollups: in that order, so the fold never
    counts a click under a kind that is not final."""
    while settle(database, max_new, wait) >= max_new:
        pass
    fold(database)


def reclassify(database: Database, since: datetime | None = None) -> int:
    """Judge every click from since on again (after a rules change) and recount the rollup
    rows whose clicks changed kind; returns how many clicks changed."""
    with database.read() as connection:
        first = connection.scalar(select(func.min(clicks.c.clicked_at)))
        newest = _received_before(connection, 0, utcnow() - LAG)
    if first is None:
        return 0
    changed = settle_span(database, max(first, since) if since else first, None)
    _advance(database, newest)
    fold(database)
    return changed


def resettle_device(database: Database, ip_address: str | None, user_agent: str | None) -> int:
    """Judge one device's clicks again, after it was marked as you or no longer is. No index
    serves (address, agent): one scan of the click table, for a rare action."""
    with database.read() as connection:
        moments = list(connection.scalars(select(clicks.c.clicked_at).where(
            clicks.c.ip_address.is_(None) if ip_address is None
            else clicks.c.ip_address == ip_address,
            clicks.c.user_agent.is_(None) if user_agent is None
            else clicks.c.user_agent == user_agent)))
    return sum(settle_span(database, low, high)
               for low, high in spans(moments, timedelta(minutes=1)))


def _yields_to_ingest(database: Database) -> bool:
    """Whether the loop should wait: clicks are arriving and none is overdue yet (two
    reads at the ends of the primary key)."""
    now = utcnow()
    with database.read() as connection:
        newest = connection.scalar(
            select(clicks.c.received_at).order_by(clicks.c.id.desc()).limit(1))
        if newest is None or newest < now - BUSY:
            return False
        oldest_due = connection.scalar(
            select(clicks.c.received_at).where(clicks.c.id > folded_up_to(connection, SETTLED))
            .order_by(clicks.c.id).limit(1))
    return oldest_due is None or oldest_due > now - OVERDUE


def run_settler(app, stop: threading.Event, pause: float = PAUSE_SECONDS) -> None:
    """Settle and fold every few seconds until stop is set: one loop per deployment is
    enough, more are harmless (the lease lets one work at a time)."""
    from webapp.database.db import get_db

    with app.app_context():
        database = get_db()
        while not stop.is_set():
            try:
                if _yields_to_ingest(database):
                    stop.wait(BUSY.total_seconds())
                    continue
                settle(database, LOOP_NEW)
                fold(database)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the loop
                log.exception("settle pass failed; trying again in %s s", pause)
            stop.wait(pause)
