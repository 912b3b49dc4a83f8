"""Per application, what the applications list and the "this week" card answer: its people
and clicks in the window, a trend, its last person, whether a person came after you applied.
Every figure comes from the day rollups (webapp.stats.rollups) in a fixed number of reads,
however many applications there are: no query per application."""

from collections import Counter, namedtuple
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from math import ceil

from sqlalchemy import Connection, func, select

from webapp.kinds import PERSON
from webapp.stats.filters import EVERYONE, Filters, local_midnight_utc
from webapp.stats.rollups import (
    day_range,
    has_whole_days,
    kind_totals,
    link_days,
    raw_parts,
    whole_days,
)
from webapp.stats.scope import Scope, applications, clicks, links

TREND_POINTS = 31  # a sparkline's points at most: the 31 UTC days a 30-day window touches, or runs of days

Activity = namedtuple("Activity", "people clicks trend last_person new_since_applied")
NO_ACTIVITY = Activity(0, 0, (), None, False)


def owners(connection: Connection) -> dict[str, int]:
    """Registered tracking ids with their application's id: a small table."""
    return dict(connection.execute(
        select(links.c.tracking_id, applications.c.id)
        .join(applications, applications.c.job_id == links.c.job_id)).all())


def _window(scope: Scope, **changes) -> Scope:
    """The scope's window with other filters (who, source, application) as given, archived
    applications included (nothing hidden): the list decides which applications it shows."""
    return Scope(Filters(range="all", **changes), scope.zone, scope.start, scope.end)


def _people_per_day(connection: Connection, scope: Scope) -> Counter:
    """People's clicks per (tracking id, UTC day) in the window: whole days from link_days,
    the edge days and clicks not folded yet from link_clicks (the rollups' three parts)."""
    people = _window(scope, who=PERSON)
    first, end = whole_days(people)
    counted: Counter = Counter()
    if has_whole_days(first, end):
        rows = connection.execute(
            select(link_days.c.tracking_id, link_days.c.day, func.sum(link_days.c.clicks))
            .where(link_days.c.kind == PERSON, *day_range(link_days.c.day, first, end))
            .group_by(link_days.c.tracking_id, link_days.c.day))
        for tracking_id, day, count in rows:
            counted[tracking_id, day] += int(count)
    for where in raw_parts(connection, people, first, end):
        for tracking_id, moment in connection.execute(
                select(clicks.c.tracking_id, clicks.c.clicked_at).where(*where)):
            counted[tracking_id, moment.date()] += 1
    return counted


def _trend(per_day: Counter, first_day: date, last_day: date) -> tuple[int, ...]:
    """Counts per run of days from first_day to last_day, at most TREND_POINTS runs."""
    days = (last_day - first_day).days + 1
    width = max(1, ceil(days / TREND_POINTS))
    points = [0] * ceil(days / width)
    for day, count in per_day.items():
        if first_day <= day <= last_day:
            points[(day - first_day).days // width] += count
    return tuple(points)


def last_people(connection: Connection, scope: Scope) -> dict[str, datetime]:
    """Each tracking id's last person's click, of all time (the scope gives the zone)."""
    ever = Scope(Filters(range="all", who=PERSON), scope.zone, None, None)
    return {tracking_id: totals.last
            for (_kind, tracking_id), totals in kind_totals(connection, ever).items()}


def application_activity(
    connection: Connection, scope: Scope, now: datetime, applied_on: dict[int, date | None],
    lasts: Callable[[], dict[str, datetime]] | None = None,
) -> dict[int, Activity]:
    """Activity of each application in applied_on (its id -> the day you applied) in the
    scope's window; applications nobody clicked get NO_ACTIVITY. lasts, when given, yields
    last_people's answer, run elsewhere at the same time (it reads all time)."""
    owner = owners(connection)
    people: Counter = Counter()
    every: Counter = Counter()
    for (kind, tracking_id), totals in kind_totals(connection, _window(scope, who=EVERYONE)).items():
        if tracking_id in owner:
            every[owner[tracking_id]] += totals.clicks
            if kind == PERSON:
                people[owner[tracking_id]] += totals.clicks
    last_person: dict[int, datetime] = {}
    for tracking_id, last in (lasts() if lasts else last_people(connection, scope)).items():
        if tracking_id in owner:
            seen = last_person.get(owner[tracking_id])
            last_person[owner[tracking_id]] = max(seen or last, last)
    per_day: dict[int, Counter] = {}
    for (tracking_id, day), count in _people_per_day(connection, scope).items():
        if tracking_id in owner:
            per_day.setdefault(owner[tracking_id], Counter())[day] += count
    earliest = min((day for counted in per_day.values() for day in counted), default=None)
    first_day = scope.start.date() if scope.start else earliest
    last_day = (scope.end - timedelta(microseconds=1)).date() if scope.end else now.date()
    found = {}
    for application_id, applied in applied_on.items():
        last = last_person.get(application_id)
        since = local_midnight_utc(applied, scope.zone) if applied else None
        found[application_id] = Activity(
            people=people[application_id], clicks=every[application_id],
            trend=_trend(per_day.get(application_id, Counter()), first_day, last_day)
            if first_day and first_day <= last_day else (),
            last_person=last,
            new_since_applied=bool(last and since and last >= since),
        )
    return found


Week = namedtuple("Week", "applications previous")


def people_this_week(connection: Connection, scope: Scope, now: datetime) -> Week:
    """The applications a person clicked in the last 7 days (ids), and how many had one in
    the 7 days before (the scope gives the zone and the links it leaves out)."""
    owner = owners(connection)
    people = Filters(range="all", who=PERSON)

    def clicked(start: datetime, end: datetime) -> set[int]:
        week = replace(scope, filters=people, start=start, end=end)
        return {owner[tracking_id] for (_kind, tracking_id) in kind_totals(connection, week)
                if tracking_id in owner}

    week = timedelta(days=7)
    return Week(clicked(now - week, now), len(clicked(now - 2 * week, now - week)))
