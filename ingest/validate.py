"""One pass over a batch: clean rows ready to insert, and an "Event N: ..." line per problem."""

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from ingest.metadata import metadata_problems, surely_storable
from webapp.rules import MAX_SOURCE_LENGTH, TRACKING_ID, normalise_source

# Canonical dotted-quad IPv4 (no leading zeros) needs no further parsing; the rest goes
# through ipaddress, which also normalises IPv6 spellings.
_PLAIN_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")
MAX_METADATA_BYTES = 8192
EARLIEST_CLICK = datetime(2000, 1, 1)
_UTC_SUFFIXES = ("Z", "+00:00")
_INVALID_IP = "Invalid ip_address (must be an IPv4 or IPv6 address)"
MISSING_TRACKING_ID = "Missing required field: tracking_id"


class RequestShapeError(ValueError):
    """The body as a whole is unusable; nothing in it is stored."""


class Refused(Exception):
    """One field of one event is refused; each argument is one error text without its "Event N:"."""


@dataclass
class BatchValidation:
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: int = 0


def events_of(payload, max_events: int) -> list:
    """The events array of a parsed body, or RequestShapeError saying what is wrong."""
    if not isinstance(payload, dict):
        raise RequestShapeError("Request body must be a JSON object")
    if payload.get("events") is None:
        raise RequestShapeError("Missing required field: events")
    events = payload["events"]
    if not isinstance(events, list):
        raise RequestShapeError("events must be an array")
    if not events:
        raise RequestShapeError("events must contain at least 1 event")
    if len(events) > max_events:
        raise RequestShapeError(f"events must contain at most {max_events} events")
    return events


def parse_clicked_at(text: str) -> datetime | None:
    """ISO 8601 date and time to naive UTC; no offset means UTC. None when unreadable."""
    if "T" not in text and "t" not in text and text[10:11] != " ":
        return None  # a date alone is not a click time
    try:
        for utc_suffix in _UTC_SUFFIXES:  # the common case, without time-zone arithmetic
            if text.endswith(utc_suffix):
                moment = datetime.fromisoformat(text[: -len(utc_suffix)])
                return moment if moment.tzinfo is None else None  # two offsets: unreadable
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None
    return moment


def normalised_ip(text: str) -> str | None:
    """The address in its canonical spelling, or None when it is not an IP address. A zone
    id (`fe80::1%eth0`) names an interface of the sender's machine, and PostgreSQL's inet
    refuses it: it is not an address."""
    if _PLAIN_IPV4.fullmatch(text):
        return text
    if len(text) > 45 or "%" in text:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def dedup_key(tracking_id, ip_address, user_agent, click_source) -> int:
    """What, beside clicked_at, makes a click without event_id the same click (README,
    "Sending clicks"), as a signed 64-bit hash: a narrow key keeps the unique index cheap."""
    material = "\0".join((tracking_id, ip_address or "\1", user_agent or "\1", click_source or "\1"))
    return int.from_bytes(hashlib.blake2b(material.encode(), digest_size=8).digest(), "big",
                          signed=True)


def _string_or_refuse(name: str, value) -> None:
    """Refuse a value that is not a string, or a string with NUL characters, which PostgreSQL
    cannot store in text."""
    if type(value) is not str:
        raise Refused(f"{name} must be a string")
    if "\0" in value:
        raise Refused(f"{name} must not contain NUL characters")


def _tracking_id(value) -> str:
    if type(value) is str and TRACKING_ID.fullmatch(value):
        return value
    _string_or_refuse("tracking_id", value)
    raise Refused("Invalid tracking_id format")


def _clicked_at_check(latest: datetime):
    """The check of the sender's click time: naive UTC, inside [EARLIEST_CLICK, latest]."""

    def clicked_at(value) -> datetime:
        # NUL first: CPython's fromisoformat stops reading at one ("...Z\0junk" parses).
        if type(value) is not str or "\0" in value:
            _string_or_refuse("clicked_at", value)
        moment = parse_clicked_at(value)
        if moment is None:
            raise Refused("Invalid clicked_at format (must be ISO 8601 datetime)")
        if moment > latest:
            raise Refused("clicked_at is in the future")
        if moment < EARLIEST_CLICK:
            raise Refused("clicked_at is before 2000-01-01")
        return moment

    return clicked_at


