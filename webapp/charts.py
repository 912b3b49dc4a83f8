"""Rows in, Plotly figure JSON out: no database, no Flask.

Sources and company names come from outside, and Plotly renders a few HTML-like tags in
labels and hover text, so every such string is escaped before it reaches a figure."""

import hashlib
import html
from datetime import date

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
APPLICATION_COLOUR = "#2f6fb5"
OTHER = "Other"  # the bar queries.clicks_by_application sums the rest into
OTHER_COLOUR = "#a0a7ad"
LABEL_LENGTH = 40
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


def _short(label: str) -> str:
    """Long "Company - Title" labels would squeeze the bars; hover text keeps them whole."""
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


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
    "day": ("Clicks per day", "Day (your time zone)", "%{x|%a %d %b %Y}"),
    "week": ("Clicks per week", "Week starting (your time zone)", "Week of %{x|%d %b %Y}"),
    "month": ("Clicks per month", "Month (your time zone)", "%{x|%B %Y}"),
    "year": ("Clicks per year", "Year (your time zone)", "%{x|%Y}"),
}


def per_day(days: list[date], series: dict[str | None, list[int]], unit: str = "day") -> str:
    """A bar per local day (or week, month, year), stacked by source."""
    title, axis, when = UNITS[unit]
    x = [day.isoformat() for day in days]
    traces = [
        go.Bar(
            x=x, y=counts, name=text(source), marker_color=source_colour(source),
            hovertemplate=when + "<br>%{y} clicks<extra>%{fullData.name}</extra>",
        )
        for source, counts in sorted(series.items(), key=lambda item: -sum(item[1]))
    ]
    layout = _layout(
        title, axis, "Clicks", barmode="stack",
        legend=dict(orientation="h", x=1, xanchor="right", y=1.02, yanchor="bottom"),
    )
    layout["xaxis"]["type"] = "date"
    return go.Figure(data=traces, layout=layout).to_json()


def by_source(rows: list[tuple[str | None, int]]) -> str:
    """Clicks per source, largest first, each bar in its source's colour."""
    labels = [text(source) for source, _count in rows]
    figure = go.Figure(
        go.Bar(
            x=[count for _source, count in rows], y=labels, orientation="h",
            marker_color=[source_colour(source) for source, _count in rows],
            hovertemplate="%{y}<br>%{x} clicks<extra></extra>",
        ),
        layout=_layout("Clicks by source", "Clicks", "Source", showlegend=False),
    )
    figure.update_yaxes(autorange="reversed")
    return figure.to_json()


def by_application(rows: list[tuple[str, int]]) -> str:
    """Clicks per application ("Company - Title"), top ones first."""
    labels = [text(_short(label)) for label, _count in rows]
    figure = go.Figure(
        go.Bar(
            x=[count for _label, count in rows], y=labels, orientation="h",
            marker_color=[OTHER_COLOUR if label == OTHER else APPLICATION_COLOUR
                          for label, _count in rows],
            customdata=[text(label) for label, _count in rows],
            hovertemplate="%{customdata}<br>%{x} clicks<extra></extra>",
        ),
        layout=_layout("Clicks by application", "Clicks", "Application", showlegend=False),
    )
    figure.update_yaxes(autorange="reversed")
    return figure.to_json()
