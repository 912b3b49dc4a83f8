"""The dashboard: a page whose regions load lazily, one endpoint per region, filters in the URL."""

from collections import namedtuple
from functools import partial

from flask import Blueprint, abort, redirect, render_template, request
from flask_login import login_required

from webapp.alerts.outbox import failing_channels
from webapp.dashboard import chips, kind_words, wording
from webapp.dashboard.context import current_scope, read_apart, settled_reading
from webapp.database.db import get_db, get_session
from webapp.presentation import charts
from webapp.presentation.formatting import filtered_url, user_zone
from webapp.presentation.useragents import describe
from webapp.stats import activity, devices, listings, queries, visitors
from webapp.stats.buckets import CHOSEN_UNITS
from webapp.stats.filters import WHO_LABELS, Filters
from webapp.stats.scope import Scope
from webapp.timeutil import utcnow

bp = Blueprint("dashboard", __name__)

TOP_ROWS = 8  # rows of a ranked list before "View all"
ALL_ROWS = 200  # sources past this many (a sender's flood) are summed as one row
Ranked = namedtuple("Ranked", "key label clicks filters")


@bp.before_request
@login_required
def require_login():
    """Every view here shows the signed-in owner's clicks."""


@bp.app_template_filter("ago")
def ago(moment):
    """"3 h ago": a stored UTC time as a person says it."""
    return wording.ago(moment, utcnow())


def _board_context(filters: Filters) -> dict:
    """What the filter bar shows: the range in words, the chips, the menus' options."""
    scope = Scope.of(filters, user_zone(), utcnow())
    with get_db().read() as connection:
        options = listings.application_options(connection)
        sources = listings.known_sources(connection)
    if filters.source and filters.source not in sources:
        sources.append(filters.source)
    return {"filters": filters, "applications": options, "sources": sources,
            "who_labels": WHO_LABELS, "chips": chips.chips(filters, dict(options)),
            **wording.range_picker(scope, utcnow())}


@bp.get("/")
def index():
    """The dashboard page; a filter change from htmx gets the filter bar and regions back."""
    filters = Filters.from_args(request.args)
    context = _board_context(filters)
    if request.htmx and not request.htmx.history_restore_request:
        response = render_template("dashboard/_board.html", **context)
        return response, {"HX-Push-Url": filtered_url("dashboard.index", filters)}
    return render_template("dashboard/index.html", **context)


COMPARED = ("clicks", "visitors", "applications", "unmatched")


@bp.get("/partials/cards")
def cards():
    """The summary cards, or the next step for someone without clicks yet. Their changes
    against the previous period arrive from /partials/changes, so the numbers come first."""
    scope = current_scope()
    now = utcnow()
    with settled_reading() as connection:
        counted = read_apart(visitors.visitor_count, scope)
        weekly = read_apart(partial(activity.people_this_week, now=now), scope)
        summary = queries.summary(connection, scope, counted.result)
        options = dict(listings.application_options(connection))
        week = weekly.result()
        failing = failing_channels(connection)
    return render_template(
        "dashboard/_cards.html", summary=summary, filters=scope.filters,
        has_applications=bool(summary.clicks) or bool(options),
        left_out=kind_words.left_out(summary.left_out), compared=COMPARED,
        compares=wording.previous_period(scope, now) is not None,
        week=week, week_links=sorted(((options[each], each) for each in week.applications
                                      if each in options)),
        failing=failing,
    )


def _given_counts() -> queries.Counted | None:
    """The current counts the cards put in the changes URL, or None if one is missing."""
    try:
        return queries.Counted(*(max(0, int(request.args[name])) for name in COMPARED))
    except (KeyError, ValueError):
        return None


