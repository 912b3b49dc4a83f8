"""Submitting the app's forms through the test client the way a browser does."""

from tests.forms import csrf_token_from


def submit(client, page: str, action: str, data: dict | None = None, **kwargs):
    """Open page for its CSRF token, then POST data to action."""
    token = csrf_token_from(client.get(page))
    return client.post(action, data={**(data or {}), "csrf_token": token}, **kwargs)


def htmx_post(client, page: str, action: str, data: dict):
    """POST as htmx does: the token travels in the X-CSRFToken header, not the form."""
    token = csrf_token_from(client.get(page))
    return client.post(action, data=data, headers={"HX-Request": "true", "X-CSRFToken": token})
