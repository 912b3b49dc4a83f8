"""What a tracking id and a source are, for both doors: a link registered on the dashboard
must match the clicks the ingest door stores (CONTRACT.md, fields of one event)."""

import re

TRACKING_ID = re.compile(r"[A-Za-z0-9._~-]{1,100}")
MAX_SOURCE_LENGTH = 50


def normalise_source(source: str) -> str:
    """A click_source as stored: trimmed and lower-cased, inner spaces kept as sent."""
    return source.strip().lower()
