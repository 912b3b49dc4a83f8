"""The dashboard: a page whose regions load lazily, one endpoint per region, filters in the URL."""

from flask import Blueprint, abort, redirect, render_template, request
from flask_login import login_required

from webapp import charts
from webapp.dashboard import kind_words
from webapp.dashboard.context import current_scope, read_apart, settled_reading
from webapp.db import get_db, get_session
from webapp.formatting import filtered_url
from webapp.stats import devices, listings, queries, visitors
from webapp.stats.filters import CUSTOM, PRESET_LABELS, WHO_LABELS, Filters
from webapp.timeutil import utcnow
from webapp.useragents import describe

bp = Blueprint("dashboard", __name__)


@bp.before_request
@login_required
def require_login():
    """Every view here shows the signed-in owner's clicks."""


@bp.get("/")
def index():
    """The dashboard page; a filter change from htmx gets just the regions back."""
    filters = Filters.from_args(request.args)
    if request.htmx and not request.htmx.history_restore_request:
        response = render_template("dashboard/_regions.html", filters=filters)
        canonical = filtered_url("dashboard.index", filters)
        return response, {"HX-Push-Url": canonical}
    with get_db().read() as connection:
        options = listings.application_options(connection)
        sources = listings.known_sources(connection)
    if filters.source and filters.source not in sources:
        sources.append(filters.source)
    return render_template(
        "dashboard/index.html", filters=filters, presets=PRESET_LABELS, custom=CUSTOM,
        applications=options, sources=sources, who_labels=WHO_LABELS,
    )


@bp.get("/partials/cards")
def cards():
    """The summary cards, or the next step for someone without clicks yet."""
    scope = current_scope()
    with settled_reading() as connection:
        counted = read_apart(visitors.visitor_count, scope)
        summary = queries.summary(connection, scope, counted.result)
        has_applications = bool(summary.clicks) or bool(listings.application_options(connection))
    return render_template("dashboard/_cards.html", summary=summary, filters=scope.filters,
                  has_applications=has_applications,
                  left_out=kind_words.left_out(summary.left_out))


def _chart(endpoint: str, figure_json: str | None, filters: Filters, label: str):
    return render_template("dashboard/_chart.html", endpoint=endpoint, figure_json=figure_json,
                  filters=filters, label=label)


@bp.get("/partials/per-day")
def per_day():
    """Clicks per local day, stacked by source."""
    scope = current_scope()
    with get_db().read() as connection:
        timeline = queries.clicks_per_day(connection, scope, utcnow())
    figure = charts.per_day(*timeline) if timeline.starts else None
    return _chart("dashboard.per_day", figure, scope.filters, charts.UNITS[timeline.unit][0])


def _ranked_chart(endpoint: str, query, figure, label: str):
    scope = current_scope()
    with get_db().read() as connection:
        rows = query(connection, scope)
    return _chart(endpoint, figure(rows) if rows else None, scope.filters, label)


@bp.get("/partials/by-source")
def by_source():
    """Clicks per source."""
    return _ranked_chart("dashboard.by_source", queries.clicks_by_source, charts.by_source,
                         "Clicks by source")


@bp.get("/partials/by-application")
def by_application():
    """Clicks per application, the top ones and the rest as Other."""
    return _ranked_chart("dashboard.by_application", queries.clicks_by_application,
                         charts.by_application, "Clicks by application")


@bp.get("/partials/clicks")
def clicks():
    """One page of the click list, newest first."""
    scope = current_scope()
    with get_db().read() as connection:
        rows, has_older = listings.click_page(connection, scope)
    return render_template("dashboard/_clicks.html", rows=rows, has_older=has_older,
                  filters=scope.filters, describe=describe, badges=kind_words.BADGES,
                  embedded=request.args.get("embedded") == "1")


@bp.post("/clicks/<int:click_id>/me")
def this_was_me(click_id: int):
    """Mark the click's device (address and browser) as yours: its clicks become `you`. htmx
    gets the click list back and tells the other regions to refresh."""
    get_session().commit()  # the sign-in's write transaction would hold SQLite's write lock
    if not devices.mark_click_as_you(get_db(), click_id):
        abort(404)
    if not request.htmx:
        return redirect(filtered_url("dashboard.index", Filters.from_args(request.args)), 303)
    return clicks(), {"HX-Trigger": "kinds-changed"}


@bp.get("/partials/first-look")
def first_look():
    """An application's first look by a person, and the previews and scans before it."""
    scope = current_scope(range="all", start=None, end=None, source=None)
    if not scope.filters.application_id:
        abort(404)
    with settled_reading() as connection:
        found = listings.first_look(connection, scope)
    return render_template("dashboard/_first_look.html", found=found, filters=scope.filters,
                           badges=kind_words.BADGES)
