"""One pass over a batch: clean rows ready to insert, and an "Event N: ..." line per problem."""

import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import orjson

TRACKING_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
MAX_METADATA_BYTES = 8192

# Optional plain-string fields and their longest allowed length, in the contract's order.
_TEXT_LIMITS = {"user_agent": 500, "click_source": 50, "referrer_url": 1000, "session_id": 100}


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
    if "events" not in payload or payload["events"] is None:
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
    if not ("T" in text or "t" in text or text[10:11] == " "):
        return None  # a date alone is not a click time
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):
        return None
    return moment


def _valid_ip(text: str) -> str | None:
    if len(text) > 45:
        return None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def dedup_key(row: dict, clicked_at_supplied: bool) -> str | None:
    """The retry-safe identity of a click (CONTRACT.md, De-duplication), hashed to 32 hex."""
    if row["event_id"] is not None:
        material = "e\0" + row["event_id"]
    elif clicked_at_supplied:
        parts = (row["tracking_id"], row["clicked_at"].isoformat(timespec="microseconds"),
                 row["ip_address"], row["user_agent"], row["click_source"])
        material = "c\0" + "\0".join("\1" if part is None else part for part in parts)
    else:
        return None
    return hashlib.blake2b(material.encode(), digest_size=16).hexdigest()


def _check_event(n: int, event, received_at: datetime, latest: datetime) -> tuple[dict | None, list]:
    if not isinstance(event, dict):
        return None, [f"Event {n}: Event must be a JSON object"]
    problems = []
    get = event.get

    tracking_id = get("tracking_id")
    if tracking_id is None:
        problems.append(f"Event {n}: Missing required field: tracking_id")
    elif not isinstance(tracking_id, str):
        problems.append(f"Event {n}: tracking_id must be a string")
    elif not TRACKING_ID.fullmatch(tracking_id):
        problems.append(f"Event {n}: Invalid tracking_id format")

    clicked_at = get("clicked_at")
    supplied = clicked_at is not None
    if not supplied:
        clicked_at = received_at
    elif not isinstance(clicked_at, str):
        problems.append(f"Event {n}: clicked_at must be a string")
    else:
        clicked_at = parse_clicked_at(clicked_at)
        if clicked_at is None:
            problems.append(f"Event {n}: Invalid clicked_at format (must be ISO 8601 datetime)")
        elif clicked_at > latest:
            problems.append(f"Event {n}: clicked_at is in the future")

    ip_address = get("ip_address")
    if ip_address is not None:
        if not isinstance(ip_address, str):
            problems.append(f"Event {n}: ip_address must be a string")
        else:
            ip_address = _valid_ip(ip_address)
            if ip_address is None:
                problems.append(f"Event {n}: Invalid ip_address (must be an IPv4 or IPv6 address)")

    texts = {}
    for name, limit in _TEXT_LIMITS.items():
        value = get(name)
        if value is None:
            texts[name] = None
            continue
        if not isinstance(value, str):
            problems.append(f"Event {n}: {name} must be a string")
            continue
        if name == "click_source":
            value = value.strip().lower() or None
        if value is not None and len(value) > limit:
            problems.append(f"Event {n}: {name} exceeds {limit} characters")
        texts[name] = value

    metadata = get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            problems.append(f"Event {n}: metadata must be a JSON object")
        elif len(orjson.dumps(metadata)) > MAX_METADATA_BYTES:
            problems.append(f"Event {n}: metadata exceeds {MAX_METADATA_BYTES} bytes")

    event_id = get("event_id")
    if event_id is not None:
        if not isinstance(event_id, str):
            problems.append(f"Event {n}: event_id must be a string")
        elif len(event_id) > 100:
            problems.append(f"Event {n}: event_id exceeds 100 characters")
        event_id = event_id or None  # an empty id identifies nothing

    if problems:
        return None, problems
    row = {
        "tracking_id": tracking_id,
        "clicked_at": clicked_at,
        "received_at": received_at,
        "ip_address": ip_address,
        **texts,
        "metadata": metadata,
        "event_id": event_id,
    }
    row["dedup_key"] = dedup_key(row, supplied)
    return row, problems


def validate_events(events: list, received_at: datetime, max_future: timedelta) -> BatchValidation:
    """Check every event; valid ones become rows, each problem becomes one error line."""
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
