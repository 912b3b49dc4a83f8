"""Slowing down password guessing without locking the owner out (OWASP's device cookie
scheme, "Slow Down Online Guessing Attacks with Device Cookies"):

- every attempt is counted before the password is checked, so concurrent guesses cannot
  slip past the limit while their checks run;
- a browser that has signed in to an account carries a signed device cookie for it and is
  counted on its own (a guesser elsewhere cannot use up its attempts);
- every other browser is counted per account and per address, as before."""

import hashlib
import math
import secrets
import time

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Connection

from webapp.web import ratelimit
from webapp.web.ratelimit import Rate

PER_EMAIL = Rate(5, 15 * 60)
# One address may try a few accounts (or share a NAT), so it gets more room than one email.
PER_IP = Rate(20, 15 * 60)
# A device that signed in before is the owner's own, almost surely: room for typos.
PER_DEVICE = Rate(10, 15 * 60)
DEVICE_COOKIE = "device"
DEVICE_COOKIE_DAYS = 365


def _email_hash(email: str) -> str:
    """Bucket names hash the email: it may be longer than a bucket name and need not be kept."""
    return hashlib.sha256(email.encode()).hexdigest()[:32]


def _signer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="login-device")


def device_cookie(secret_key: str, email: str) -> str:
    """A new device cookie: which account this browser signed in to, and a nonce of its own."""
    return _signer(secret_key).dumps([_email_hash(email), secrets.token_urlsafe(12)])


def trusted_device(secret_key: str, cookie: str | None, email: str) -> str | None:
    """The device's nonce when its cookie is genuine and names this account, else None."""
    if not cookie:
        return None
    try:
        account, nonce = _signer(secret_key).loads(cookie)
    except (BadSignature, ValueError, TypeError):
        return None
    return nonce if account == _email_hash(email) else None


def buckets(email: str, ip: str | None, device: str | None = None) -> dict[str, Rate]:
    """The buckets one attempt counts in: the device's own, or the account's and address's."""
    if device is not None:
        return {f"login:device:{device}": PER_DEVICE}
    return {f"login:email:{_email_hash(email)}": PER_EMAIL, f"login:ip:{ip or 'unknown'}": PER_IP}


def count_attempt(connection: Connection, limits: dict[str, Rate],
                  now: float | None = None) -> int:
    """Count one attempt in every bucket, then say how many seconds until another is allowed
    (0: this one may be checked). Counting first makes the limit hold under concurrency."""
    now = time.time() if now is None else now
    wait = 0
    for bucket, rate in limits.items():
        verdict = ratelimit.hit(connection, bucket, rate, now)
        if not verdict.allowed:
            wait = max(wait, verdict.retry_after)
    return wait


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
