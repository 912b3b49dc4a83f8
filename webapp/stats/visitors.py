"""Unique visitors (distinct IP addresses) without an IP-ordered index on link_clicks.

Such an index would be written at random places by every ingest batch. Instead a count
merges visitor_days for the whole UTC days inside the window with the addresses of the
edge days and of the clicks not folded yet, as webapp.stats.rollups describes."""

from sqlalchemy import Connection, func, select, union

from webapp.models import LinkClick, VisitorDay
from webapp.stats.rollups import day_range, each_source, has_whole_days, raw_parts, whole_days
from webapp.stats.scope import Scope, conditions, link_condition

clicks = LinkClick.__table__
days = VisitorDay.__table__


def visitor_count(connection: Connection, scope: Scope) -> int:
    f = scope.filters
    if f.source:
        # visitor_days knows no sources: the matching clicks' addresses, read from the
        # source-led covering index.
        parts = [select(clicks.c.ip_address).where(*conditions(scope), same,
                                                   clicks.c.ip_address.is_not(None))
                 for same in each_source(connection, scope)]
    else:
        first, end = whole_days(scope)
        parts = []
        if has_whole_days(first, end):
            parts += [select(days.c.ip_address)
                      .where(days.c.kind == kind, *day_range(days.c.day, first, end),
                             *link_condition(scope, days.c.tracking_id))
                      .group_by(days.c.ip_address)
                      for kind in f.kinds]
        parts += [select(clicks.c.ip_address).where(*where, clicks.c.ip_address.is_not(None))
                  for where in raw_parts(connection, scope, first, end)]
    if not parts:
        return 0
    counted = (parts[0].distinct() if len(parts) == 1 else union(*parts)).subquery()
    return connection.scalar(select(func.count()).select_from(counted))
