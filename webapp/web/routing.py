"""URL rules shared by every blueprint."""

from werkzeug.routing import IntegerConverter


class RowIdConverter(IntegerConverter):
    """`<int:...>` in a URL is a row id: beyond a 32-bit integer it names no row, so the URL
    is a 404 instead of an out-of-range query (PostgreSQL refuses to compare it)."""

    def __init__(self, map, **kwargs):
        super().__init__(map, **{"max": 2**31 - 1, **kwargs})
