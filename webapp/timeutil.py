"""UTC time as the whole project stores and prints it."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Naive UTC now: every stored time is UTC without an offset."""
    return datetime.now(UTC).replace(tzinfo=None)


def api_timestamp(moment: datetime | None = None) -> str:
    """The contract's response timestamp: 2025-10-22T14:40:00.123456Z."""
    return (moment or utcnow()).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
