"""Template helpers every page shares: times in the user's zone and URLs that keep filters."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, url_for
from flask_login import current_user

from webapp.stats.filters import Filters

UTC_ZONE = ZoneInfo("UTC")


def user_zone() -> ZoneInfo:
    """The signed-in user's zone; UTC for anyone else or an unknown name."""
    name = getattr(current_user, "time_zone", None) or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def localtime(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M",
              missing: str = "—") -> str:
    """A stored UTC time as the signed-in user reads it; a time the zone cannot reach
    (year 1 west of UTC) is shown in UTC instead of failing the page."""
    if moment is None:
        return missing
    try:
        return moment.replace(tzinfo=UTC).astimezone(user_zone()).strftime(pattern)
    except OverflowError:
        return moment.strftime(pattern) + " UTC"


def filtered_url(endpoint: str, filters: Filters, **values) -> str:
    """An endpoint's URL carrying the filters, so bookmarks and refreshes keep them."""
    return url_for(endpoint, **values, **filters.params())


def application_url(application_id: int, filters: Filters) -> str:
    """An application's page in the range (and who) being looked at. The range is always
    named: the page's own default is all time, not the dashboard's last 30 days."""
    kept = filters.with_changes(source=None, application_id=None)
    return url_for("applications.show", application_id=application_id,
                   **{**kept.params(), "range": kept.range})


def init_app(app: Flask) -> None:
    app.add_template_filter(localtime, "localtime")
    app.add_template_global(filtered_url)
    app.add_template_global(application_url)
    app.add_template_global(user_zone)
