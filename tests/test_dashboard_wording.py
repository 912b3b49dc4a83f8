"""The dashboard's words for ranges, changes and times, and hourly buckets across DST."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from webapp.dashboard import wording
from webapp.stats.buckets import buckets, hour_starts
from webapp.stats.filters import Filters
from webapp.stats.scope import Scope

NOW = datetime(2025, 11, 30, 15, 0)
UTC = ZoneInfo("UTC")


def label(filters: Filters, zone=UTC) -> str:
    return wording.range_label(Scope.of(filters, zone, NOW), NOW)


def test_the_range_button_states_its_dates():
    assert label(Filters()) == "Last 30 days: 31 Oct–30 Nov"
    assert label(Filters(range="7d")) == "Last 7 days: 23–30 Nov"
    assert label(Filters(range="24h")) == "Last 24 hours: 29–30 Nov"
    assert label(Filters(range="all")) == "All time"
    assert label(Filters(range="custom", start=date(2024, 12, 20), end=date(2025, 1, 3))) == (
        "20 Dec 2024–3 Jan 2025")
    assert label(Filters(range="custom", start=date(2025, 11, 3))) == "From 3–30 Nov"
    assert label(Filters(range="custom", end=date(2025, 11, 3))) == "Until 3 Nov 2025"
    # Dates are the user's: in Auckland it is already 1 December.
    assert label(Filters(range="7d"), ZoneInfo("Pacific/Auckland")) == "Last 7 days: 24 Nov–1 Dec"


def test_changes_against_the_previous_period():
    assert wording.change(12, 10, "previous 30 days") == "+20 % vs previous 30 days"
    assert wording.change(5, 10, "previous 7 days") == "−50 % vs previous 7 days"
    assert wording.change(3, 3, "previous 7 days") == "no change vs previous 7 days"
    assert wording.change(3, 0, "previous 7 days") == "none in the previous 7 days"
    assert wording.change(0, 0, "previous 7 days") == "none in the previous 7 days either"
    assert wording.direction(3, 1) == "up" and wording.direction(1, 3) == "down"
    scope = Scope.of(Filters(range="custom", start=date(2025, 11, 1), end=date(2025, 11, 10)),
                     UTC, NOW)
    before = wording.previous_period(scope, NOW)
    assert (before.start, before.end) == (datetime(2025, 10, 22), datetime(2025, 11, 1))
    assert wording.period_name(scope, NOW) == "previous 10 days"
    assert wording.previous_period(Scope.of(Filters(range="all"), UTC, NOW), NOW) is None


def test_relative_times():
    assert wording.ago(NOW - timedelta(seconds=30), NOW) == "just now"
    assert wording.ago(NOW - timedelta(minutes=5), NOW) == "5 min ago"
    assert wording.ago(NOW - timedelta(hours=2, minutes=59), NOW) == "2 h ago"
    assert wording.ago(NOW - timedelta(days=3), NOW) == "3 d ago"
    assert wording.ago(datetime(2025, 1, 2, 9), NOW) == "2 Jan 2025"
    assert wording.ago(None, NOW) == "never"


def test_hourly_buckets_step_in_elapsed_hours_across_a_dst_change():
    york = ZoneInfo("America/New_York")

    def to_local(moment):
        return moment.replace(tzinfo=UTC).astimezone(york).replace(tzinfo=None)

    # 2025-03-09 02:00 EST does not exist: local hours jump from 01:00 to 03:00.
    hours = hour_starts(datetime(2025, 3, 9, 5, 30), datetime(2025, 3, 9, 9, 0), to_local)
    assert [local.hour for _utc, local in hours] == [0, 1, 3, 4]
    assert hours[0][0] == datetime(2025, 3, 9, 5, 0)


def test_a_chosen_unit_is_kept_unless_it_draws_too_many_bars():
    assert buckets(date(2025, 1, 1), date(2025, 3, 31), "week")[0] == "week"
    assert buckets(date(2025, 1, 1), date(2025, 1, 31), "month")[1] == [date(2025, 1, 1)]
    assert buckets(date(2005, 1, 1), date(2024, 12, 31), "day")[0] == "month"  # 7,305 days
