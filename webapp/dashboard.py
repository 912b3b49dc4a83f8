"""The dashboard: a page whose regions load lazily, one endpoint per region, filters in the URL."""

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from webapp import charts, listings, queries, rollups, visitors
from webapp.db import get_db
from webapp.filters import CUSTOM, PRESET_LABELS, Filters
from webapp.timeutil import utcnow
from webapp.useragents import describe

bp = Blueprint("dashboard", __name__)
UTC = ZoneInfo("UTC")


@bp.before_request
@login_required
def require_login():
    """Every view here shows the signed-in owner's clicks."""


def user_zone() -> ZoneInfo:
    try:
        return ZoneInfo(current_user.time_zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def current_scope(**changes) -> queries.Scope:
    filters = Filters.from_args(request.args)
    if changes:
        filters = filters.with_changes(**changes)
    return queries.Scope.of(filters, user_zone(), utcnow())


# Two index scans at once halve the cards' wait on a large database (SQLite and the
# database driver release the GIL while they work).
_readers = ThreadPoolExecutor(max_workers=4, thread_name_prefix="dashboard-read")


def _read_apart(engine, query, scope):
    with engine.connect() as connection:
        return query(connection, scope)


@contextmanager
def reading():
    """A plain read connection (the one write, rollups.fold, runs in its own transaction)."""
    with get_db().engine.connect() as connection:
        yield connection


@bp.app_template_filter("localtime")
def localtime(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time as the signed-in user reads it."""
    if moment is None:
        return "—"
    return moment.replace(tzinfo=UTC).astimezone(user_zone()).strftime(pattern)


@bp.app_template_global()
def filtered_url(endpoint: str, filters: Filters, **values) -> str:
    """An endpoint's URL carrying the filters, so bookmarks and refreshes keep them."""
    return url_for(endpoint, **values, **filters.params())


@bp.get("/")
def index():
    """The dashboard page; a filter change from htmx gets just the regions back."""
    filters = Filters.from_args(request.args)
    if request.htmx and not request.htmx.history_restore_request:
        response = bp_render("dashboard/_regions.html", filters=filters)
        canonical = filtered_url("dashboard.index", filters)
        return response, {"HX-Push-Url": canonical}
    with reading() as connection:
        options = listings.application_options(connection)
        sources = listings.known_sources(connection)
    if filters.source and filters.source not in sources:
        sources.append(filters.source)
    return bp_render(
        "dashboard/index.html", filters=filters, presets=PRESET_LABELS, custom=CUSTOM,
        applications=options, sources=sources,
    )


def bp_render(template: str, **context) -> str:
    """Render with the user's zone name, which every dashboard template may show."""
    return render_template(template, zone_name=str(user_zone()), **context)


@bp.get("/partials/cards")
def cards():
    """The summary cards, or the next step for someone without clicks yet."""
    scope = current_scope()
    rollups.fold(get_db())
    counted = _readers.submit(_read_apart, get_db().engine, visitors.visitor_count, scope)
    with reading() as connection:
        summary = queries.summary(connection, scope, counted.result)
        has_applications = bool(summary.clicks) or bool(listings.application_options(connection))
    return bp_render("dashboard/_cards.html", summary=summary, filters=scope.filters,
                     has_applications=has_applications)


def _chart(endpoint: str, figure_json: str | None, filters: Filters, label: str):
    return bp_render("dashboard/_chart.html", endpoint=endpoint, figure_json=figure_json,
                     filters=filters, label=label)


@bp.get("/partials/per-day")
def per_day():
    """Clicks per local day, stacked by source."""
    scope = current_scope()
    with reading() as connection:
        days, series = queries.clicks_per_day(connection, scope, utcnow())
    figure = charts.per_day(days, series) if days else None
    return _chart("dashboard.per_day", figure, scope.filters, "Clicks per day")


def _ranked_chart(endpoint: str, query, figure, label: str):
    scope = current_scope()
    with reading() as connection:
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
    with reading() as connection:
        rows, has_older = listings.click_page(connection, scope)
    return bp_render("dashboard/_clicks.html", rows=rows, has_older=has_older,
                     filters=scope.filters, describe=describe,
                     embedded=request.args.get("embedded") == "1")


@bp.get("/applications/<int:application_id>")
def application(application_id: int):
    """One application's story: who clicked which of its links, and when."""
    filters = Filters.from_args(request.args).with_changes(
        range="all", start=None, end=None, source=None, application_id=application_id
    )
    scope = queries.Scope.of(filters, user_zone(), utcnow())
    rollups.fold(get_db())
    with reading() as connection:
        header = listings.application_header(connection, application_id)
        if header is None:
            abort(404)
        links = listings.application_links(connection, scope, application_id)
    firsts = [link.first_click for link in links if link.first_click]
    lasts = [link.last_click for link in links if link.last_click]
    return bp_render(
        "dashboard/application.html", header=header, links=links, filters=filters,
        total=sum(link.clicks for link in links), first_click=min(firsts, default=None),
        last_click=max(lasts, default=None),
    )


from webapp import dashboard_export, dashboard_unmatched  # noqa: E402,F401  (they add routes to bp)
