"""How the dashboard puts numbers and times into words: the range with its dates, the change
against the previous period, and "3 h ago"."""

from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from webapp.stats.filters import CUSTOM, PRESET_LABELS
from webapp.stats.scope import Scope

UTC = ZoneInfo("UTC")


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone)


def span_of_dates(first: datetime, last: datetime) -> str:
    """"1-30 Nov", "28 Oct-3 Nov", "12 Dec 2024-3 Jan 2025" or "3 Nov" (local dates)."""
    if first.date() == last.date():
        return f"{first.day} {first:%b}"
    if first.year != last.year:
        return f"{first.day} {first:%b %Y}–{last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b}–{last.day} {last:%b}"
    return f"{first.day}–{last.day} {last:%b}"


def range_label(scope: Scope, now: datetime) -> str:
    """What the range button says: the range and its local dates ("Last 30 days: 1-30 Nov")."""
    f = scope.filters
    if f.range == "all":
        return "All time"
    first = _local(scope.start, scope.zone) if scope.start else None
    last = _local((scope.end or now) - timedelta(microseconds=1), scope.zone)
    if f.range == CUSTOM:
        if first is None:
            return f"Until {last.day} {last:%b %Y}"
        return ("From " if scope.end is None else "") + span_of_dates(first, last)
    name = "Last " + PRESET_LABELS[f.range].lower()
    return f"{name}: {span_of_dates(first, last)}"


def range_picker(scope: Scope, now: datetime) -> dict:
    """What templates/dashboard/_range_picker.html needs: the presets and the range in words."""
    return {"presets": PRESET_LABELS, "custom": CUSTOM, "range_label": range_label(scope, now)}


def previous_period(scope: Scope, now: datetime) -> Scope | None:
    """The period of the same length just before the scope's window (None for all time)."""
    if scope.start is None:
        return None
    end = scope.end or now
    return replace(scope, start=scope.start - (end - scope.start), end=scope.start)


def period_name(scope: Scope, now: datetime) -> str:
    """"previous 30 days", "previous 24 hours": the period a change is measured against."""
    if scope.filters.range in PRESET_LABELS:
        return "previous " + PRESET_LABELS[scope.filters.range].lower()
    days = round(((scope.end or now) - scope.start) / timedelta(days=1))
    return f"previous {days} day{'s' if days != 1 else ''}"


def change(current: int, previous: int | None, period: str) -> str:
    """"+12 % vs previous 30 days", "no change vs ...", "new: none in the previous ..."."""
    if previous is None:
        return ""
    if previous == 0:
        return f"none in the {period}" if current else f"none in the {period} either"
    if current == previous:
        return f"no change vs {period}"
    percent = round((current - previous) * 100 / previous)
    return f"{percent:+d} % vs {period}".replace("-", "−")


def direction(current: int, previous: int | None) -> str:
    """up, down or same: the arrow a change gets."""
    if previous is None or current == previous:
        return "same"
    return "up" if current > previous else "down"


def ago(moment: datetime | None, now: datetime) -> str:
    """"just now", "5 min ago", "3 h ago", "2 d ago", then the date: a time as a person
    says it (the exact time goes in the title beside it)."""
    if moment is None:
        return "never"
    elapsed = now - moment
    if elapsed < timedelta(minutes=1):
        return "just now"
    if elapsed < timedelta(hours=1):
        return f"{elapsed // timedelta(minutes=1)} min ago"
    if elapsed < timedelta(days=1):
        return f"{elapsed // timedelta(hours=1)} h ago"
    if elapsed < timedelta(days=30):
        return f"{elapsed // timedelta(days=1)} d ago"
    return f"{moment.day} {moment:%b %Y}"
