"""Rows a person reads: pages of clicks, the CSV export, unknown tracking ids, an
application's links, and the options of the dashboard's forms. Same scopes and conditions
as the numbers in webapp.stats.queries, so a list always agrees with its chart."""

from collections import namedtuple
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from webapp.kinds import PERSON
from webapp.stats.filters import EVERYONE, Filters
from webapp.stats.rollups import Totals, kind_totals, link_totals
from webapp.stats.scope import (
    Scope,
    application_tracking_ids,
    applications,
    clicks,
    conditions,
    jobs,
    links,
    narrowing,
    unindexed_kind_condition,
)

UTC = ZoneInfo("UTC")

PER_PAGE = 25


def _click_rows(scope: Scope):
    """Clicks newest first, each with its application and link when one is registered."""
    where = conditions(scope)
    if not (scope.filters.source or scope.filters.application_id):
        # Unnarrowed, the newest clicks come straight off the clicked_at index. SQLite
        # without statistics would rather use the kind-led index and sort every click.
        where = [unindexed_kind_condition(scope), *narrowing(scope)]
    return (
        select(
            clicks.c.id, clicks.c.clicked_at, clicks.c.tracking_id, clicks.c.click_source,
            clicks.c.ip_address, clicks.c.user_agent, clicks.c.referrer_url, clicks.c.kind,
            clicks.c.reason, clicks.c.network, clicks.c.country,
            applications.c.id.label("application_id"), jobs.c.company, jobs.c.title,
            links.c.source.label("link_source"),
        )
        .select_from(clicks)
        .outerjoin(links, links.c.tracking_id == clicks.c.tracking_id)
        .outerjoin(jobs, jobs.c.id == links.c.job_id)
        .outerjoin(applications, applications.c.job_id == jobs.c.id)
        .where(*where)
        .order_by(clicks.c.clicked_at.desc(), clicks.c.id.desc())
    )


def click_page(connection: Connection, scope: Scope, per_page: int = PER_PAGE):
    """One page of clicks and whether an older page exists (no full count needed)."""
    offset = (scope.filters.page - 1) * per_page
    rows = connection.execute(_click_rows(scope).limit(per_page + 1).offset(offset)).all()
    return rows[:per_page], len(rows) > per_page


def click_count(connection: Connection, scope: Scope) -> int:
    """How many clicks the filters show, from the day rollups: the click list's "of 3,943"."""
    return sum(totals.clicks for totals in link_totals(connection, scope).values())


def every_click(connection: Connection, since: datetime | None, until: datetime | None,
                chunk: int = 1000) -> Iterator:
    """Every click of every kind, matched or not, oldest first, in [since, until) (UTC)."""
    window = ([clicks.c.clicked_at >= since] if since else []) + (
        [clicks.c.clicked_at < until] if until else [])
    query = _click_rows(Scope(Filters(range="all", who=EVERYONE), UTC, None, None))
    query = query.where(*window).order_by(None).order_by(clicks.c.clicked_at, clicks.c.id)
    yield from connection.execution_options(stream_results=True, yield_per=chunk).execute(query)


def export_rows(connection: Connection, scope: Scope, chunk: int = 1000) -> Iterator:
    """Every filtered click, fetched from a server-side cursor in chunks."""
    result = connection.execution_options(stream_results=True, yield_per=chunk).execute(
        _click_rows(scope)
    )
    yield from result


Unmatched = namedtuple("Unmatched", "tracking_id clicks first_seen last_seen")


def unmatched(connection: Connection) -> list[Unmatched]:
    """Tracking ids no link knows, with their clicks (bots included), first and last seen."""
    known = set(connection.scalars(select(links.c.tracking_id)))
    everything = Scope(Filters(range="all", who=EVERYONE), UTC, None, None)
    rows = [Unmatched(tracking_id, *totals)
            for tracking_id, totals in link_totals(connection, everything).items()
            if tracking_id not in known]
    return sorted(rows, key=lambda row: (-row.clicks, row.tracking_id))


AppLink = namedtuple("AppLink", "tracking_id source label clicks first_click last_click")


def application_links(connection: Connection, scope: Scope, application_id: int) -> list:
    """An application's links with their clicks, first and last click."""
    counted = link_totals(connection, scope)
    rows = connection.execute(
        select(links.c.tracking_id, links.c.source, links.c.label)
        .join(applications, applications.c.job_id == links.c.job_id)
        .where(applications.c.id == application_id)
        .order_by(links.c.created_at, links.c.id)
    ).all()
    nothing = Totals(0, None, None)
    return [AppLink(*row, *counted.get(row.tracking_id, nothing)) for row in rows]


def application_options(connection: Connection) -> list:
    """(id, "Company - Title") of every application, for the filter and link forms."""
    rows = connection.execute(
        select(applications.c.id, jobs.c.company, jobs.c.title)
        .join(jobs, jobs.c.id == applications.c.job_id)
        .order_by(applications.c.archived_at.is_not(None), jobs.c.company, jobs.c.title)
    ).all()
    return [(row.id, f"{row.company} - {row.title}") for row in rows]


def known_sources(connection: Connection) -> list[str]:
    """Sources of registered links, for the source filter (clicks' own sources are too
    costly to list over millions of rows and would let a sender flood the menu)."""
    return list(connection.scalars(select(links.c.source).distinct().order_by(links.c.source)))


def application_header(connection: Connection, application_id: int):
    """Company, title, status and dates of one application, or None."""
    return connection.execute(
        select(
            applications.c.id, applications.c.status, applications.c.applied_on,
            applications.c.archived_at, jobs.c.company, jobs.c.title, jobs.c.posting_url,
            jobs.c.location,
        )
        .join(jobs, jobs.c.id == applications.c.job_id)
        .where(applications.c.id == application_id)
    ).one_or_none()



FirstLook = namedtuple("FirstLook", "first_person before")
BEFORE_FIRST_PERSON = 5


def first_look(connection: Connection, scope: Scope) -> FirstLook:
    """When a person first clicked one of an application's links in the scope's window (the
    scope names the application), and the previews, scans and bots that came before it in the
    window: what the job seeker most wants to know."""
    everyone = scope.filters.with_changes(who=EVERYONE)
    per_kind = kind_totals(connection, Scope(everyone, scope.zone, scope.start, scope.end))
    people = [totals.first for (kind, _id), totals in per_kind.items() if kind == PERSON]
    first_person = min(people, default=None)
    earliest = min((totals.first for totals in per_kind.values()), default=None)
    if earliest is None or (first_person is not None and earliest >= first_person):
        return FirstLook(first_person, [])
    before = [clicks.c.clicked_at >= earliest, clicks.c.kind != PERSON,
              clicks.c.tracking_id.in_(application_tracking_ids(scope.filters.application_id))]
    if first_person is not None:
        before.append(clicks.c.clicked_at < first_person)
    elif scope.end is not None:
        before.append(clicks.c.clicked_at < scope.end)
    rows = connection.execute(
        select(clicks.c.clicked_at, clicks.c.kind, clicks.c.reason, clicks.c.network,
               clicks.c.country, links.c.source)
        .outerjoin(links, links.c.tracking_id == clicks.c.tracking_id)
        .where(*before).order_by(clicks.c.clicked_at).limit(BEFORE_FIRST_PERSON)
    ).all()
    return FirstLook(first_person, rows)
