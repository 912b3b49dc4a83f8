"""One pass over a batch: clean rows ready to insert, and an "Event N: ..." line per problem."""

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

from webapp.rules import MAX_SOURCE_LENGTH, TRACKING_ID, normalise_source

# Canonical dotted-quad IPv4 (no leading zeros) needs no further parsing; the rest goes
# through ipaddress, which also normalises IPv6 spellings.
_PLAIN_IPV4 = re.compile(r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)")
MAX_METADATA_BYTES = 8192
_UTC_SUFFIXES = ("Z", "+00:00")



class RequestShapeError(ValueError):
    """The body as a whole is unusable; nothing in it is stored."""


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
    """The address in its canonical spelling, or None when it is not an IP address."""
    if _PLAIN_IPV4.fullmatch(text):
        return text
    if len(text) > 45:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def dedup_key(tracking_id, ip_address, user_agent, click_source) -> int:
    """What, beside clicked_at, makes a click without event_id the same click (CONTRACT.md,
    De-duplication), as a signed 64-bit hash: a narrow key keeps the unique index cheap."""
    material = "\0".join((tracking_id, ip_address or "\1", user_agent or "\1", click_source or "\1"))
    return int.from_bytes(hashlib.blake2b(material.encode(), digest_size=8).digest(), "big",
                          signed=True)


def _checked_text(n: int, value, name: str, limit: int, problems: list):
    """An optional string field's value, or None after recording what is wrong with it."""
    if value is None or (type(value) is str and len(value) <= limit):
        return value
    if type(value) is not str:
        problems.append(f"Event {n}: {name} must be a string")
    else:
        problems.append(f"Event {n}: {name} exceeds {limit} characters")
    return None


def _check_event(n: int, event, received_at: datetime, latest: datetime):
    """(row, None) for a valid event, (None, problems) otherwise."""
    if type(event) is not dict:
        return None, [f"Event {n}: Event must be a JSON object"]
    problems = []
    get = event.get

    tracking_id = get("tracking_id")
    if tracking_id is None:
        problems.append(f"Event {n}: Missing required field: tracking_id")
    elif type(tracking_id) is not str:
        problems.append(f"Event {n}: tracking_id must be a string")
    elif not TRACKING_ID.fullmatch(tracking_id):
        problems.append(f"Event {n}: Invalid tracking_id format")

    clicked_at = get("clicked_at")
    if clicked_at is not None:
        if type(clicked_at) is not str:
            problems.append(f"Event {n}: clicked_at must be a string")
        else:
            clicked_at = parse_clicked_at(clicked_at)
            if clicked_at is None:
                problems.append(f"Event {n}: Invalid clicked_at format (must be ISO 8601 datetime)")
            elif clicked_at > latest:
                problems.append(f"Event {n}: clicked_at is in the future")

    ip_address = get("ip_address")
    if ip_address is not None:
        if type(ip_address) is not str:
            problems.append(f"Event {n}: ip_address must be a string")
        else:
            ip_address = normalised_ip(ip_address)
            if ip_address is None:
                problems.append(f"Event {n}: Invalid ip_address (must be an IPv4 or IPv6 address)")

    user_agent = _checked_text(n, get("user_agent"), "user_agent", 500, problems)
    click_source = get("click_source")
    if type(click_source) is str:
        click_source = normalise_source(click_source) or None
    click_source = _checked_text(n, click_source, "click_source", MAX_SOURCE_LENGTH, problems)
    referrer_url = _checked_text(n, get("referrer_url"), "referrer_url", 1000, problems)
    session_id = _checked_text(n, get("session_id"), "session_id", 100, problems)

    metadata = get("metadata")
    if metadata is not None:
        if type(metadata) is not dict:
            problems.append(f"Event {n}: metadata must be a JSON object")
        else:
            serialised = orjson.dumps(metadata)
            if len(serialised) > MAX_METADATA_BYTES:
                problems.append(f"Event {n}: metadata exceeds {MAX_METADATA_BYTES} bytes")
            metadata = serialised.decode()

    event_id = get("event_id")
    if event_id is not None:
        if type(event_id) is not str:
            problems.append(f"Event {n}: event_id must be a string")
        elif len(event_id) > 100:
            problems.append(f"Event {n}: event_id exceeds 100 characters")
        event_id = event_id or None  # an empty id identifies nothing

    if problems:
        return None, problems
    return {
        "tracking_id": tracking_id,
        "clicked_at": clicked_at or received_at,
        "ip_address": ip_address,
        "user_agent": user_agent,
        "click_source": click_source,
        "referrer_url": referrer_url,
        "session_id": session_id,
        "metadata": metadata,
        "event_id": event_id,
        "dedup_key": (
            dedup_key(tracking_id, ip_address, user_agent, click_source)
            if event_id is None and clicked_at is not None else None
        ),
    }, None


def validate_events(events: list, received_at: datetime, max_future: timedelta) -> BatchValidation:
    """Check every event; valid ones become rows, each problem becomes one error line.

    Rows carry metadata already serialised to JSON text, as it was measured."""
    outcome = BatchValidation()
    latest = received_at + max_future
    for n, event in enumerate(events, start=1):
        row, problems = _check_event(n, event, received_at, latest)
        if row is None:
            outcome.failed += 1
            outcome.errors.extend(problems)
        else:
            outcome.rows.append(row)
    return outcome
