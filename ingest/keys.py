"""Who is calling, counted how often: the API-key check (the configured key, then the
hashed key store, in constant time), the per-key rate limit, and the key's last use."""

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, or_, select, update

from webapp.database.db import Database
from webapp.models import ApiKey
from webapp.rules import hash_key
from webapp.timeutil import utcnow
from webapp.web import ratelimit

ENV_KEY_BUCKET = "env"

_keys = ApiKey.__table__


@dataclass(frozen=True)
class Caller:
    """An authenticated sender: its stored key (None for the configured key) and the
    bucket its requests are counted in."""

    key_id: int | None
    bucket: str
    last_used_at: datetime | None


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


def authenticate(db: Database, provided: str, configured: str | None) -> Caller | None:
    """The caller behind this X-API-Key value, or None for a missing, unknown or revoked key."""
    if configured_key_matches(provided, configured):
        return Caller(key_id=None, bucket=ENV_KEY_BUCKET, last_used_at=None)
    if not provided:
        return None
    with db.engine.connect() as connection:
        found = stored_key(connection, provided)
    if found is None:
        return None
    return Caller(key_id=found.id, bucket=f"key:{found.id}", last_used_at=found.last_used_at)


def count_request(db: Database, caller: Caller, rate_text: str) -> ratelimit.Verdict:
    """Count this request against the caller's per-key limit, across every worker."""
    with db.counters_transaction() as connection:
        return ratelimit.hit(connection, caller.bucket, ratelimit.parse_rate(rate_text))


def last_use_is_stale(last_used_at: datetime | None) -> bool:
    """Use is recorded at a minute's resolution: one cheap write a minute, not per request."""
    return last_used_at is None or last_used_at < utcnow().replace(second=0, microsecond=0)


def record_last_use(db: Database, caller: Caller) -> None:
    """Note when a stored key was last used, for the key list."""
    if caller.key_id is None or not last_use_is_stale(caller.last_used_at):
        return
    with db.bookkeeping_transaction() as connection:
        connection.execute(
            update(_keys).where(_keys.c.id == caller.key_id).values(last_used_at=utcnow())
        )


def key_label(provided: str) -> str:
    """What a log may say about a key: its first characters only."""
    return provided[:6] + "…" if provided else "(none)"
