"""The API-key check: the configured key, then the hashed key store, in constant time."""

import hmac
from datetime import datetime

from sqlalchemy import Connection, or_, select, update

from webapp.accounts.apikeys import hash_key
from webapp.models import ApiKey
from webapp.timeutil import utcnow

ENV_KEY_BUCKET = "env"

_keys = ApiKey.__table__


def configured_key_matches(provided: str, configured: str | None) -> bool:
    return bool(configured) and hmac.compare_digest(provided.encode(), configured.encode())


def stored_key(connection: Connection, provided: str):
    """The active stored key with this value (id, last_used_at), or None. The lookup is by
    hash, so its timing says nothing about how close a guess was."""
    digest = hash_key(provided)
    found = connection.execute(
        select(_keys.c.id, _keys.c.key_hash, _keys.c.last_used_at).where(
            _keys.c.key_hash == digest, _keys.c.revoked_at.is_(None),
            or_(_keys.c.expires_at.is_(None), _keys.c.expires_at > utcnow()),
        )
    ).first()
    if found is None or not hmac.compare_digest(found.key_hash, digest):
        return None
    return found


def last_use_is_stale(last_used_at: datetime | None) -> bool:
    """Use is recorded at a minute's resolution: one cheap write a minute, not per request."""
    return last_used_at is None or last_used_at < utcnow().replace(second=0, microsecond=0)


def touch_last_used(connection: Connection, key_id: int) -> None:
    connection.execute(update(_keys).where(_keys.c.id == key_id).values(last_used_at=utcnow()))


def key_label(provided: str) -> str:
    """What a log may say about a key: its first characters only."""
    return provided[:6] + "…" if provided else "(none)"
