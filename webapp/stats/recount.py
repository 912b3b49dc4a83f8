"""Recount day-rollup rows from link_clicks after a re-settle changed the kind of clicks
already folded into them: the rollups must hold exactly the folded clicks' counts."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection, delete, func, select

from webapp.database.db import dialect_insert
from webapp.stats.rollups import clicks, link_days, visitor_days


def _day_bounds(day: date) -> list:
    start = datetime.combine(day, time())
    return [clicks.c.clicked_at >= start, clicks.c.clicked_at < start + timedelta(days=1)]


def _by_day(keys: Iterable[tuple[str, date]]) -> dict[date, list[str]]:
    found = defaultdict(set)
    for value, day in keys:
        found[day].add(value)
    return {day: sorted(values) for day, values in found.items()}


def recount(connection: Connection, folded_up_to: int, links: Iterable[tuple[str, date]],
            visitors: Iterable[tuple[str, date]]) -> None:
    """Rebuild the link_days rows of each (tracking id, UTC day) in links and the
    visitor_days rows of each (address, UTC day) in visitors, from the clicks up to the
    fold mark; the caller holds the fold mark's lock. One day is one range of the
    clicked_at-led index."""
    folded = clicks.c.id <= folded_up_to
    for day, tracking_ids in _by_day(links).items():
        connection.execute(delete(link_days).where(link_days.c.day == day,
                                                   link_days.c.tracking_id.in_(tracking_ids)))
        key = [clicks.c.kind, clicks.c.tracking_id, func.coalesce(clicks.c.click_source, "")]
        connection.execute(dialect_insert(connection, link_days).from_select(
            ["kind", "tracking_id", "click_source", "day", "clicks", "first_click",
             "last_click"],
            select(*key, func.date(clicks.c.clicked_at), func.count(),
                   func.min(clicks.c.clicked_at), func.max(clicks.c.clicked_at))
            .where(folded, *_day_bounds(day), clicks.c.tracking_id.in_(tracking_ids))
            .group_by(*key, func.date(clicks.c.clicked_at)),
        ))
    for day, addresses in _by_day(visitors).items():
        connection.execute(delete(visitor_days).where(visitor_days.c.day == day,
                                                      visitor_days.c.ip_address.in_(addresses)))
        connection.execute(dialect_insert(connection, visitor_days).from_select(
            ["kind", "ip_address", "day", "tracking_id"],
            select(clicks.c.kind, clicks.c.ip_address, func.date(clicks.c.clicked_at),
                   clicks.c.tracking_id)
            .where(folded, *_day_bounds(day), clicks.c.ip_address.in_(addresses))
            .distinct(),
        ))
