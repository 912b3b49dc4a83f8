"""Time zones a person can choose, and the browser's zone taken on a first login."""

from functools import cache
from zoneinfo import available_timezones

from webapp.models import User
from webapp.timeutil import utcnow


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def choose(user: User, zone: str) -> None:
    """The owner picked a zone (the caller checked it is one)."""
    user.time_zone = zone
    user.time_zone_chosen_at = utcnow()


def adopt_browser_zone(user: User, zone: str) -> bool:
    """Take the zone the browser reports when none was ever chosen; say whether it was."""
    if user.time_zone_chosen_at is not None or zone not in time_zones():
        return False
    choose(user, zone)
    return True
