"""Applications and their tracked links: the list, add, edit, archive, links and CSV import."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import login_required
from htmx_flask import request as htmx_request

from webapp.accounts import site
from webapp.applications import csv_import, links, overview, store
from webapp.applications.forms import FIELDS, LABELS, parse_application
from webapp.dashboard import wording
from webapp.dashboard.context import read_apart, settled_reading
from webapp.database.db import get_session
from webapp.models import APPLICATION_STATUSES, Application
from webapp.presentation import charts
from webapp.presentation.formatting import application_url, user_zone
from webapp.stats import activity, listings
from webapp.stats.filters import DEFAULT_WHO, PRESET_LABELS, Filters
from webapp.stats.scope import Scope
from webapp.timeutil import utcnow

bp = Blueprint("applications", __name__, url_prefix="/applications")


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the signed-in owner."""


def _form_values(application: Application) -> dict[str, str]:
    job = application.job
    return {
        "company": job.company, "title": job.title, "posting_url": job.posting_url or "",
        "location": job.location or "", "status": application.status,
        "applied_on": application.applied_on.isoformat() if application.applied_on else "",
        "notes": application.notes or "",
    }


def _application_or_404(application_id: int) -> Application:
    application = store.get_application(get_session(), application_id)
    if application is None:
        abort(404)
    return application


def _sorting() -> tuple[str, bool | None]:
    sort = request.args.get("sort", "")
    order = request.args.get("order")
    return (sort if sort in overview.SORTS else overview.DEFAULT_SORT,
            {"asc": False, "desc": True}.get(order))


def _render_index(values=None, errors=None, status=200):
    show_archived = request.args.get("archived") == "1"
    rows = store.list_applications(get_session(), include_archived=show_archived)
    filters = Filters.from_args(request.args)
    scope = Scope.of(filters, user_zone(), utcnow())
    with settled_reading() as connection:
        lasts = read_apart(activity.last_people, scope)  # all time: beside the window's reads
        found = activity.application_activity(
            connection, scope, utcnow(),
            {row.application.id: row.application.applied_on for row in rows}, lasts.result)
    search = request.args.get("q", "").strip()[:200]
    sort, descending = _sorting()
    shown = overview.overview(rows, found, search, sort, descending)
    return render_template(
        "applications/index.html", rows=shown, total=len(rows), show_archived=show_archived,
        values=values or {"status": "applied"}, errors=errors or {}, labels=LABELS,
        statuses=APPLICATION_STATUSES, filters=filters, presets=PRESET_LABELS, search=search,
        sort=sort, sort_labels=overview.SORT_LABELS, descending=overview.SORTS[sort] if descending is None else descending,
        range_label=wording.range_label(scope, utcnow()), sparkline=charts.sparkline,
        spark_size=(charts.SPARK_WIDTH, charts.SPARK_HEIGHT),
    ), status


@bp.get("")
def index():
    """The applications list with the add form."""
    return _render_index()


@bp.post("")
def create():
    """Add an application; on a problem nothing is saved and the form says why."""
    raw = {name: request.form.get(name, "") for name in FIELDS}
    values, errors = parse_application(raw)
    if values is None:
        return _render_index(raw, errors, 400)
    session = get_session()
    application = store.create_application(session, values)
    session.commit()
    flash(f"Added {values.company} – {values.title}. Now hand out a tracked link.", "success")
    return redirect(url_for("applications.edit", application_id=application.id), 303)


RANGE_ARGS = ("range", "from", "to")


def _application_filters(application_id: int) -> Filters:
    """The URL's range (all time when it names none: an application's story starts when you
    applied) and who, narrowed to the application across every source."""
    filters = Filters.from_args(request.args)
    if not any(request.args.get(name) for name in RANGE_ARGS):
        filters = filters.with_changes(range="all", start=None, end=None)
    return filters.with_changes(source=None, application_id=application_id)


@bp.get("/<int:application_id>")
def show(application_id: int):
    """One application's story in the chosen range: who clicked which of its links, and when."""
    filters = _application_filters(application_id)
    now = utcnow()
    scope = Scope.of(filters, user_zone(), now)
    with settled_reading() as connection:
        header = listings.application_header(connection, application_id)
        if header is None:
            abort(404)
        links_ = listings.application_links(connection, scope, application_id)
    firsts = [link.first_click for link in links_ if link.first_click]
    lasts = [link.last_click for link in links_ if link.last_click]
    pushed = {"HX-Push-Url": application_url(application_id, filters)} if (
        request.htmx and not request.htmx.history_restore_request) else {}
    return render_template(
        "applications/show.html", header=header, links=links_, filters=filters,
        total=sum(link.clicks for link in links_), first_click=min(firsts, default=None),
        last_click=max(lasts, default=None), default_who=DEFAULT_WHO,
        **wording.range_picker(scope, now),
    ), pushed


