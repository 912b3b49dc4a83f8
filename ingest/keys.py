"""The API-key check: the configured key, then the hashed key store, in constant time."""

import hmac

from sqlalchemy import Connection, select, update

from webapp.apikeys import hash_key
from webapp.models import ApiKey
from webapp.timeutil import utcnow

ENV_KEY_BUCKET = "env"
LAST_USED_RESOLUTION_SECONDS = 60

_keys = ApiKey.__table__


def configured_key_matches(provided: str, configured: str | None) -> bool:
    return bool(configured) and hmac.compare_digest(provided.encode(), configured.encode())


def stored_key_id(connection: Connection, provided: str) -> int | None:
    """The id of the active stored key with this value. The lookup is by hash, so its
    timing says nothing about how close a guess was."""
    digest = hash_key(provided)
    found = connection.execute(
        select(_keys.c.id, _keys.c.key_hash).where(
            _keys.c.key_hash == digest, _keys.c.revoked_at.is_(None)
        )
    ).first()
    if found is None or not hmac.compare_digest(found.key_hash, digest):
        return None
    return found.id


def touch_last_used(connection: Connection, key_id: int) -> None:
    """Record use at a minute's resolution: one cheap write a minute, not one per request."""
    now = utcnow()
    cutoff = now.replace(second=0, microsecond=0)
    connection.execute(
        update(_keys)
        .where(_keys.c.id == key_id)
        .where((_keys.c.last_used_at.is_(None)) | (_keys.c.last_used_at < cutoff))
        .values(last_used_at=now)
    )


def key_label(provided: str) -> str:
    """What a log may say about a key: its first characters only."""
    return provided[:6] + "…" if provided else "(none)"
