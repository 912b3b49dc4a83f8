"""What both doors agree on: what a tracking id and a source are (a link registered on
the dashboard must match the clicks the ingest door stores; ingest/openapi.json), and
how a stored API key is hashed."""

import hashlib
import re

TRACKING_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
MAX_SOURCE_LENGTH = 50


def normalise_source(source: str) -> str:
    """A click_source as stored: trimmed and lower-cased, inner spaces kept as sent."""
    return source.strip().lower()


def hash_key(plain: str) -> str:
    """An API key as stored: SHA-256, so the store never holds a usable key."""
    return hashlib.sha256(plain.encode()).hexdigest()
