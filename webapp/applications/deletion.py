"""Deleting clicks, links and applications for good, with the day rollups kept exact.

link_days and visitor_days hold what the dashboard folded from link_clicks up to a mark; a
deleted click that was folded would still count there. So the rows of the days a deletion
touches are rebuilt from the clicks that remain (only those up to the mark: later ones are
read raw). Settled kinds for alerts go with their clicks."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from webapp.alerts.models import AlertSettledClick
from webapp.models import Application, Job, LinkClick, LinkDay, ReadMark, TrackingLink, VisitorDay

clicks = LinkClick.__table__
link_days = LinkDay.__table__
visitor_days = VisitorDay.__table__
settled = AlertSettledClick.__table__
ROLLUP_MARK = "rollups"


def _locked_mark(session: Session) -> int:
    """The fold mark, locked so no fold runs while the rows are rebuilt (SQLite's write
    session already holds the write lock)."""
    return session.scalar(
        select(ReadMark.last_id).where(ReadMark.name == ROLLUP_MARK).with_for_update()
    ) or 0


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _in_days(days: set[date]):
    """clicked_at within any of the UTC days (ranges an index on clicked_at can serve)."""
    return or_(*[
        (clicks.c.clicked_at >= datetime.combine(day, time()))
        & (clicks.c.clicked_at < datetime.combine(day + timedelta(days=1), time()))
        for day in days
    ])


def delete_clicks(session: Session, where) -> int:
    """Delete the clicks matching where (a condition on link_clicks); return how many."""
    mark = _locked_mark(session)
    folded = [where, clicks.c.id <= mark]
    day = func.date(clicks.c.clicked_at)
    link_keys = session.execute(select(clicks.c.tracking_id, day).where(*folded).distinct()).all()
    visitor_keys = session.execute(
        select(clicks.c.ip_address, day)
        .where(*folded, clicks.c.ip_address.is_not(None)).distinct()).all()
    session.execute(delete(settled).where(settled.c.click_id.in_(
        select(clicks.c.id).where(where).scalar_subquery())))
    removed = session.execute(delete(clicks).where(where)).rowcount
    if link_keys:
        _rebuild_link_days(session, mark, {row[0] for row in link_keys},
                           {_as_date(row[1]) for row in link_keys})
    if visitor_keys:
        _rebuild_visitor_days(session, mark, {row[0] for row in visitor_keys},
                              {_as_date(row[1]) for row in visitor_keys})
    return removed


def _rebuild_link_days(session: Session, mark: int, tracking_ids: set[str], days: set[date]):
    session.execute(delete(link_days).where(
        link_days.c.tracking_id.in_(tracking_ids), link_days.c.day.in_(days)))
    key = [clicks.c.is_bot, clicks.c.tracking_id, func.coalesce(clicks.c.click_source, ""),
           func.date(clicks.c.clicked_at)]
    session.execute(link_days.insert().from_select(
        ["is_bot", "tracking_id", "click_source", "day", "clicks", "first_click", "last_click"],
        select(*key, func.count(), func.min(clicks.c.clicked_at), func.max(clicks.c.clicked_at))
        .where(clicks.c.id <= mark, clicks.c.tracking_id.in_(tracking_ids), _in_days(days))
        .group_by(*key),
    ))


def _rebuild_visitor_days(session: Session, mark: int, addresses: set[str], days: set[date]):
    session.execute(delete(visitor_days).where(
        visitor_days.c.ip_address.in_(addresses), visitor_days.c.day.in_(days)))
    session.execute(visitor_days.insert().from_select(
        ["is_bot", "ip_address", "day"],
        select(clicks.c.is_bot, clicks.c.ip_address, func.date(clicks.c.clicked_at)).distinct()
        .where(clicks.c.id <= mark, clicks.c.ip_address.in_(addresses), _in_days(days)),
    ))


def delete_link(session: Session, link: TrackingLink) -> int:
    """Delete a link and its clicks (they would otherwise turn up as unmatched)."""
    removed = delete_clicks(session, clicks.c.tracking_id == link.tracking_id)
    session.delete(link)
    return removed


def delete_application(session: Session, application: Application) -> int:
    """Delete an application, its job, its links and every click on them."""
    tracking_ids = select(TrackingLink.tracking_id).where(
        TrackingLink.job_id == application.job_id).scalar_subquery()
    removed = delete_clicks(session, clicks.c.tracking_id.in_(tracking_ids))
    session.execute(delete(settled).where(settled.c.application_id == application.id))
    session.execute(delete(TrackingLink).where(TrackingLink.job_id == application.job_id))
    job = session.get(Job, application.job_id)
    session.delete(application)
    session.flush()
    session.delete(job)
    return removed


def click_count(session: Session, where) -> int:
    return session.scalar(select(func.count()).select_from(clicks).where(where)) or 0


