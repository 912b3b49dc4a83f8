"""Archived applications stay out of the default dashboard: a WHERE clause for
webapp.stats.scope.conditions (on link_clicks.tracking_id) and the link_days reads (on
link_days.tracking_id) to add unless the view names one application."""

from sqlalchemy import select

from webapp.models import Application, TrackingLink


def archived_tracking_ids():
    """The tracking ids of archived applications' links, as a subquery."""
    return (
        select(TrackingLink.tracking_id)
        .join(Application, Application.job_id == TrackingLink.job_id)
        .where(Application.archived_at.is_not(None))
    )


def not_archived(tracking_id, application_id: int | None = None) -> list:
    """Rows whose tracking_id column is outside archived applications (unmatched clicks
    stay in); none when the view is one application's, which a person opened on purpose."""
    if application_id:
        return []
    return [tracking_id.not_in(archived_tracking_ids())]
