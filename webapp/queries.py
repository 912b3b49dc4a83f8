"""The dashboard's read side: plain functions, filters in, rows out.

Clicks are attributed to applications by a join at read time
(link_clicks.tracking_id -> tracking_links -> jobs -> applications), so a link registered
late claims its earlier clicks. Times are stored as naive UTC; days are cut at the user's
local midnights, computed in Python with zoneinfo and compared as plain UTC ranges, which
is exact for DST and half-hour zones and identical on SQLite and PostgreSQL.

Unique visitors are distinct non-empty IP addresses: the one identifier senders post for
every click (user agents are shared by thousands, session ids are optional)."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Connection,
    DateTime,
    Integer,
    column,
    false,
    func,
    literal,
    select,
    true,
    values,
)

from webapp.filters import Filters, local_midnight_utc
from webapp.index_scans import count_each, distinct_values
from webapp.models import Application, Job, LinkClick, TrackingLink

clicks = LinkClick.__table__
links = TrackingLink.__table__
jobs = Job.__table__
applications = Application.__table__

PER_PAGE = 25
TOP_APPLICATIONS = 8


@dataclass(frozen=True)
class Scope:
    """Filters made concrete for one request: UTC bounds and the user's zone."""

    filters: Filters
    zone: ZoneInfo
    start: datetime | None
    end: datetime | None

    @classmethod
    def of(cls, filters: Filters, zone: ZoneInfo, now: datetime) -> "Scope":
        start, end = filters.window(zone, now)
        return cls(filters, zone, start, end)


@dataclass(frozen=True)
class Summary:
    clicks: int
    visitors: int
    applications: int
    unmatched: int
    last_click: datetime | None


def application_tracking_ids(application_id: int):
    """The tracking ids of an application's links, as a subquery."""
    return (
        select(links.c.tracking_id)
        .join(applications, applications.c.job_id == links.c.job_id)
        .where(applications.c.id == application_id)
    )


def conditions(scope: Scope, windowed: bool = True, by_application: bool = True) -> list:
    """WHERE clauses on link_clicks for the filters (bots out unless asked for)."""
    f = scope.filters
    where = [clicks.c.is_bot.in_([False, True]) if f.include_bots else clicks.c.is_bot == false()]
    if windowed and scope.start is not None:
        where.append(clicks.c.clicked_at >= scope.start)
    if windowed and scope.end is not None:
        where.append(clicks.c.clicked_at < scope.end)
    if f.source:
        where.append(clicks.c.click_source == f.source)
    if by_application and f.application_id:
        where.append(clicks.c.tracking_id.in_(application_tracking_ids(f.application_id)))
    return where


def link_counts(connection: Connection, scope: Scope, last: bool = False) -> list[tuple]:
    """(tracking_id, clicks[, last click]) of every tracking id clicked in the scope."""
    if scope.filters.application_id:
        ids = list(connection.scalars(application_tracking_ids(scope.filters.application_id)))
    else:
        ids = distinct_values(connection, clicks.c.tracking_id, scope.filters.include_bots)
    where = conditions(scope, by_application=False)
    return count_each(connection, clicks.c.tracking_id, ids, where, last)


