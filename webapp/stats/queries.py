"""The dashboard's read side: plain functions, filters in, rows out.

Clicks are attributed to applications by a join at read time
(link_clicks.tracking_id -> tracking_links -> jobs -> applications), so a link registered
late claims its earlier clicks. Times are stored as naive UTC; days are cut at the user's
local midnights, computed in Python with zoneinfo and compared as plain UTC ranges, which
is exact for DST and half-hour zones and identical on SQLite and PostgreSQL.

Unique visitors are distinct non-empty IP addresses: the one identifier senders post for
every click (user agents are shared by thousands, session ids are optional); see
webapp.stats.visitors for how they are counted fast. Per-link counts come from day rollups
(webapp.stats.rollups): no index on link_clicks is led by tracking id."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    column,
    func,
    literal,
    select,
    values,
)

from webapp.kinds import KINDS
from webapp.stats.buckets import CHOSEN_UNITS, MAX_HOURS, buckets, hour_starts, next_bucket
from webapp.stats.filters import EVERYONE, local_midnight_utc
from webapp.stats.index_scans import count_each, distinct_values
from webapp.stats.rollups import SOURCE_SPLIT_LIMIT, by_link, kind_totals, link_totals
from webapp.stats.scope import (  # noqa: F401  (Scope and conditions are part of this module's API)
    Scope,
    applications,
    clicks,
    conditions,
    jobs,
    links,
)
from webapp.stats.visitors import visitor_count

TOP_SOURCES = 10  # bars in the by-source chart; the rest are summed as OTHER_SOURCES
TOP_SERIES = 8  # sources stacked in the time chart; the rest are one OTHER_SOURCES series
# Sources are stored lower-cased, so this label can never be a sender's source.
OTHER_SOURCES = "Other sources"
# The contract refuses clicks before 2000: older rows predate it and are not charted.
EARLIEST_CLICK = datetime(2000, 1, 1)


class Timeline(NamedTuple):
    """The time chart's buckets (local start dates, or local hours), counts per source, and
    the bucket unit."""

    starts: list[date] | list[datetime]
    series: dict[str | None, list[int]]
    unit: str = "day"


@dataclass(frozen=True)
class Summary:
    clicks: int
    visitors: int
    applications: int
    unmatched: int
    last_click: datetime | None
    # Clicks of the kinds the filters leave out, per kind, in the same window and filters.
    left_out: dict[str, int] = field(default_factory=dict)


def _attribution(connection: Connection) -> dict[str, tuple]:
    """Registered tracking ids with their (application id, company, title): a small table."""
    rows = connection.execute(
        select(links.c.tracking_id, applications.c.id, jobs.c.company, jobs.c.title)
        .join(jobs, jobs.c.id == links.c.job_id)
        .join(applications, applications.c.job_id == jobs.c.id)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def summary(
    connection: Connection, scope: Scope, visitors: Callable[[], int] | None = None
) -> Summary:
    """The cards. visitors, when given, yields the visitor count a caller ran elsewhere at the
    same time: the two are the costliest scans here."""
    wanted = scope.filters.kinds
    everyone = replace(scope, filters=scope.filters.with_changes(who=EVERYONE))
    per_kind = kind_totals(connection, everyone)
    counted = by_link({key: totals for key, totals in per_kind.items() if key[0] in wanted})
    left_out = {kind: sum(totals.clicks for (each, _id), totals in per_kind.items()
                          if each == kind)
                for kind in KINDS if kind not in wanted}
    owners = _attribution(connection)
    visitor_total = visitors() if visitors else visitor_count(connection, scope)
    return Summary(
        clicks=sum(totals.clicks for totals in counted.values()),
        visitors=visitor_total,
        applications=len({owners[tracking_id][0] for tracking_id in counted
                          if tracking_id in owners}),
        unmatched=sum(totals.clicks for tracking_id, totals in counted.items()
                      if tracking_id not in owners),
        last_click=max((totals.last for totals in counted.values()), default=None),
        left_out={kind: clicks for kind, clicks in left_out.items() if clicks},
    )


class Counted(NamedTuple):
    """The counts a card compares with the previous period."""

    clicks: int
    visitors: int
    applications: int
    unmatched: int


def counted(connection: Connection, scope: Scope, visitors: Callable[[], int]) -> Counted:
    """The cards' counts without what they leave out or the last click: for the previous
    period, where only the kinds counted are read. visitors yields the visitor count a caller
    ran elsewhere at the same time."""
    per_link = link_totals(connection, scope)
    owners = _attribution(connection)
    return Counted(
        clicks=sum(totals.clicks for totals in per_link.values()),
        visitors=visitors(),
        applications=len({owners[tracking_id][0] for tracking_id in per_link
                          if tracking_id in owners}),
        unmatched=sum(totals.clicks for tracking_id, totals in per_link.items()
                      if tracking_id not in owners),
    )


def sources(connection: Connection, scope: Scope) -> list[str | None]:
    """Every source clicks came with (None for none), whatever the window, up to one past
    SOURCE_SPLIT_LIMIT: a few index jumps."""
    if scope.filters.source:
        return [scope.filters.source]
    return distinct_values(connection, clicks.c.click_source, scope.filters.kinds,
                           limit=SOURCE_SPLIT_LIMIT)


def clicks_by_source(
    connection: Connection, scope: Scope, top: int = TOP_SOURCES
) -> list[tuple[str | None, int]]:
    """(source, clicks), most clicked first (None, posted without a source, last of equals);
    past the top ones the rest are summed as OTHER_SOURCES. A handful of sources are counted
    as index ranges; a sender's flood of them by one grouped scan."""
    wanted = sources(connection, scope)
    if len(wanted) > SOURCE_SPLIT_LIMIT:
        rows = connection.execute(
            select(clicks.c.click_source, func.count())
            .where(*conditions(scope)).group_by(clicks.c.click_source)
        ).all()
    else:
        rows = count_each(connection, clicks.c.click_source, wanted, conditions(scope))
    ranked = sorted(((source, count) for source, count in rows),
                    key=lambda row: (-row[1], row[0] is None, row[0] or ""))
    rest = sum(count for _source, count in ranked[top:])
    return ranked[:top] + ([(OTHER_SOURCES, rest)] if rest else [])


