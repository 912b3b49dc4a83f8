"""Rows in, Plotly figure JSON out: no database, no Flask.

Sources and company names come from outside, and Plotly renders a few HTML-like tags in
labels and hover text, so every such string is escaped before it reaches a figure."""

import hashlib
import html
from datetime import date, datetime

import plotly.graph_objects as go

NO_SOURCE = "(no source)"
# Known sources keep their colour on every chart and every visit.
SOURCE_COLOURS = {
    "linkedin": "#2f6fb5",
    "resume": "#d9822b",
    "portfolio": "#2e9d6b",
    "email": "#8e5cc2",
    "calendly": "#1aa3b5",
    "github": "#5c6670",
    NO_SOURCE: "#a0a7ad",
    "Other sources": "#a0a7ad",  # queries.OTHER_SOURCES: the rest summed
}
# Other sources draw from this palette by a hash of their name: stable across requests.
PALETTE = ("#c2410c", "#0f766e", "#7c3aed", "#b45309", "#be185d", "#15803d", "#1d4ed8", "#854d0e")
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def text(value: str | None) -> str:
    """An untrusted string made inert for Plotly's label markup."""
    return html.escape(value if value is not None else NO_SOURCE, quote=False)


def source_colour(source: str | None) -> str:
    name = source if source is not None else NO_SOURCE
    if name in SOURCE_COLOURS:
        return SOURCE_COLOURS[name]
    digest = hashlib.blake2s(name.encode(), digest_size=2).digest()
    return PALETTE[int.from_bytes(digest, "big") % len(PALETTE)]


def source_name(source: str | None) -> str:
    """A source as the page names it (raw text: the template escapes it)."""
    return source if source is not None else NO_SOURCE


def _layout(title: str, x_title: str, y_title: str, **extra) -> dict:
    return dict(
        title=dict(text=title, x=0, xanchor="left", font=dict(size=16)),
        xaxis=dict(title=dict(text=x_title), automargin=True),
        yaxis=dict(title=dict(text=y_title), automargin=True, rangemode="tozero"),
        font=dict(family=FONT, size=13),
        margin=dict(l=8, r=8, t=48, b=8),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hoverlabel=dict(font=dict(family=FONT)),
        template="none",
        **extra,
    )


# How each bucket unit is titled, labelled on the axis and dated in the hover text.
UNITS = {
    "hour": ("Clicks per hour", "Hour (your time zone)", "%{x|%a %d %b, %H:00}"),
    "day": ("Clicks per day", "Day (your time zone)", "%{x|%a %d %b %Y}"),
    "week": ("Clicks per week", "Week starting (your time zone)", "Week of %{x|%d %b %Y}"),
    "month": ("Clicks per month", "Month (your time zone)", "%{x|%B %Y}"),
    "year": ("Clicks per year", "Year (your time zone)", "%{x|%Y}"),
}


# How the accessible table beside a chart names each bucket.
BUCKET_LABELS = {"hour": "%a %d %b %Y, %H:00", "day": "%a %d %b %Y", "week": "Week of %d %b %Y",
                 "month": "%B %Y", "year": "%Y"}


def bucket_label(start: date | datetime, unit: str) -> str:
    return start.strftime(BUCKET_LABELS[unit])


def per_day(days: list[date] | list[datetime], series: dict[str | None, list[int]],
            unit: str = "day") -> str:
    """A bar per local hour (or day, week, month, year), stacked by source; the hover names
    the bucket's total beside the source's count."""
    title, axis, when = UNITS[unit]
    x = [day.isoformat() for day in days]
    totals = [sum(counts) for counts in zip(*series.values(), strict=True)]
    traces = [
        go.Bar(
            x=x, y=counts, name=text(source), marker_color=source_colour(source),
            customdata=totals,
            hovertemplate=when + "<br>%{y} of %{customdata} clicks<extra>%{fullData.name}</extra>",
        )
        for source, counts in sorted(series.items(), key=lambda item: -sum(item[1]))
    ]
    layout = _layout(
        title, axis, "Clicks", barmode="stack",
        # Under the plot, from the left: a phone's narrow chart wraps it instead of pushing
        # it off the screen.
        legend=dict(orientation="h", x=0, xanchor="left", y=-0.3, yanchor="top"),
    )
    layout["xaxis"]["type"] = "date"
    del layout["title"]  # the region's own heading names the chart, beside the unit switch
    layout["margin"]["t"] = 8
    return go.Figure(data=traces, layout=layout).to_json()


SPARK_WIDTH, SPARK_HEIGHT = 80, 20


def sparkline(values: tuple[int, ...] | list[int]) -> str:
    """The points attribute of an SVG polyline drawing values in a SPARK_WIDTH x
    SPARK_HEIGHT box (numbers only, so the page carries no script and no untrusted text)."""
    if not values:
        return ""
    top = max(values) or 1
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    return " ".join(f"{index * step:.1f},{SPARK_HEIGHT - 1 - value * (SPARK_HEIGHT - 2) / top:.1f}"
                    for index, value in enumerate(values))
