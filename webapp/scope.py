"""A request's filters made concrete, and the WHERE clauses every dashboard query shares."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import false, select

from webapp.filters import Filters
from webapp.models import Application, Job, LinkClick, TrackingLink

clicks = LinkClick.__table__
links = TrackingLink.__table__
jobs = Job.__table__
applications = Application.__table__


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