def _day_span(
    connection: Connection, scope: Scope, now: datetime
) -> tuple[datetime, datetime] | None:
    """The UTC span the time chart covers: the window, or the clicks themselves for 'all',
    never before the contract's first possible click."""
    start, end = scope.start, scope.end
    if start is None or end is None:
        bounds = _bounds(connection, scope)
        if bounds[0] is None:
            return None
        start = start if start is not None else bounds[0]
        end = end if end is not None else max(bounds[1] + timedelta(microseconds=1), now)
    start = max(start, EARLIEST_CLICK)
    return (start, end) if start < end else None


def _bounds(connection: Connection, scope: Scope) -> tuple:
    """The first and last click of the scope. Unfiltered, the two ends of an index (bot
    clicks only ever widen the span); by source, the source's index ends; by application,
    its links' firsts and lasts."""
    if scope.filters.application_id:
        counted = link_totals(connection, scope).values()
        return (min((totals.first for totals in counted), default=None),
                max((totals.last for totals in counted), default=None))
    where = conditions(scope) if scope.filters.source else []
    return connection.execute(select(
        select(func.min(clicks.c.clicked_at)).where(*where).scalar_subquery(),
        select(func.max(clicks.c.clicked_at)).where(*where).scalar_subquery(),
    )).one()


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive UTC time as the zone's naive wall-clock time."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    return _local(moment, zone).date()


