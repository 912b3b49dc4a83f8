"""Where a login may send the browser next: only somewhere on this site."""

from urllib.parse import urlsplit


def safe_next(target: str | None) -> str | None:
    """The target when it is a local path, else None (open redirects lead to phishing)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
