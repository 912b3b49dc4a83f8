"""Dashboard filters: from the URL and back, with defaults for anything that makes no sense."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from werkzeug.datastructures import MultiDict

from webapp.stats.filters import Filters

NOW = datetime(2025, 6, 15, 12, 0)


def parse(**args) -> Filters:
    return Filters.from_args(MultiDict(args))


def test_defaults_are_last_30_days_of_people():
    filters = parse()
    assert filters == Filters(range="30d", who="person", page=1)
    assert filters.params() == {}
    assert filters.is_default


@pytest.mark.parametrize("preset", ["24h", "7d", "30d", "90d", "all"])
def test_presets_round_trip(preset):
    filters = parse(range=preset)
    assert filters.range == preset
    assert Filters.from_args(MultiDict(filters.params())) == filters


@pytest.mark.parametrize(
    "args",
    [
        {"range": "1y"}, {"range": ""}, {"page": "0"}, {"page": "-3"}, {"page": "x"},
        {"page": "999999999"}, {"application": "abc"}, {"application": "0"},
        {"application": "99999999999999"}, {"from": "2025-13-01"}, {"to": "yesterday"},
        {"who": "robots"}, {"source": "   "},
    ],
)
def test_invalid_values_fall_back_to_defaults(args):
    assert parse(**args) == Filters()


def test_every_value_round_trips_through_the_query_string():
    filters = parse(range="custom", **{"from": "2025-03-01", "to": "2025-03-31"},
                    source=" LinkedIn ", application="7", who="Everyone ", page="3")
    assert filters == Filters(range="custom", start=date(2025, 3, 1), end=date(2025, 3, 31),
                              source="linkedin", application_id=7, who="everyone", page=3)
    again = Filters.from_args(MultiDict(filters.params()))
    assert again == filters
    assert filters.params()["page"] == "3"


def test_dates_without_a_range_mean_custom_and_are_put_in_order():
    filters = parse(**{"from": "2025-03-31", "to": "2025-03-01"})
    assert (filters.range, filters.start, filters.end) == (
        "custom", date(2025, 3, 1), date(2025, 3, 31)
    )


def test_a_preset_ignores_leftover_dates():
    filters = parse(range="7d", **{"from": "2025-03-01"})
    assert (filters.range, filters.start) == ("7d", None)


def test_custom_without_dates_falls_back_to_the_default_range():
    assert parse(range="custom") == Filters()


def test_a_long_source_is_cut_to_the_stored_length():
    assert parse(source="x" * 80).source == "x" * 50


def test_changes_start_again_at_page_one():
    filters = parse(page="4", source="email")
    assert filters.with_changes(source="resume").page == 1
    assert filters.with_changes(page=5).page == 5
    with pytest.raises(TypeError):
        filters.with_changes(colour="red")


def test_preset_window_is_relative_to_now():
    assert parse(range="7d").window(ZoneInfo("UTC"), NOW) == (datetime(2025, 6, 8, 12, 0), None)
    assert parse(range="all").window(ZoneInfo("UTC"), NOW) == (None, None)


def test_custom_window_runs_from_local_midnight_to_the_midnight_after_the_last_day():
    filters = parse(**{"from": "2025-03-09", "to": "2025-03-09"})
    # New York springs forward on 2025-03-09: the day starts at 05:00 UTC, the next at 04:00.
    assert filters.window(ZoneInfo("America/New_York"), NOW) == (
        datetime(2025, 3, 9, 5, 0), datetime(2025, 3, 10, 4, 0)
    )
    assert filters.window(ZoneInfo("Asia/Kolkata"), NOW) == (
        datetime(2025, 3, 8, 18, 30), datetime(2025, 3, 9, 18, 30)
    )


def test_open_ended_custom_window():
    filters = parse(**{"from": "2025-03-09"})
    assert filters.window(ZoneInfo("UTC"), NOW) == (datetime(2025, 3, 9), None)
