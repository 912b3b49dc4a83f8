"""Deleting an application or one click, each after a confirmation page (no script needed,
and none inline: the CSP forbids it)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from sqlalchemy import select

from webapp.applications import deletion, store
from webapp.database.db import get_session
from webapp.models import Job, LinkClick, TrackingLink

bp = Blueprint("removal", __name__)


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the signed-in owner."""


def _application_or_404(application_id: int):
    application = store.get_application(get_session(), application_id)
    if application is None:
        abort(404)
    return application


def _application_clicks(application):
    return deletion.clicks.c.tracking_id.in_(
        select(TrackingLink.tracking_id).where(TrackingLink.job_id == application.job_id)
        .scalar_subquery())


@bp.get("/applications/<int:application_id>/delete")
def confirm_application(application_id: int):
    """What deleting the application removes, and the gentler choice: archiving."""
    application = _application_or_404(application_id)
    session = get_session()
    return render_template(
        "applications/delete.html", application=application,
        links=len(application.job.links),
        clicks=deletion.click_count(session, _application_clicks(application)))


@bp.post("/applications/<int:application_id>/delete")
def delete_application(application_id: int):
    """Delete the application, its links and their clicks for good."""
    application = _application_or_404(application_id)
    name = f"{application.job.company} – {application.job.title}"
    session = get_session()
    removed = deletion.delete_application(session, application)
    session.commit()
    flash(f"Deleted {name} and its {removed:,} click{'' if removed == 1 else 's'}.", "success")
    return redirect(url_for("applications.index"), 303)


def _click_or_404(click_id: int) -> LinkClick:
    click = get_session().get(LinkClick, click_id)
    if click is None:
        abort(404)
    return click


@bp.get("/clicks/<int:click_id>/delete")
def confirm_click(click_id: int):
    """The click's details, so the person sees which one goes."""
    click = _click_or_404(click_id)
    company = get_session().scalar(
        select(Job.company).join(TrackingLink, TrackingLink.job_id == Job.id)
        .where(TrackingLink.tracking_id == click.tracking_id))
    return render_template("clicks/delete.html", click=click, company=company)


@bp.post("/clicks/<int:click_id>/delete")
def delete_click(click_id: int):
    """Delete one click (a test of your own, say) for good."""
    click = _click_or_404(click_id)
    session = get_session()
    deletion.delete_clicks(session, deletion.clicks.c.id == click.id)
    session.commit()
    flash("Deleted the click.", "success")
    return redirect(url_for("dashboard.index"), 303)