def _attribution(connection: Connection) -> dict[str, tuple]:
    """Registered tracking ids with their (application id, company, title): a small table."""
    rows = connection.execute(
        select(links.c.tracking_id, applications.c.id, jobs.c.company, jobs.c.title)
        .join(jobs, jobs.c.id == links.c.job_id)
        .join(applications, applications.c.job_id == jobs.c.id)
    ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def _per_link(scope: Scope, *aggregates):
    """Clicks (and the given aggregates) per tracking id: small, whatever the clicks."""
    return (
        select(clicks.c.tracking_id, func.count().label("clicks"), *aggregates)
        .where(*conditions(scope))
        .group_by(clicks.c.tracking_id)
        .subquery("per_link")
    )


def summary(connection: Connection, scope: Scope, visitors: Callable[[], int] | None = None) -> Summary:
    """The cards. visitors, when given, yields the visitor count a caller ran elsewhere at the
    same time: the two are the costliest scans here."""
    counted = link_counts(connection, scope, last=True)
    owners = _attribution(connection)
    visitor_total = visitors() if visitors else visitor_count(connection, scope)
    return Summary(
        clicks=sum(row[1] for row in counted),
        visitors=visitor_total,
        applications=len({owners[row[0]][0] for row in counted if row[0] in owners}),
        unmatched=sum(row[1] for row in counted if row[0] not in owners),
        last_click=max((row[2] for row in counted), default=None),
    )


def visitor_count(connection: Connection, scope: Scope) -> int:
    """Distinct IP addresses, grouped in index order (COUNT DISTINCT would sort them all)."""
    visitors = select(clicks.c.ip_address).where(
        *conditions(scope), clicks.c.ip_address.is_not(None)
    ).group_by(clicks.c.ip_address).subquery()
    return connection.scalar(select(func.count()).select_from(visitors))


def sources(connection: Connection, scope: Scope) -> list[str | None]:
    """Every source clicks came with (None for none), whatever the window: a few index jumps."""
    if scope.filters.source:
        return [scope.filters.source]
    return distinct_values(connection, clicks.c.click_source, scope.filters.include_bots)


def clicks_by_source(connection: Connection, scope: Scope) -> list[tuple[str | None, int]]:
    """(source, clicks), most clicked first; None (posted without a source) last of equals."""
    rows = count_each(connection, clicks.c.click_source, sources(connection, scope),
                      conditions(scope))
    return sorted(rows, key=lambda row: (-row[1], row[0] is None, row[0] or ""))


def local_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def _day_span(connection: Connection, scope: Scope, now: datetime) -> tuple[datetime, datetime] | None:
    """The UTC span the day chart covers: the window, or the clicks themselves for 'all'."""
    start, end = scope.start, scope.end
    if start is None or end is None:
        # Unfiltered, min and max are the two ends of an index; filtered by source or
        # application, the matching index ends. Bot clicks only ever widen the span.
        narrowed = scope.filters.source or scope.filters.application_id
        where = conditions(scope) if narrowed else []
        bounds = connection.execute(select(
            select(func.min(clicks.c.clicked_at)).where(*where).scalar_subquery(),
            select(func.max(clicks.c.clicked_at)).where(*where).scalar_subquery(),
        )).one()
        if bounds[0] is None:
            return None
        start = start if start is not None else bounds[0]
        end = end if end is not None else max(bounds[1] + timedelta(microseconds=1), now)
    return (start, end) if start < end else None


def _local_date(moment: datetime, zone: ZoneInfo) -> date:
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


def clicks_per_day(
    connection: Connection, scope: Scope, now: datetime
) -> tuple[list[date], dict[str | None, list[int]]]:
    """Clicks per local day and source. Each (day, source) cell is an index range count
    between the day's UTC bounds, so no per-row date arithmetic runs in the database."""
    span = _day_span(connection, scope, now)
    wanted = sources(connection, scope)
    if span is None or not wanted:
        return [], {}
    start, end = span
    days = local_days(_local_date(start, scope.zone), _local_date(end - timedelta(microseconds=1), scope.zone))
    bounds = []
    for index, day in enumerate(days):
        low = max(local_midnight_utc(day, scope.zone), start)
        high = min(local_midnight_utc(day + timedelta(days=1), scope.zone), end)
        bounds.append((index, low, high))
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
    rows = connection.execute(select(table.c.i, *cells).order_by(table.c.i)).all()
    series = {source: [row[position + 1] for row in rows] for position, source in enumerate(named)}
    series = {source: counts for source, counts in series.items() if any(counts)}
    return (days, series) if series else ([], {})


def clicks_by_application(
    connection: Connection, scope: Scope, top: int = TOP_APPLICATIONS
) -> list[tuple[str, int]]:
    """("Company - Title", clicks) for the top applications, the rest summed as "Other"."""
    owners = _attribution(connection)
    totals: dict[tuple, int] = {}
    for tracking_id, count in link_counts(connection, scope):
        if tracking_id in owners:
            totals[owners[tracking_id]] = totals.get(owners[tracking_id], 0) + count
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0][0]))
    ranked = [(f"{company} - {title}", count) for (_id, company, title), count in ordered]
    rest = sum(count for _label, count in ranked[top:])
    return ranked[:top] + ([("Other", rest)] if rest else [])


