"""Chart figures: titles, axis labels, stable colours, and untrusted strings kept as text."""

import json
from datetime import date, datetime

from webapp.presentation import charts

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


def strings_in(value):
    """Every string anywhere in a figure."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def test_source_colours_are_stable_and_known_sources_keep_theirs():
    assert charts.source_colour("linkedin") == charts.SOURCE_COLOURS["linkedin"]
    assert charts.source_colour(None) == charts.SOURCE_COLOURS[charts.NO_SOURCE]
    first = charts.source_colour("newsletter")
    assert first == charts.source_colour("newsletter") and first in charts.PALETTE


def test_same_source_same_colour_on_every_visit():
    first = json.loads(charts.per_day([date(2025, 1, 1)], {"linkedin": [3], "email": [1]}))
    again = json.loads(charts.per_day([date(2025, 1, 2)], {"email": [2], "linkedin": [1]}))
    colours = {trace["name"]: trace["marker"]["color"] for trace in first["data"]}
    assert colours == {trace["name"]: trace["marker"]["color"] for trace in again["data"]}


def test_per_day_is_stacked_with_titles_and_axis_labels():
    figure = json.loads(charts.per_day(
        [date(2025, 1, 1), date(2025, 1, 2)], {"linkedin": [1, 2], None: [0, 1]}
    ))
    layout = figure["layout"]
    assert layout["barmode"] == "stack"
    assert layout["xaxis"]["title"]["text"] == "Day (your time zone)"
    assert layout["yaxis"]["title"]["text"] == "Clicks"
    assert [trace["name"] for trace in figure["data"]] == ["linkedin", charts.NO_SOURCE]
    assert figure["data"][0]["x"] == ["2025-01-01", "2025-01-02"]
    assert "clicks" in figure["data"][0]["hovertemplate"]


def test_hover_gives_each_bucket_its_total_and_hours_have_their_own_titles():
    figure = json.loads(charts.per_day(
        [datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 10)], {"linkedin": [1, 2], "email": [3, 0]},
        "hour"))
    assert charts.UNITS["hour"][0] == "Clicks per hour"
    assert all(trace["customdata"] == [4, 2] for trace in figure["data"])
    assert "of %{customdata} clicks" in figure["data"][0]["hovertemplate"]
    assert charts.bucket_label(datetime(2025, 1, 1, 9), "hour") == "Wed 01 Jan 2025, 09:00"


def test_sparkline_points_fit_the_box_and_start_at_the_bottom_for_zero():
    points = [tuple(map(float, pair.split(","))) for pair in charts.sparkline((0, 2, 1)).split()]
    assert points[0] == (0.0, charts.SPARK_HEIGHT - 1) and points[1][1] == 1.0
    assert points[-1][0] == charts.SPARK_WIDTH and charts.sparkline(()) == ""


def test_untrusted_strings_never_reach_a_figure_as_markup():
    strings = list(strings_in(json.loads(charts.per_day([date(2025, 1, 1)], {XSS: [1]}))))
    assert not any("<img" in value for value in strings)
    assert any(ESCAPED in value for value in strings)