@bp.get("/partials/changes")
def changes():
    """Each card's change against the previous period of the same length ("+12 % vs
    previous 30 days"), swapped into the cards out of band. The cards pass their own counts
    in the URL, so only the previous period is read here (a changed URL only changes what
    its own reader sees)."""
    scope = current_scope()
    now = utcnow()
    before = wording.previous_period(scope, now)
    current = _given_counts()
    if before is None or current is None:
        abort(404)
    with settled_reading() as connection:
        earlier = read_apart(visitors.visitor_count, before)  # the costliest read, beside
        then = queries.counted(connection, before, earlier.result)
    period = wording.period_name(scope, now)
    found = {name: (wording.change(getattr(current, name), getattr(then, name), period),
                    wording.direction(getattr(current, name), getattr(then, name)))
             for name in COMPARED}
    return render_template("dashboard/_changes.html", found=found)


def _chosen_unit() -> str | None:
    unit = request.args.get("by")
    return unit if unit in CHOSEN_UNITS else None


@bp.get("/partials/per-day")
def per_day():
    """Clicks per local hour, day, week or month, stacked by source, with the same numbers
    in a table for those who do not use a mouse or cannot see the chart."""
    scope = current_scope()
    chosen = _chosen_unit()
    with get_db().read() as connection:
        timeline = queries.clicks_per_day(connection, scope, utcnow(), chosen)
    figure = charts.per_day(*timeline) if timeline.starts else None
    return render_template(
        "dashboard/_chart.html", endpoint="dashboard.per_day", figure_json=figure,
        filters=scope.filters, label=charts.UNITS[timeline.unit][0], timeline=timeline,
        chosen=chosen, units=CHOSEN_UNITS, source_name=charts.source_name,
        bucket_label=charts.bucket_label)


def _ranked(endpoint: str, title: str, rows: list, filters: Filters, noun: str):
    showing_all = request.args.get("all") == "1"
    return render_template(
        "dashboard/_ranked.html", endpoint=endpoint, title=title, noun=noun,
        rows=rows if showing_all else rows[:TOP_ROWS], total_rows=len(rows),
        showing_all=showing_all, filters=filters,
        largest=max((row.clicks for row in rows), default=0))


@bp.get("/partials/by-source")
def by_source():
    """Clicks per source, ranked; a row filters the dashboard to its source."""
    scope = current_scope()
    with get_db().read() as connection:
        rows = [Ranked(source, charts.source_name(source), count,
                       scope.filters.with_changes(source=source) if source and
                       source != queries.OTHER_SOURCES else None)
                for source, count in queries.clicks_by_source(connection, scope, top=ALL_ROWS)]
    return _ranked("dashboard.by_source", "Clicks by source", rows, scope.filters, "sources")


@bp.get("/partials/by-application")
def by_application():
    """Clicks per application, every one ranked (none hidden in an "Other"); a row filters
    the dashboard to its application."""
    scope = current_scope()
    with get_db().read() as connection:
        rows = [Ranked(application_id, label, count,
                       scope.filters.with_changes(application_id=application_id))
                for application_id, label, count in queries.applications_ranked(connection, scope)]
    return _ranked("dashboard.by_application", "Clicks by application", rows, scope.filters,
                   "applications")


@bp.get("/partials/clicks")
def clicks():
    """One page of the click list, newest first."""
    scope = current_scope()
    with get_db().read() as connection:
        rows, has_older = listings.click_page(connection, scope)
        total = listings.click_count(connection, scope) if rows or has_older else 0
    first = (scope.filters.page - 1) * listings.PER_PAGE + 1
    return render_template("dashboard/_clicks.html", rows=rows, has_older=has_older,
                  total=total, first=first, last=first + len(rows) - 1,
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
    """An application's first look by a person in the range, and the previews and scans
    before it (the application's page names the range; all time by default)."""
    scope = current_scope(source=None)
    if not scope.filters.application_id:
        abort(404)
    with settled_reading() as connection:
        found = listings.first_look(connection, scope)
    return render_template("dashboard/_first_look.html", found=found, filters=scope.filters,
                           badges=kind_words.BADGES)