def _series_sources(connection: Connection, scope: Scope) -> tuple[list, bool]:
    """The sources that get a series of their own, and whether the rest need an "other"."""
    wanted = sources(connection, scope)
    if len(wanted) <= TOP_SERIES:
        return wanted, False
    ranked = clicks_by_source(connection, scope, top=TOP_SERIES)
    return [source for source, _count in ranked if source != OTHER_SOURCES], True


def _time_buckets(scope: Scope, start: datetime, end: datetime, chosen: str | None):
    """(unit, local bucket starts, [(index, UTC low, UTC high)]) covering [start, end): hours
    for a day or two unless a unit was chosen, else local days, weeks, months or years."""
    if chosen not in CHOSEN_UNITS and end - start <= timedelta(hours=MAX_HOURS):
        hours = hour_starts(start, end, lambda moment: _local(moment, scope.zone))
        bounds = [(index, max(low, start), min(low + timedelta(hours=1), end))
                  for index, (low, _local_start) in enumerate(hours)]
        return "hour", [local for _low, local in hours], bounds
    last = end - timedelta(microseconds=1)
    unit, starts = buckets(_local_date(start, scope.zone), _local_date(last, scope.zone), chosen)
    ends = starts[1:] + [next_bucket(unit, starts[-1])]
    bounds = [
        (index, max(local_midnight_utc(first, scope.zone), start),
         min(local_midnight_utc(following, scope.zone), end))
        for index, (first, following) in enumerate(zip(starts, ends, strict=True))
    ]
    return unit, starts, bounds


def clicks_per_day(connection: Connection, scope: Scope, now: datetime,
                   chosen: str | None = None) -> Timeline:
    """Clicks per local hour, day, week, month or year (whichever keeps the bars to a few
    dozen, or the day, week or month chosen) and source. Each (bucket, source) cell is an
    index range count between the bucket's UTC bounds, so no per-row date arithmetic runs in
    the database."""
    span = _day_span(connection, scope, now)
    wanted, with_rest = _series_sources(connection, scope)
    if span is None or not wanted:
        return Timeline([], {})
    unit, starts, bounds = _time_buckets(scope, *span, chosen)
    table = values(
        column("i", Integer), column("lo", DateTime), column("hi", DateTime), name="days"
    ).data(bounds).cte("days")
    base = conditions(scope, windowed=False) + [
        clicks.c.clicked_at >= table.c.lo, clicks.c.clicked_at < table.c.hi
    ]
    named = [source for source in wanted if source is not None]
    cells = [
        select(func.count()).where(*base, clicks.c.click_source == literal(source))
        .scalar_subquery().label(f"s{position}")
        for position, source in enumerate(named)
    ]
    if None in wanted:
        named.append(None)
        cells.append(
            select(func.count()).where(*base, clicks.c.click_source.is_(None))
            .scalar_subquery().label("none")
        )
    if with_rest:
        cells.append(select(func.count()).where(*base).scalar_subquery().label("total"))
    rows = connection.execute(select(table.c.i, *cells).order_by(table.c.i)).all()
    series = {source: [row[position + 1] for row in rows] for position, source in enumerate(named)}
    if with_rest:
        series[OTHER_SOURCES] = [row[-1] - sum(row[1:-1]) for row in rows]
    series = {source: counts for source, counts in series.items() if any(counts)}
    return Timeline(starts, series, unit) if series else Timeline([], {})


def applications_ranked(connection: Connection, scope: Scope) -> list[tuple[int, str, int]]:
    """(application id, "Company - Title", clicks) of every application clicked in the
    scope, most clicked first: none is hidden in an "Other" bar."""
    owners = _attribution(connection)
    totals: dict[tuple, int] = {}
    for tracking_id, counted in link_totals(connection, scope).items():
        if tracking_id in owners:
            totals[owners[tracking_id]] = totals.get(owners[tracking_id], 0) + counted.clicks
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0][1], item[0][2]))
    return [(application_id, f"{company} - {title}", count)
            for (application_id, company, title), count in ordered]
