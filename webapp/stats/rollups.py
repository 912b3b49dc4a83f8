"""Day rollups of link_clicks, folded at read time, so the ingest door pays for no index
led by tracking id or address (either is written at hundreds of places per batch).

The dashboard folds new clicks, by click id, into link_days (clicks, first and last per
link, source and UTC day) and visitor_days ((kind, address, UTC day) triples). Only
settled clicks are folded; a re-settle that changes a folded click's kind recounts its rows
(webapp.stats.recount). A count
then merges three parts, so it is exact whenever it runs; folding only makes it fast:
- the rollups for the whole UTC days inside the window (what is folded so far);
- the clicks in the partial days at the window's edges, straight from link_clicks;
- the clicks past the fold mark inside the whole days, from link_clicks by id."""

from collections import namedtuple
from datetime import datetime, time, timedelta

from sqlalchemy import Connection, func, select, true

from webapp.models import LinkClick, LinkDay, ReadMark, VisitorDay
from webapp.stats.index_scans import distinct_values
from webapp.stats.scope import (
    Scope,
    conditions,
    link_condition,
    narrowing,
    unindexed_kind_condition,
)

clicks = LinkClick.__table__
link_days = LinkDay.__table__
visitor_days = VisitorDay.__table__
marks = ReadMark.__table__
MARK = "rollups"
SETTLED = "settled"  # every click up to this id has its final kind (webapp.stats.settle)
# A job seeker uses a handful of sources; past this many, a query is not split by source.
SOURCE_SPLIT_LIMIT = 32

Totals = namedtuple("Totals", "clicks first last")


def folded_up_to(connection: Connection, name: str = MARK) -> int:
    """How far the rollups (or, with SETTLED, the settler) got, by click id."""
    return connection.scalar(select(marks.c.last_id).where(marks.c.name == name)) or 0


def _midnight(moment: datetime) -> datetime:
    return datetime.combine(moment.date(), time())


def whole_days(scope: Scope):
    """The UTC days wholly inside the window, as [first, end) dates (None: unbounded)."""
    first = end = None
    if scope.start is not None:
        first = scope.start.date() + timedelta(days=scope.start != _midnight(scope.start))
    if scope.end is not None:
        end = scope.end.date()
    return first, end


def has_whole_days(first, end) -> bool:
    return first is None or end is None or first < end


def edges(scope: Scope, first, end) -> list[tuple]:
    """The partial days at the window's edges, as (low, high) UTC ranges."""
    if not has_whole_days(first, end):
        return [(scope.start, scope.end)]
    found = []
    if first is not None and scope.start < datetime.combine(first, time()):
        found.append((scope.start, datetime.combine(first, time())))
    if end is not None and datetime.combine(end, time()) < scope.end:
        found.append((datetime.combine(end, time()), scope.end))
    return found


def day_range(column, first, end) -> list:
    """column within the dates [first, end); column may be a date or a timestamp."""
    if column.type.python_type is datetime:
        first = first and datetime.combine(first, time())
        end = end and datetime.combine(end, time())
    return ([column >= first] if first is not None else []) + (
        [column < end] if end is not None else [])


def _unfolded(scope: Scope, mark: int, first, end) -> list:
    """WHERE clauses for the clicks past the mark in the whole days. The kind test is written
    in a form no index serves, so the planner walks the few ids past the mark (a kind-led
    index would read most of the table)."""
    return [unindexed_kind_condition(scope), *narrowing(scope, windowed=False), clicks.c.id > mark,
            *day_range(clicks.c.clicked_at, first, end)]


def each_source(connection: Connection, scope: Scope) -> list:
    """A click_source test for each source clicks came with (the scope's, when it names one):
    with the kind test and a clicked_at range, each is one range of the source-led covering
    index, so no other index or table row is read. Senders choose sources: past
    SOURCE_SPLIT_LIMIT of them the split would grow the query, so it is one plain range."""
    f = scope.filters
    if f.source:
        return [clicks.c.click_source == f.source]
    wanted = distinct_values(connection, clicks.c.click_source, f.kinds,
                             limit=SOURCE_SPLIT_LIMIT)
    if len(wanted) > SOURCE_SPLIT_LIMIT:
        return [true()]
    return [clicks.c.click_source.is_(None) if source is None
            else clicks.c.click_source == source for source in wanted]


def raw_parts(connection: Connection, scope: Scope, first, end) -> list[list]:
    """WHERE clauses for the scope's clicks the rollups do not hold: those past the mark in
    the whole days, and each source's range in each edge day."""
    parts = []
    if has_whole_days(first, end):
        parts.append(_unfolded(scope, folded_up_to(connection), first, end))
    windows = edges(scope, first, end)
    sources = each_source(connection, scope) if windows else []
    parts += [[*conditions(scope, windowed=False), same,
               clicks.c.clicked_at >= low, clicks.c.clicked_at < high]
              for low, high in windows for same in sources]
    return parts


def kind_totals(connection: Connection, scope: Scope) -> dict[tuple[str, str], Totals]:
    """Clicks, first and last click of every (kind, tracking id) clicked in the scope."""
    first, end = whole_days(scope)
    totals: dict[tuple[str, str], Totals] = {}
    if has_whole_days(first, end):
        _merge(totals, connection.execute(_rolled_up(scope, first, end)))
    for where in raw_parts(connection, scope, first, end):
        _merge(totals, connection.execute(
            select(clicks.c.kind, clicks.c.tracking_id, func.count(),
                   func.min(clicks.c.clicked_at), func.max(clicks.c.clicked_at))
            .where(*where).group_by(clicks.c.kind, clicks.c.tracking_id)
        ))
    return totals


def link_totals(connection: Connection, scope: Scope) -> dict[str, Totals]:
    """Clicks, first and last click of every tracking id clicked in the scope."""
    return by_link(kind_totals(connection, scope))


def by_link(totals: dict[tuple[str, str], Totals]) -> dict[str, Totals]:
    """Per-kind totals summed per tracking id."""
    merged: dict[str, Totals] = {}
    _merge(merged, ((tracking_id, *counted) for (_kind, tracking_id), counted in totals.items()))
    return merged


def _rolled_up(scope: Scope, first, end):
    f = scope.filters
    where = [link_days.c.kind.in_(f.kinds), *day_range(link_days.c.day, first, end)]
    if f.source:
        where.append(link_days.c.click_source == f.source)
    where += link_condition(scope, link_days.c.tracking_id)
    return (
        select(link_days.c.kind, link_days.c.tracking_id, func.sum(link_days.c.clicks),
               func.min(link_days.c.first_click), func.max(link_days.c.last_click))
        .where(*where).group_by(link_days.c.kind, link_days.c.tracking_id)
    )


def _merge(totals: dict, rows) -> None:
    """Add rows of (*key, clicks, first, last) into totals keyed by key."""
    for *key, count, first, last in rows:
        if not count:
            continue
        key = tuple(key) if len(key) > 1 else key[0]
        seen = totals.get(key)
        if seen is not None:
            count, first, last = seen.clicks + count, min(seen.first, first), max(seen.last, last)
        totals[key] = Totals(int(count), first, last)