def _ip_address(value) -> str:
    if type(value) is str:
        address = normalised_ip(value)
        if address is not None:
            return address
    _string_or_refuse("ip_address", value)
    raise Refused(_INVALID_IP)


def _text_check(name: str, limit: int):
    """The check of a free-text field: a string of at most limit characters."""

    def text(value) -> str:
        if type(value) is not str or "\0" in value:
            _string_or_refuse(name, value)
        if len(value) > limit:
            raise Refused(f"{name} exceeds {limit} characters")
        return value

    return text


_user_agent = _text_check("user_agent", 500)
_click_source_text = _text_check("click_source", MAX_SOURCE_LENGTH)
_referrer_url = _text_check("referrer_url", 1000)
_session_id = _text_check("session_id", 100)
_event_id_text = _text_check("event_id", 100)


def _click_source(value) -> str | None:
    """Stored trimmed and lower-cased: one spelling per source for the dashboard's filters."""
    if type(value) is str:
        value = normalise_source(value)
    return _click_source_text(value) or None


def _event_id(value) -> str | None:
    return _event_id_text(value) or None  # an empty id identifies nothing


def _metadata(value) -> str:
    """The metadata object serialised to JSON text, as it will be stored and as it is measured."""
    if type(value) is not dict:
        raise Refused("metadata must be a JSON object")
    try:
        serialised = orjson.dumps(value)
    except orjson.JSONEncodeError:
        serialised = None  # too deep or a number orjson cannot write: the walk says which
    if serialised is None or not surely_storable(serialised):
        problems = metadata_problems(value)
        if problems:
            raise Refused(*problems)
    if len(serialised) > MAX_METADATA_BYTES:
        raise Refused(f"metadata exceeds {MAX_METADATA_BYTES} bytes")
    return serialised.decode()


def _field_checks(latest: datetime) -> tuple:
    """(field, check) in the contract's field order; a check takes a present (not null)
    value and returns its clean form or raises Refused."""
    return (
        ("tracking_id", _tracking_id),
        ("clicked_at", _clicked_at_check(latest)),
        ("ip_address", _ip_address),
        ("user_agent", _user_agent),
        ("click_source", _click_source),
        ("referrer_url", _referrer_url),
        ("session_id", _session_id),
        ("metadata", _metadata),
        ("event_id", _event_id),
    )


def _check_event(n: int, event, checks: tuple):
    """(row, None) for a valid event, (None, problems) otherwise."""
    if type(event) is not dict:
        return None, [f"Event {n}: Event must be a JSON object"]
    get = event.get
    row = {}
    problems = [] if get("tracking_id") is not None else [f"Event {n}: {MISSING_TRACKING_ID}"]
    for name, check in checks:
        value = get(name)
        if value is None:  # null and absent are the same
            row[name] = None
            continue
        try:
            row[name] = check(value)
        except Refused as refused:
            problems.extend(f"Event {n}: {text}" for text in refused.args)
    return (None, problems) if problems else (row, None)


def _completed(row: dict, received_at: datetime) -> dict:
    """The row as stored: the receive time stands in for an absent clicked_at, and a click
    without event_id but with the sender's time gets its de-duplication key."""
    sender_time = row["clicked_at"]
    row["dedup_key"] = (
        dedup_key(row["tracking_id"], row["ip_address"], row["user_agent"], row["click_source"])
        if sender_time is not None and row["event_id"] is None else None
    )
    row["clicked_at"] = sender_time or received_at
    return row


def validate_events(events: list, received_at: datetime, max_future: timedelta) -> BatchValidation:
    """Check every event; valid ones become rows, each problem becomes one error line.

    Rows carry metadata already serialised to JSON text, as it was measured."""
    outcome = BatchValidation()
    checks = _field_checks(received_at + max_future)
    for n, event in enumerate(events, start=1):
        row, problems = _check_event(n, event, checks)
        if row is None:
            outcome.failed += 1
            outcome.errors.extend(problems)
        else:
            outcome.rows.append(_completed(row, received_at))
    return outcome
