"""Limits on what a browser may send to the dashboard, checked before any view runs: a form
or upload is at most a few MiB (an unauthenticated 1 GiB POST was spooled to disk), and no
text carries a NUL (PostgreSQL refuses it mid-query, which was a 500)."""

from flask import Flask, abort, request
from flask_login import current_user

from ingest.errors import is_api_request

# The CSV import is the largest thing a person uploads; 4 MiB is tens of thousands of rows.
FORM_MAX_BYTES = 4 * 1024 * 1024


def _check_request():
    if is_api_request():
        return  # the ingest door has its own body limit and per-event rules
    request.max_content_length = FORM_MAX_BYTES
    texts = [*request.args.values(), *(request.form.values() if request.form else [])]
    if any("\x00" in text for text in texts):
        abort(400, "Text must not contain NUL characters.")


def _private_pages(response):
    """Signed-in pages and exports hold the owner's data: never stored by a browser or proxy."""
    if not is_api_request() and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.before_request(_check_request)
    app.after_request(_private_pages)
