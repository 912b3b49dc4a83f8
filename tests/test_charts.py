"""Chart figures: titles, axis labels, stable colours, and untrusted strings kept as text."""

import json
from datetime import date

from webapp import charts

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


def test_same_source_same_colour_on_every_chart():
    day = json.loads(charts.per_day([date(2025, 1, 1)], {"linkedin": [3], "email": [1]}))
    bars = json.loads(charts.by_source([("linkedin", 3), ("email", 1)]))
    colours = {trace["name"]: trace["marker"]["color"] for trace in day["data"]}
    assert bars["data"][0]["marker"]["color"] == [colours["linkedin"], colours["email"]]


def test_per_day_is_stacked_with_titles_and_axis_labels():
    figure = json.loads(charts.per_day(
        [date(2025, 1, 1), date(2025, 1, 2)], {"linkedin": [1, 2], None: [0, 1]}
    ))
    layout = figure["layout"]
    assert layout["barmode"] == "stack"
    assert layout["title"]["text"] == "Clicks per day"
    assert layout["xaxis"]["title"]["text"] == "Day (your time zone)"
    assert layout["yaxis"]["title"]["text"] == "Clicks"
    assert [trace["name"] for trace in figure["data"]] == ["linkedin", charts.NO_SOURCE]
    assert figure["data"][0]["x"] == ["2025-01-01", "2025-01-02"]
    assert "clicks" in figure["data"][0]["hovertemplate"]


def test_ranked_charts_have_titles_and_axis_labels():
    source = json.loads(charts.by_source([("linkedin", 5)]))["layout"]
    application = json.loads(charts.by_application([("Acme - Engineer", 5)]))["layout"]
    assert (source["title"]["text"], source["xaxis"]["title"]["text"],
            source["yaxis"]["title"]["text"]) == ("Clicks by source", "Clicks", "Source")
    assert (application["title"]["text"], application["yaxis"]["title"]["text"]) == (
        "Clicks by application", "Application")


def test_untrusted_strings_never_reach_a_figure_as_markup():
    figures = [
        charts.per_day([date(2025, 1, 1)], {XSS: [1]}),
        charts.by_source([(XSS, 1)]),
        charts.by_application([(f"{XSS} - A & B", 1)]),
    ]
    for figure in figures:
        strings = list(strings_in(json.loads(figure)))
        assert not any("<img" in value for value in strings)
        assert any(ESCAPED in value for value in strings)
    application = json.loads(figures[2])["data"][0]
    assert application["customdata"] == [f"{ESCAPED} - A &amp; B"]


def test_long_application_labels_are_shortened_but_hover_keeps_them_whole():
    label = "Very Long Company Name Incorporated - Principal Staff Engineer, Platform"
    trace = json.loads(charts.by_application([(label, 1)]))["data"][0]
    assert len(trace["y"][0]) == charts.LABEL_LENGTH and trace["y"][0].endswith("…")
    assert trace["customdata"] == [label]
