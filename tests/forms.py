"""Helpers for driving HTML forms through the test client."""

import re

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_token_from(response) -> str:
    match = _TOKEN.search(response.get_data(as_text=True))
    assert match, "page carries no CSRF token"
    return match.group(1) or match.group(2)
