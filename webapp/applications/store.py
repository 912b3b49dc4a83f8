"""Saving applications: a Job and its Application are written together or not at all."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from webapp.applications.forms import ApplicationValues
from webapp.applications.links import link_counts
from webapp.models import Application, Job
from webapp.timeutil import utcnow


@dataclass(frozen=True)
class ApplicationRow:
    application: Application
    link_count: int


def list_applications(session: Session, include_archived: bool = False) -> list[ApplicationRow]:
    """Newest first: what was applied to most recently is what a person looks for."""
    query = select(Application).options(joinedload(Application.job))
    if not include_archived:
        query = query.where(Application.archived_at.is_(None))
    query = query.order_by(
        Application.applied_on.desc().nulls_last(), Application.created_at.desc(),
        Application.id.desc(),
    )
    counts = link_counts(session)
    return [ApplicationRow(app, counts.get(app.job_id, 0)) for app in session.scalars(query)]


def get_application(session: Session, application_id: int) -> Application | None:
    return session.scalar(
        select(Application).options(joinedload(Application.job))
        .where(Application.id == application_id)
    )


def _fill(application: Application, values: ApplicationValues) -> None:
    job = application.job
    job.company, job.title = values.company, values.title
    job.posting_url, job.location = values.posting_url, values.location
    application.applied_on, application.status = values.applied_on, values.status
    application.notes = values.notes


def create_application(session: Session, values: ApplicationValues) -> Application:
    application = Application(job=Job())
    _fill(application, values)
    session.add(application)
    session.flush()
    return application


def update_application(application: Application, values: ApplicationValues) -> None:
    _fill(application, values)


def set_archived(application: Application, archived: bool) -> None:
    """Archiving hides an application from the list; its links keep counting clicks."""
    if archived and application.archived_at is None:
        application.archived_at = utcnow()
    elif not archived:
        application.archived_at = None
