"""Configuration in layers: defaults, then the environment, then a test_config dict."""

import os
import secrets
from pathlib import Path

# Settings an operator may set in the environment, with the type each one is read as.
ENVIRONMENT_SETTINGS: dict[str, type] = {
    "DATABASE_URL": str,
    "WEBHOOK_API_KEY": str,
    "SECRET_KEY": str,
    "INGEST_RATE_LIMIT": str,
    "INGEST_MAX_BODY_BYTES": int,
    "INGEST_MAX_EVENTS": int,
    "INGEST_MAX_FUTURE_HOURS": float,
    "TRACKED_LINK_TEMPLATE": str,
    "SESSION_COOKIE_SECURE": bool,
    "PUBLIC_URL": str,
}


def defaults(instance_path: str) -> dict:
    """The settings a fresh checkout runs with: a SQLite file in the instance folder."""
    return {
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / 'tracking.db'}",
        "WEBHOOK_API_KEY": None,
        "INGEST_RATE_LIMIT": "120/minute",
        "INGEST_MAX_BODY_BYTES": 5 * 1024 * 1024,
        "INGEST_MAX_EVENTS": 1000,
        "INGEST_MAX_FUTURE_HOURS": 24.0,
        "TRACKED_LINK_TEMPLATE": "https://steve-glen.com/{source}?tid={tracking_id}",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        # How many proxies in front set X-Forwarded-For/-Proto: 0 trusts no such header.
        "TRUSTED_PROXIES": 0,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
    }


def _parse(kind: type, raw: str):
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return kind(raw)


def from_environment(environ=os.environ) -> dict:
    """The settings given in the environment; an empty variable counts as unset."""
    return {
        name: _parse(kind, environ[name])
        for name, kind in ENVIRONMENT_SETTINGS.items()
        if environ.get(name, "").strip()
    }


def instance_secret_key(instance_path: str) -> str:
    """Generate the session key once and keep it, so restarts and workers share it."""
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="ascii") as new_file:
            os.chmod(path, 0o600)
            new_file.write(secrets.token_urlsafe(48))
    except FileExistsError:
        pass
    return path.read_text(encoding="ascii").strip()
