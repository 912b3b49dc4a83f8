"""Dashboard filters as they live in the URL, so every view can be bookmarked and shared.

Parsing never fails: a value that makes no sense falls back to its default, and a refused
date says why in `notice`."""

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.kinds import BOT, KINDS, PERSON, PREVIEW, SCANNER, YOU
from webapp.rules import MAX_SOURCE_LENGTH, normalise_source

PRESETS: dict[str, timedelta | None] = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "all": None,
}
PRESET_LABELS = {"24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days",
                 "all": "All time"}
DEFAULT_RANGE = "30d"
CUSTOM = "custom"
MAX_PAGE = 100_000
EVERYONE = "everyone"
# The "who" filter: one kind of click, or every kind; people by default.
WHO_LABELS = {PERSON: "People", PREVIEW: "Link previews", SCANNER: "Scanners", BOT: "Bots",
              YOU: "You", EVERYONE: "Everyone"}
DEFAULT_WHO = PERSON


# The contract refuses clicks before 2000; a range past 2100 can only be a typo, and its
# end plus one day must stay a valid date (9999-12-31 + 1 day was a 500).
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
DATES_REFUSED = (f"Dates before {EARLIEST_DATE.isoformat()} or after "
                 f"{LATEST_DATE.isoformat()} are not used; showing the last 30 days.")
CUSTOM_NEEDS_DATES = "A custom range needs a From or a To date; showing the last 30 days."


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw else None
    except ValueError:
        return None


def _in_bounds(day: date | None) -> bool:
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


def _positive_int(raw: str | None, ceiling: int) -> int | None:
    try:
        value = int(raw) if raw else None
    except ValueError:
        return None
    return value if value is not None and 1 <= value <= ceiling else None


def _source(raw: str | None) -> str | None:
    return normalise_source(raw or "")[:MAX_SOURCE_LENGTH] or None


def local_midnight_utc(day: date, zone: ZoneInfo) -> datetime:
    """The naive UTC instant at which a day starts in the zone (DST-aware)."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Filters:
    """What the dashboard shows; defaults are the last 30 days of people's clicks."""

    range: str = DEFAULT_RANGE
    start: date | None = None
    end: date | None = None
    source: str | None = None
    application_id: int | None = None
    who: str = DEFAULT_WHO
    # Archived applications' clicks are left out unless asked for (or one is the filter).
    archived: bool = False
    page: int = 1
    notice: str | None = field(default=None, compare=False)

    @classmethod
    def from_args(cls, args: Mapping) -> "Filters":
        start, end = _date(args.get("from")), _date(args.get("to"))
        if start and end and start > end:
            start, end = end, start
        chosen, notice = args.get("range"), None
        if not (_in_bounds(start) and _in_bounds(end)):
            start = end = None
            notice = DATES_REFUSED
        elif chosen == CUSTOM and not (start or end):
            notice = CUSTOM_NEEDS_DATES
        # Dates count when the range says custom, or says nothing (a hand-written URL).
        if (chosen == CUSTOM or chosen is None) and (start or end):
            chosen = CUSTOM
        else:
            chosen = chosen if chosen in PRESETS else DEFAULT_RANGE
            start = end = None
        return cls(
            range=chosen,
            start=start,
            end=end,
            source=_source(args.get("source")),
            application_id=_positive_int(args.get("application"), 2**31 - 1),
            who=who if (who := (args.get("who") or "").strip().lower()) in WHO_LABELS
            else DEFAULT_WHO,
            archived=args.get("archived") == "1",
            page=_positive_int(args.get("page"), MAX_PAGE) or 1,
            notice=notice,
        )

    def params(self) -> dict[str, str]:
        """The non-default values under their URL names."""
        pairs = {
            "range": self.range if self.range != DEFAULT_RANGE else None,
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "source": self.source,
            "application": str(self.application_id) if self.application_id else None,
            "who": self.who if self.who != DEFAULT_WHO else None,
            "archived": "1" if self.archived else None,
            "page": str(self.page) if self.page > 1 else None,
        }
        return {name: value for name, value in pairs.items() if value is not None}

    def with_changes(self, **changes) -> "Filters":
        """A copy with some values changed; any change but the page starts at page 1."""
        names = {each.name for each in fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        if "page" not in changes:
            changes["page"] = 1
        return replace(self, **changes)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of click counted."""
        return KINDS if self.who == EVERYONE else (self.who,)

    @property
    def hides_archived(self) -> bool:
        """Whether archived applications' clicks are left out: by default, but never when
        the view is one application's."""
        return not (self.archived or self.application_id)

    @property
    def is_default(self) -> bool:
        return self.with_changes() == Filters()

    def window(self, zone: ZoneInfo, now: datetime) -> tuple[datetime | None, datetime | None]:
        """Naive UTC bounds [start, end) of the range; None means unbounded."""
        if self.range == CUSTOM:
            start = local_midnight_utc(self.start, zone) if self.start else None
            end = local_midnight_utc(self.end + timedelta(days=1), zone) if self.end else None
            return start, end
        span = PRESETS[self.range]
        return (now - span if span else None), None
