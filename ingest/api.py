"""The ingest door: /health, /test and /batch under /api/tracking-ingest."""

from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from ingest import keys
from ingest.body import BodyError, read_json_body
from ingest.errors import error_response
from ingest.store import store_batch
from ingest.validate import RequestShapeError, events_of, validate_events
from webapp.database.db import get_db
from webapp.timeutil import api_timestamp, utcnow

bp = Blueprint("ingest", __name__, url_prefix="/api/tracking-ingest")

RETRY_AFTER_SECONDS = 5
OPEN_ENDPOINTS = frozenset({"ingest.health", "ingest.openapi"})
# Werkzeug answers a path with doubled slashes (`//batch`) by redirecting to the merged
# path, built from the Host header; the door's paths are exact instead: anything else is a
# 404. Flask's automatic OPTIONS answer is an empty HTML body: here it is a JSON 405.
EXACT = {"merge_slashes": False, "provide_automatic_options": False}
OPENAPI_DOCUMENT = Path(__file__).with_name("openapi.json")

try:
    PACKAGE_VERSION = version("tracking-ingest")
except PackageNotFoundError:  # running from a checkout that was never installed
    PACKAGE_VERSION = "0+unknown"


def _unauthorized():
    return error_response(401, "Unauthorized", "Valid API key required in X-API-Key header")


def _rate_limited(retry_after: int):
    return error_response(
        429, "Too Many Requests", "Rate limit exceeded; retry after the given seconds",
        headers={"Retry-After": str(retry_after)},
    )


@bp.before_request
def require_api_key():
    """Authenticate and count the request before its body is read: an unauthenticated
    caller learns nothing about validation."""
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    db, config = get_db(), current_app.config
    provided = request.headers.get("X-API-Key", "")
    caller = keys.authenticate(db, provided, config.get("WEBHOOK_API_KEY"))
    if caller is None:
        current_app.logger.info("rejected API key %s", keys.key_label(provided))
        return _unauthorized()
    keys.record_last_use(db, caller)
    verdict = keys.count_request(db, caller, config["INGEST_RATE_LIMIT"])
    if not verdict.allowed:
        return _rate_limited(verdict.retry_after)
    g.api_key_id = caller.key_id
    return None


@bp.errorhandler(OperationalError)
def database_unavailable(exc: OperationalError):
    current_app.logger.error("database unavailable: %s", exc.orig)
    return error_response(
        503, "Service Unavailable", "Database unavailable; retry later",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


@bp.get("/health", **EXACT)
def health():
    """Liveness and database reachability."""
    body = {"service": "tracking_ingest_api", "version": PACKAGE_VERSION}
    try:
        with get_db().engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError:
        body |= {"status": "unhealthy", "database": "unavailable", "timestamp": api_timestamp()}
        return jsonify(body), 503
    body |= {"status": "healthy", "database": "ok", "timestamp": api_timestamp()}
    return jsonify(body)


@bp.get("/openapi.json", **EXACT)
def openapi():
    """The door described for senders and their tools (OpenAPI 3.1), kept in the repository."""
    return send_file(OPENAPI_DOCUMENT, mimetype="application/json", max_age=300)


@bp.post("/test", **EXACT)
def test_connection():
    """Tell a sender its key works."""
    return jsonify(
        success=True, message="API connection successful", authenticated=True,
        timestamp=api_timestamp(),
    )


def _validation_failed(errors: list[str]):
    return error_response(
        400, "Validation Failed", "One or more events failed validation", validation_errors=errors
    )


@bp.post("/batch", **EXACT)
def batch():
    """Store 1-1000 click events; valid ones are kept even when others are refused."""
    config = current_app.config
    try:
        events = events_of(
            read_json_body(request, config["INGEST_MAX_BODY_BYTES"]), config["INGEST_MAX_EVENTS"]
        )
    except BodyError as problem:
        return error_response(problem.status, problem.error, problem.message)
    except RequestShapeError as problem:
        return _validation_failed([str(problem)])

    received_at = utcnow()
    checked = validate_events(
        events, received_at, timedelta(hours=config["INGEST_MAX_FUTURE_HOURS"])
    )
    if not checked.rows:
        return _validation_failed(checked.errors)

    # A database that fails here is the app-wide 500 (ingest/errors.py), or 503 when it is
    # unreachable (database_unavailable); either way the transaction rolled back.
    stored = store_batch(get_db(), checked.rows, received_at, g.api_key_id)
    total = len(events)
    body = {
        "success": checked.failed == 0,
        "message": f"Processed {total} events",
        "results": {
            "total_events": total,
            "successful": len(checked.rows),
            "failed": checked.failed,
            "errors": checked.errors,
            "duplicates": stored.duplicates,
            "unmatched": stored.unmatched,
        },
        "timestamp": api_timestamp(),
    }
    if checked.failed:
        body["warning"] = f"{checked.failed} events failed to process"
        return jsonify(body), 207
    return jsonify(body)
