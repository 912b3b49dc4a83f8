"""Unique visitors (distinct IP addresses) without an IP-ordered index on link_clicks.

Such an index would be written at random places by every ingest batch. Instead a count
merges visitor_days for the whole UTC days inside the window with the addresses of the
edge days and of the clicks not folded yet, as webapp.rollups describes."""

from sqlalchemy import Connection, func, select, union

from webapp.index_scans import bot_flags
from webapp.models import LinkClick, VisitorDay
from webapp.rollups import (
    day_range,
    edges,
    folded_up_to,
    has_whole_days,
    unfolded,
    unindexed_bots,
    whole_days,
)
from webapp.scope import Scope, conditions

clicks = LinkClick.__table__
days = VisitorDay.__table__


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
        first, end = whole_days(scope)
        parts = []
        if has_whole_days(first, end):
            for flag in bot_flags(f.include_bots):
                parts.append(select(days.c.ip_address)
                             .where(days.c.is_bot == flag, *day_range(days.c.day, first, end))
                             .group_by(days.c.ip_address))
            mark = folded_up_to(connection)
            parts.append(select(clicks.c.ip_address).where(
                *unfolded(scope, mark, first, end), clicks.c.ip_address.is_not(None)))
        for low, high in edges(scope, first, end):
            parts.append(select(clicks.c.ip_address).where(
                unindexed_bots(scope), clicks.c.ip_address.is_not(None),
                clicks.c.clicked_at >= low, clicks.c.clicked_at < high))
    counted = (parts[0] if len(parts) == 1 else union(*parts)).subquery()
    return connection.scalar(select(func.count()).select_from(counted))
