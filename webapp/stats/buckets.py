"""Time buckets for the clicks chart: hours, days, weeks, months or years, whichever keeps a
range to at most a few dozen to a couple of hundred bars (a year-1 click once asked for
740,000); a person may ask for days, weeks or months within MAX_BARS."""

from datetime import date, datetime, timedelta

MAX_DAYS = 92  # 90 days stay daily bars
MAX_WEEKS = 104
MAX_MONTHS = 240
MAX_HOURS = 25  # a day (25 h across a DST change; the 24 hours preset) draws hourly bars
MAX_BARS = 400  # a unit a person picks is used while it draws at most this many bars
CHOSEN_UNITS = ("day", "week", "month")


def _month_start(day: date) -> date:
    return day.replace(day=1)


def next_bucket(unit: str, start: date) -> date:
    """The start of the bucket after the one starting at start."""
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    if unit == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _first_start(unit: str, day: date) -> date:
    if unit == "week":
        return day - timedelta(days=day.weekday())  # weeks start on Monday (ISO 8601)
    if unit == "month":
        return _month_start(day)
    if unit == "year":
        return date(day.year, 1, 1)
    return day


def unit_for(first: date, last: date) -> str:
    days = (last - first).days + 1
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if days <= MAX_DAYS:
        return "day"
    if days <= MAX_WEEKS * 7:
        return "week"
    return "month" if months <= MAX_MONTHS else "year"


def buckets(first: date, last: date, chosen: str | None = None) -> tuple[str, list[date]]:
    """(unit, the start of every bucket from first's to last's), local dates; the first
    bucket may start before first (a week's Monday): its counts start at first all the same.
    A chosen unit (day, week or month) is kept unless it would draw over MAX_BARS bars."""
    unit = chosen if chosen in CHOSEN_UNITS else unit_for(first, last)
    starts, current = [], _first_start(unit, first)
    while current <= last:
        starts.append(current)
        if len(starts) > MAX_BARS:
            return buckets(first, last)
        current = next_bucket(unit, current)
    return unit, starts


def hour_starts(start: datetime, end: datetime, to_local) -> list[tuple[datetime, datetime]]:
    """(UTC start, local wall-clock start) of every hour from the one holding start to end,
    stepping in elapsed UTC hours, so a DST change neither repeats nor drops a bar.
    to_local turns a naive UTC time into the local wall-clock time."""
    local = to_local(start)
    first = start - (local - local.replace(minute=0, second=0, microsecond=0))
    found, current = [], first
    while current < end:
        found.append((current, to_local(current)))
        current += timedelta(hours=1)
    return found
