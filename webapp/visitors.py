"""Unique visitors (distinct IP addresses) without an IP-ordered index on link_clicks.

Such an index would be written at random places by every ingest batch. Instead the
dashboard folds (is_bot, address, UTC day) of new clicks into visitor_days, by click id,
and a count merges three parts:
- visitor_days for the whole UTC days inside the window (what is folded so far);
- folded clicks in the partial days at the window's edges, from link_clicks;
- every click past the fold mark, from link_clicks.
So a count is exact whenever it runs; folding only makes it fast."""

from datetime import datetime, time, timedelta

from sqlalchemy import Connection, false, func, select, union

from webapp.db import Database, dialect_insert
from webapp.index_scans import bot_flags
from webapp.models import LinkClick, ReadMark, VisitorDay
from webapp.scope import Scope, conditions

clicks = LinkClick.__table__
days = VisitorDay.__table__
marks = ReadMark.__table__
MARK = "visitor_days"
# PostgreSQL can commit a lower id after a higher one; re-folding the newest ids catches it.
OVERLAP = 1000


def folded_up_to(connection: Connection) -> int:
    return connection.scalar(select(marks.c.last_id).where(marks.c.name == MARK)) or 0


def fold(database: Database) -> None:
    """Fold the clicks that arrived since the last fold; when none did, two index reads."""
    with database.engine.connect() as connection:
        if (connection.scalar(select(func.max(clicks.c.id))) or 0) <= folded_up_to(connection):
            return
    with database.write_transaction() as connection:
        mark = folded_up_to(connection)
        newest = connection.scalar(select(func.max(clicks.c.id))) or 0
        if newest <= mark:
            return
        day = func.date(clicks.c.clicked_at)
        new_pairs = (
            select(clicks.c.is_bot, clicks.c.ip_address, day)
            .where(clicks.c.id > mark - OVERLAP, clicks.c.id <= newest,
                   clicks.c.ip_address.is_not(None))
            .distinct()
            .order_by(clicks.c.is_bot, clicks.c.ip_address, day)
        )
        connection.execute(
            dialect_insert(connection, days)
            .from_select(["is_bot", "ip_address", "day"], new_pairs)
            .on_conflict_do_nothing()
        )
        connection.execute(
            dialect_insert(connection, marks).values(name=MARK, last_id=newest)
            .on_conflict_do_update(index_elements=[marks.c.name], set_={"last_id": newest})
        )


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time())


def _whole_days(scope: Scope):
    """The UTC days wholly inside the window, as [first, end) dates (None: unbounded)."""
    first = end = None
    if scope.start is not None:
        first = scope.start.date() + timedelta(days=scope.start != _midnight(scope.start))
    if scope.end is not None:
        end = scope.end.date()
    return first, end


def _edges(scope: Scope, first, end) -> list[tuple]:
    """The partial days at the window's edges, as (low, high) UTC ranges."""
    if first is not None and end is not None and first >= end:
        return [(scope.start, scope.end)]
    edges = []
    if first is not None and scope.start < datetime.combine(first, time()):
        edges.append((scope.start, datetime.combine(first, time())))
    if end is not None and datetime.combine(end, time()) < scope.end:
        edges.append((datetime.combine(end, time()), scope.end))
    return edges


def _raw(scope: Scope, *where):
    """Addresses straight from link_clicks. The bot test is written in a form no index
    serves, so the planner takes the id or clicked_at index the other terms name."""
    bots = [False, True] if scope.filters.include_bots else [False]
    return select(clicks.c.ip_address).where(
        func.coalesce(clicks.c.is_bot, false()).in_(bots),
        *conditions(scope, windowed=False)[1:], clicks.c.ip_address.is_not(None), *where,
    )


def visitor_count(connection: Connection, scope: Scope) -> int:
    f = scope.filters
    if f.source or f.application_id:
        # visitor_days knows no sources or links: group the matching clicks themselves.
        parts = [
            select(clicks.c.ip_address)
            .where(*conditions(scope)[1:], clicks.c.is_bot == flag,
                   clicks.c.ip_address.is_not(None))
            .group_by(clicks.c.ip_address)
            for flag in bot_flags(f.include_bots)
        ]
    else:
        mark = folded_up_to(connection)
        first, end = _whole_days(scope)
        parts = []
        if first is None or end is None or first < end:
            for flag in bot_flags(f.include_bots):
                where = [days.c.is_bot == flag]
                if first is not None:
                    where.append(days.c.day >= first)
                if end is not None:
                    where.append(days.c.day < end)
                parts.append(select(days.c.ip_address).where(*where).group_by(days.c.ip_address))
        for low, high in _edges(scope, first, end):
            parts.append(_raw(scope, clicks.c.clicked_at >= low, clicks.c.clicked_at < high,
                              clicks.c.id <= mark))
        window = [clicks.c.clicked_at >= scope.start] if scope.start is not None else []
        if scope.end is not None:
            window.append(clicks.c.clicked_at < scope.end)
        parts.append(_raw(scope, clicks.c.id > mark, *window))
    counted = (parts[0] if len(parts) == 1 else union(*parts)).subquery()
    return connection.scalar(select(func.count()).select_from(counted))
