"""Deleting clicks, links and applications for good, with the day rollups kept exact.

link_days and visitor_days hold what the dashboard folded from link_clicks up to a mark; a
deleted click that was folded would still count there. So the rows of the days a deletion
touches are rebuilt from the clicks that remain (only those up to the mark: later ones are
read raw). Settled kinds for alerts go with their clicks."""

from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webapp.alerts.models import AlertSettledClick
from webapp.models import Application, Job, LinkClick, TrackingLink
from webapp.stats.fold import lock_fold_mark
from webapp.stats.recount import recount

clicks = LinkClick.__table__
settled = AlertSettledClick.__table__


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def delete_clicks(session: Session, where) -> int:
    """Delete the clicks matching where (a condition on link_clicks); return how many."""
    connection = session.connection()
    mark = lock_fold_mark(connection)  # no fold or settle runs while the rows are rebuilt
    folded = [where, clicks.c.id <= mark]
    day = func.date(clicks.c.clicked_at)
    link_keys = {(tracking_id, _as_date(when)) for tracking_id, when in session.execute(
        select(clicks.c.tracking_id, day).where(*folded).distinct())}
    visitor_keys = {(address, _as_date(when)) for address, when in session.execute(
        select(clicks.c.ip_address, day).where(*folded, clicks.c.ip_address.is_not(None))
        .distinct())}
    session.execute(delete(settled).where(settled.c.click_id.in_(
        select(clicks.c.id).where(where).scalar_subquery())))
    removed = session.execute(delete(clicks).where(where)).rowcount
    recount(connection, mark, link_keys, visitor_keys)
    return removed


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


