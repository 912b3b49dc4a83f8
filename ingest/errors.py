"""Every response under /api/ is JSON, errors included: one error_response() for all."""

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from webapp.timeutil import api_timestamp

API_PREFIX = "/api/"
GENERIC_FAILURE = "The server failed to answer the request"
# The guide's 500 message for a batch; every other /api/ failure says it in general.
FAILURE_MESSAGES = {"ingest.batch": "Failed to process tracking batch"}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(status: int, error: str, message: str, headers=None, **extra):
    body = {"success": False, "error": error, "message": message, **extra}
    body["timestamp"] = api_timestamp()
    response = jsonify(body)
    response.status_code = status
    if headers:
        response.headers.update(headers)
    return response


def http_error(exc: HTTPException):
    """An HTTP error under /api/ in the API's JSON shape, its headers (Allow...) kept."""
    headers = {k: v for k, v in exc.get_headers() if k.lower() not in ("content-type",)}
    return error_response(exc.code or 500, exc.name, exc.description or exc.name, headers)


def unexpected_error(_exc: Exception):
    """A failure under /api/: logged with its traceback, answered as the guide's 500."""
    current_app.logger.exception("unhandled error on %s", request.path)
    message = FAILURE_MESSAGES.get(request.endpoint, GENERIC_FAILURE)
    return error_response(500, "Internal Server Error", message)
