"""Editing a tracked link (source, label, destination) and deleting it after a confirmation."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required

from webapp.accounts import site
from webapp.applications import deletion, links, store
from webapp.database.db import get_session
from webapp.models import Application, TrackingLink

bp = Blueprint("links", __name__, url_prefix="/applications/<int:application_id>/links")
FIELD_LABELS = {"source": "Source", "label": "Label", "destination_url": "Destination URL"}


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the signed-in owner."""


def _found(application_id: int, link_id: int) -> tuple[Application, TrackingLink]:
    session = get_session()
    application = store.get_application(session, application_id)
    link = session.get(TrackingLink, link_id)
    if application is None or link is None or link.job_id != application.job_id:
        abort(404)
    return application, link


def _render_edit(application, link, values, errors, status=200):
    url = links.tracked_url(site.link_template(get_session()), link.source, link.tracking_id)
    return render_template("applications/link_edit.html", application=application, link=link,
                           values=values, errors=errors, labels=FIELD_LABELS, url=url,
                           sources=links.SOURCES), status


@bp.get("/<int:link_id>/edit")
def edit(application_id: int, link_id: int):
    """The link's form; its tracking id, which senders post, never changes."""
    application, link = _found(application_id, link_id)
    values = {"source": link.source, "label": link.label or "",
              "destination_url": link.destination_url or ""}
    return _render_edit(application, link, values, {})


@bp.post("/<int:link_id>/edit")
def update(application_id: int, link_id: int):
    """Save the link; on a problem nothing is saved and the form says why."""
    application, link = _found(application_id, link_id)
    values = {name: request.form.get(name, "") for name in FIELD_LABELS}
    errors = links.update_link(link, **values)
    if errors:
        get_session().rollback()
        return _render_edit(application, link, values, errors, 400)
    get_session().commit()
    flash(f"Saved the {link.source} link.", "success")
    return redirect(url_for("applications.edit", application_id=application_id), 303)


@bp.get("/<int:link_id>/delete")
def confirm_delete(application_id: int, link_id: int):
    """Say what deleting removes before anything is removed."""
    application, link = _found(application_id, link_id)
    count = deletion.click_count(get_session(),
                                 deletion.clicks.c.tracking_id == link.tracking_id)
    return render_template("applications/link_delete.html", application=application,
                           link=link, clicks=count)


@bp.post("/<int:link_id>/delete")
def delete(application_id: int, link_id: int):
    """Delete the link and its clicks."""
    _application, link = _found(application_id, link_id)
    session = get_session()
    removed = deletion.delete_link(session, link)
    session.commit()
    flash(f"Deleted the {link.source} link and its {removed:,} click"
          f"{'' if removed == 1 else 's'}.", "success")
    return redirect(url_for("applications.edit", application_id=application_id), 303)