def _render_edit(application, values, errors, link_errors=None, status=200):
    return render_template(
        "applications/edit.html", values=values, errors=errors,
        labels=LABELS, statuses=APPLICATION_STATUSES,
        **_links_context(application, link_errors=link_errors or []),
    ), status


@bp.get("/<int:application_id>/edit")
def edit(application_id: int):
    """The edit form, with the application's links below it."""
    application = _application_or_404(application_id)
    return _render_edit(application, _form_values(application), {})


@bp.post("/<int:application_id>/edit")
def update(application_id: int):
    """Save changes; on a problem nothing is saved."""
    application = _application_or_404(application_id)
    raw = {name: request.form.get(name, "") for name in FIELDS}
    values, errors = parse_application(raw)
    if values is None:
        return _render_edit(application, raw, errors, status=400)
    store.update_application(application, values)
    get_session().commit()
    flash(f"Saved {values.company} – {values.title}.", "success")
    return redirect(url_for("applications.edit", application_id=application_id), 303)


@bp.post("/<int:application_id>/archive")
def archive(application_id: int):
    """Hide a finished application from the list; its links keep counting."""
    return _set_archived(application_id, True)


@bp.post("/<int:application_id>/unarchive")
def unarchive(application_id: int):
    """Bring an archived application back into the list."""
    return _set_archived(application_id, False)


def _set_archived(application_id: int, archived: bool):
    application = _application_or_404(application_id)
    store.set_archived(application, archived)
    get_session().commit()
    name = f"{application.job.company} – {application.job.title}"
    flash(f"Archived {name}." if archived else f"Restored {name}.", "success")
    return redirect(url_for("applications.index"), 303)


def _links_context(application, link_errors, new_link_id=None, link_values=None) -> dict:
    template = site.link_template(get_session())
    rows = [
        (link, links.tracked_url(template, link.source, link.tracking_id))
        for link in links.links_for_job(get_session(), application.job_id)
    ]
    return {"application": application, "link_rows": rows, "sources": links.SOURCES,
            "link_errors": link_errors, "new_link_id": new_link_id,
            "link_values": link_values or {}}


@bp.get("/<int:application_id>/links")
def links_partial(application_id: int):
    """The links table and add-link form, a region other pages embed with htmx."""
    application = _application_or_404(application_id)
    return render_template("applications/_links.html", **_links_context(application, []))


@bp.post("/<int:application_id>/links")
def add_link(application_id: int):
    """Hand out a new tracked link with a fresh unguessable id."""
    application = _application_or_404(application_id)
    form = {name: request.form.get(name, "") for name in ("source", "label", "destination_url")}
    session = get_session()
    try:
        link = links.create_link(session, application.job_id, **form)
    except ValueError as problem:
        session.rollback()
        if not htmx_request.htmx:
            return _render_edit(application, _form_values(application), {}, [str(problem)], 400)
        context = _links_context(application, [str(problem)], link_values=form)
        return render_template("applications/_links.html", **context)
    session.commit()
    if not htmx_request.htmx:
        flash(f"Link for {link.source} added.", "success")
        return redirect(url_for("applications.edit", application_id=application_id), 303)
    context = _links_context(application, [], new_link_id=link.id)
    return render_template("applications/_links.html", **context)


@bp.get("/import")
def import_form():
    """The CSV upload form."""
    return render_template("applications/import.html", result=None, error=None, csv_text=None)


@bp.get("/import/template.csv")
def import_template():
    """A CSV file with the columns and one example row, to fill in."""
    return Response(csv_import.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=applications-template.csv"})


@bp.post("/import")
def import_preview():
    """Read the file and show what would be imported; nothing is saved yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render_import(error="Choose a CSV file to upload.")
    try:
        text = csv_import.decode_upload(upload.read(csv_import.MAX_BYTES + 1))
        result = csv_import.parse_csv(text)
    except ValueError as problem:
        return _render_import(error=str(problem))
    return render_template("applications/import.html", result=result, error=None,
                           csv_text=text, imported=None)


@bp.post("/import/confirm")
def import_confirm():
    """Import the valid rows of the previewed file in one transaction."""
    try:
        result = csv_import.parse_csv(
            csv_import.decode_upload(request.form.get("csv_text", "").encode()))
    except ValueError as problem:
        return _render_import(error=str(problem))
    session = get_session()
    for values in result.rows:
        store.create_application(session, values)
    session.commit()
    return render_template("applications/import.html", result=result, error=None,
                           csv_text=None, imported=len(result.rows))


def _render_import(error: str):
    return render_template("applications/import.html", result=None, error=error,
                           csv_text=None), 400
