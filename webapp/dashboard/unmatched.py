"""Unknown tracking ids, and registering a link for one: its earlier clicks then count
for the chosen application, because attribution is a join at read time."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required
from sqlalchemy import select

from webapp.applications import links
from webapp.dashboard.context import settled_reading
from webapp.database.db import get_db, get_session
from webapp.models import Application
from webapp.stats import listings

bp = Blueprint("unmatched", __name__, url_prefix="/unmatched")


@bp.before_request
@login_required
def require_login():
    """Unknown ids are the signed-in owner's clicks too."""


@bp.get("")
def index():
    """The tracking ids no link knows yet, each with a form to register it."""
    with settled_reading() as connection:
        rows = listings.unmatched(connection)
        options = listings.application_options(connection)
    return render_template("dashboard/unmatched.html", rows=rows, applications=options,
                  sources=links.SOURCES, errors={}, values={})


@bp.post("")
def register():
    """Register a link for an unknown tracking id under the chosen application."""
    tracking_id = request.form.get("tracking_id", "").strip()
    source = request.form.get("source", "")
    session = get_session()
    job_id = None
    if request.form.get("application", "").isdigit():
        job_id = session.scalar(
            select(Application.job_id).where(Application.id == int(request.form["application"]))
        )
    try:
        if job_id is None:
            raise ValueError("Choose the application this link belongs to.")
        links.create_link(session, job_id, source, tracking_id=tracking_id)
        session.commit()
    except ValueError as problem:
        session.rollback()
        with get_db().read() as connection:
            rows = listings.unmatched(connection)
            options = listings.application_options(connection)
        return render_template(
            "dashboard/unmatched.html", rows=rows, applications=options, sources=links.SOURCES,
            errors={tracking_id: str(problem)},
            values={tracking_id: {"application": request.form.get("application", ""),
                                  "source": source}},
        ), 422
    flash(f"Registered {tracking_id}: its clicks now count for that application.", "success")
    return redirect(url_for("unmatched.index"))
