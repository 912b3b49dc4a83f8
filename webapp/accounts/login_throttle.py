"""Slowing down password guessing: failed logins are counted per email and per client IP."""

import hashlib
import math
import time

from sqlalchemy import Connection, select

from webapp import ratelimit
from webapp.models import RateLimitWindow
from webapp.ratelimit import Rate

PER_EMAIL = Rate(5, 15 * 60)
# One address may try a few accounts (or share a NAT), so it gets more room than one email.
PER_IP = Rate(20, 15 * 60)


def buckets(email: str, ip: str | None) -> dict[str, Rate]:
    """Bucket names hash the email: it may be longer than a bucket name and need not be kept."""
    email_hash = hashlib.sha256(email.encode()).hexdigest()[:32]
    return {f"login:email:{email_hash}": PER_EMAIL, f"login:ip:{ip or 'unknown'}": PER_IP}


def blocked_seconds(connection: Connection, limits: dict[str, Rate],
                    now: float | None = None) -> int:
    """Seconds until another attempt is allowed; 0 when it is allowed now."""
    now = time.time() if now is None else now
    table = RateLimitWindow.__table__
    wait = 0
    for bucket, rate in limits.items():
        window = int(now // rate.period_seconds)
        hits = connection.scalar(
            select(table.c.hits).where(table.c.bucket == bucket, table.c.window_start == window)
        )
        if hits is not None and hits >= rate.limit:
            wait = max(wait, math.ceil((window + 1) * rate.period_seconds - now))
    return wait


def record_failure(connection: Connection, limits: dict[str, Rate],
                   now: float | None = None) -> None:
    """Count one failed attempt in every bucket, inside the caller's write transaction."""
    for bucket, rate in limits.items():
        ratelimit.hit(connection, bucket, rate, now)


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
