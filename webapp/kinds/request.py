"""Request details a sender may add to an event's metadata (the README's sender section):
{"method": "HEAD", "accept_language": "en-GB,en;q=0.9", "sec_fetch_mode": "navigate"}.
A key left out means "not reported" (no evidence either way); a key present with an empty
value, null or false means the request did not carry that header."""

from typing import NamedTuple


class RequestDetails(NamedTuple):
    method: str | None
    accept_language: bool | None
    sec_fetch_mode: bool | None


def _carried(metadata: dict, key: str) -> bool | None:
    if key not in metadata:
        return None
    return bool(metadata[key])


def details_from_metadata(metadata: dict | None) -> RequestDetails:
    """The details as Click fields; senders written from the guide report none of them."""
    if not isinstance(metadata, dict):
        return RequestDetails(None, None, None)
    method = metadata.get("method")
    return RequestDetails(
        method.upper() if isinstance(method, str) and method else None,
        _carried(metadata, "accept_language"),
        _carried(metadata, "sec_fetch_mode"),
    )