def _click_rows(scope: Scope):
    """Clicks newest first, each with its application and link when one is registered."""
    where = conditions(scope)
    if not (scope.filters.source or scope.filters.application_id):
        # Unnarrowed, the newest clicks come straight off the clicked_at index. SQLite
        # without statistics would rather use an is_bot index and sort every click, so the
        # bot test is written in a form no index serves (same result on every backend).
        bots = scope.filters.include_bots
        where[0] = func.coalesce(clicks.c.is_bot, false()).in_([False, True] if bots else [False])
    return (
        select(
            clicks.c.id, clicks.c.clicked_at, clicks.c.tracking_id, clicks.c.click_source,
            clicks.c.ip_address, clicks.c.user_agent, clicks.c.referrer_url, clicks.c.is_bot,
            applications.c.id.label("application_id"), jobs.c.company, jobs.c.title,
            links.c.source.label("link_source"),
        )
        .select_from(clicks)
        .outerjoin(links, links.c.tracking_id == clicks.c.tracking_id)
        .outerjoin(jobs, jobs.c.id == links.c.job_id)
        .outerjoin(applications, applications.c.job_id == jobs.c.id)
        .where(*where)
        .order_by(clicks.c.clicked_at.desc(), clicks.c.id.desc())
    )


def click_page(connection: Connection, scope: Scope, per_page: int = PER_PAGE):
    """One page of clicks and whether an older page exists (no full count needed)."""
    offset = (scope.filters.page - 1) * per_page
    rows = connection.execute(_click_rows(scope).limit(per_page + 1).offset(offset)).all()
    return rows[:per_page], len(rows) > per_page


def export_rows(connection: Connection, scope: Scope, chunk: int = 1000) -> Iterator:
    """Every filtered click, fetched from a server-side cursor in chunks."""
    result = connection.execution_options(stream_results=True, yield_per=chunk).execute(
        _click_rows(scope)
    )
    yield from result


def unmatched(connection: Connection) -> list:
    """Tracking ids no link knows, with their clicks (bots included), first and last seen.

    Grouped once per bot flag, so each part reads its index in tracking_id order."""
    parts = [
        select(
            clicks.c.tracking_id,
            func.count().label("clicks"),
            func.min(clicks.c.clicked_at).label("first_seen"),
            func.max(clicks.c.clicked_at).label("last_seen"),
        )
        .where(clicks.c.is_bot == flag)
        .group_by(clicks.c.tracking_id)
        for flag in (false(), true())
    ]
    per_id = parts[0].union_all(parts[1]).subquery()
    return connection.execute(
        select(
            per_id.c.tracking_id,
            func.sum(per_id.c.clicks).label("clicks"),
            func.min(per_id.c.first_seen).label("first_seen"),
            func.max(per_id.c.last_seen).label("last_seen"),
        )
        .where(per_id.c.tracking_id.not_in(select(links.c.tracking_id)))
        .group_by(per_id.c.tracking_id)
        .order_by(func.sum(per_id.c.clicks).desc(), per_id.c.tracking_id)
    ).all()


def application_links(connection: Connection, scope: Scope, application_id: int) -> list:
    """An application's links with their clicks, first and last click."""
    per_link = _per_link(
        scope,
        func.min(clicks.c.clicked_at).label("first_click"),
        func.max(clicks.c.clicked_at).label("last_click"),
    )
    return connection.execute(
        select(
            links.c.tracking_id, links.c.source, links.c.label,
            func.coalesce(per_link.c.clicks, 0).label("clicks"),
            per_link.c.first_click, per_link.c.last_click,
        )
        .join(applications, applications.c.job_id == links.c.job_id)
        .outerjoin(per_link, per_link.c.tracking_id == links.c.tracking_id)
        .where(applications.c.id == application_id)
        .order_by(links.c.created_at, links.c.id)
    ).all()


def application_options(connection: Connection) -> list:
    """(id, "Company - Title") of every application, for the filter and link forms."""
    rows = connection.execute(
        select(applications.c.id, jobs.c.company, jobs.c.title)
        .join(jobs, jobs.c.id == applications.c.job_id)
        .order_by(applications.c.archived_at.is_not(None), jobs.c.company, jobs.c.title)
    ).all()
    return [(row.id, f"{row.company} - {row.title}") for row in rows]


def known_sources(connection: Connection) -> list[str]:
    """Sources of registered links, for the source filter (clicks' own sources are too
    costly to list over millions of rows and would let a sender flood the menu)."""
    return list(connection.scalars(select(links.c.source).distinct().order_by(links.c.source)))


def application_header(connection: Connection, application_id: int):
    """Company, title, status and dates of one application, or None."""
    return connection.execute(
        select(
            applications.c.id, applications.c.status, applications.c.applied_on,
            applications.c.archived_at, jobs.c.company, jobs.c.title, jobs.c.posting_url,
            jobs.c.location,
        )
        .join(jobs, jobs.c.id == applications.c.job_id)
        .where(applications.c.id == application_id)
    ).one_or_none()
