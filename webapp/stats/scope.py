"""A request's filters made concrete, and the WHERE clauses every dashboard query shares."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from webapp.models import Application, Job, LinkClick, TrackingLink
from webapp.stats.filters import Filters

clicks = LinkClick.__table__
links = TrackingLink.__table__
jobs = Job.__table__
applications = Application.__table__


@dataclass(frozen=True)
class Scope:
    """Filters made concrete for one request: UTC bounds, the user's zone, and the tracking
    ids of the archived applications' links it leaves out (see hidden_links)."""

    filters: Filters
    zone: ZoneInfo
    start: datetime | None
    end: datetime | None
    hidden: tuple[str, ...] = ()

    @classmethod
    def of(cls, filters: Filters, zone: ZoneInfo, now: datetime,
           hidden: tuple[str, ...] = ()) -> "Scope":
        start, end = filters.window(zone, now)
        return cls(filters, zone, start, end, hidden)


def hidden_links(connection, filters: Filters) -> tuple[str, ...]:
    """The tracking ids of archived applications' links, when the filters leave them out:
    a short list read once per request, so a job seeker without archived applications pays
    no per-click test at all (a subquery would be tested against every click read)."""
    if not filters.hides_archived:
        return ()
    return tuple(connection.scalars(
        select(links.c.tracking_id)
        .join(applications, applications.c.job_id == links.c.job_id)
        .where(applications.c.archived_at.is_not(None))
        .order_by(links.c.tracking_id)))


def application_tracking_ids(application_id: int):
    """The tracking ids of an application's links, as a subquery."""
    return (
        select(links.c.tracking_id)
        .join(applications, applications.c.job_id == links.c.job_id)
        .where(applications.c.id == application_id)
    )


def link_condition(scope: Scope, tracking_id) -> list:
    """The application filter on a tracking id column, or the archived applications' links
    left out; unmatched tracking ids belong to no application and always count."""
    f = scope.filters
    if f.application_id:
        return [tracking_id.in_(application_tracking_ids(f.application_id))]
    if scope.hidden:
        return [tracking_id.not_in(scope.hidden)]
    return []


def kind_condition(scope: Scope):
    """The kinds the filters count (people by default); a kind-led index may serve it."""
    return clicks.c.kind.in_(scope.filters.kinds)


def unindexed_kind_condition(scope: Scope):
    """The kind test in a form no index serves: for scans that should walk another index
    (the newest ids, or clicked_at) instead of reading most of the table by kind."""
    return func.coalesce(clicks.c.kind, "").in_(scope.filters.kinds)


def narrowing(scope: Scope, windowed: bool = True) -> list:
    """WHERE clauses on link_clicks for the window, source and application filters."""
    f = scope.filters
    where = []
    if windowed and scope.start is not None:
        where.append(clicks.c.clicked_at >= scope.start)
    if windowed and scope.end is not None:
        where.append(clicks.c.clicked_at < scope.end)
    if f.source:
        where.append(clicks.c.click_source == f.source)
    return where + link_condition(scope, clicks.c.tracking_id)


def conditions(scope: Scope, windowed: bool = True) -> list:
    """Every WHERE clause on link_clicks for the filters."""
    return [kind_condition(scope), *narrowing(scope, windowed)]
