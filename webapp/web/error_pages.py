"""Errors answered by URL prefix: JSON under /api/ (the ingest door's shape), pages with the
app's layout and navigation everywhere else."""

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ingest import errors as api_errors


def _http_error(exc: HTTPException):
    if api_errors.is_api_request():
        return api_errors.http_error(exc)
    if exc.code is None or exc.code < 400:
        return exc  # redirects and other non-errors pass through untouched
    return render_template("error.html", error=exc), exc.code


def _database_error(exc: OperationalError):
    """A query stopped by its request's deadline, or a database that cannot be reached."""
    if api_errors.is_api_request():
        return api_errors.unexpected_error(exc)
    current_app.logger.warning("database error on %s: %s", request.path, exc.orig)
    error = ServiceUnavailable("The database did not answer in time. Try again in a moment, "
                               "or narrow the filters.")
    return render_template("error.html", error=error), 503


def _unexpected_error(exc: Exception):
    if api_errors.is_api_request():
        return api_errors.unexpected_error(exc)
    current_app.logger.exception("unhandled error")
    return render_template("error.html", error=InternalServerError()), 500


def init_app(app: Flask) -> None:
    """App-wide, not per blueprint: a 404 reaches no blueprint's handler."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)
