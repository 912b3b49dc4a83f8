"""The ingest key store: keys are shown once and kept only as a SHA-256 hash.

A key is 32 random bytes, so a fast hash is enough: there is nothing to brute-force.
"""

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from webapp.models import ApiKey
from webapp.rules import hash_key
from webapp.timeutil import utcnow

KEY_PREFIX = "ti_"
VISIBLE_PREFIX_LENGTH = 10


def visible_prefix(plain: str) -> str:
    """Enough of a key for a person to recognise it, never enough to use it."""
    return plain[:VISIBLE_PREFIX_LENGTH]


def create_key(session: Session, name: str) -> tuple[ApiKey, str]:
    """Store a new key and return it with its plain value, which is never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValueError("A key name is 1 to 100 characters.")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise ValueError(f"A key named {name!r} already exists.")
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, prefix=visible_prefix(plain), key_hash=hash_key(plain))
    session.add(key)
    session.flush()
    return key, plain


def list_keys(session: Session) -> list[ApiKey]:
    """The keys senders use; the console's short-lived keys are not among them."""
    return list(session.scalars(
        select(ApiKey).where(ApiKey.expires_at.is_(None))
        .order_by(ApiKey.created_at, ApiKey.id)))


def create_short_lived_key(session: Session, minutes: int) -> tuple[ApiKey, str]:
    """A key for the signed-in test console: the same door as a sender's key, gone after
    minutes (the door checks expires_at) or at logout."""
    key, plain = create_key(session, f"test console {secrets.token_hex(6)}")
    key.expires_at = utcnow() + timedelta(minutes=minutes)
    return key, plain


def revoke_short_lived(session: Session) -> None:
    """End every console key at once (logout); the caller commits."""
    session.execute(update(ApiKey).where(
        ApiKey.expires_at.is_not(None), ApiKey.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_key(session: Session, name: str) -> ApiKey:
    """Revoke by name; the check reads the store on every request, so it takes effect at once."""
    key = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if key is None:
        raise LookupError(f"No key named {name!r}.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
    return key


def active_key_exists(session: Session) -> bool:
    return session.scalar(select(ApiKey.id).where(ApiKey.revoked_at.is_(None)).limit(1)) is not None
