"""Read a batch request's body: JSON only, gzip allowed, and never more than the limit,
however well it compresses."""

import json
import re
import zlib

import orjson
from flask import Request
from werkzeug.exceptions import RequestEntityTooLarge

from ingest.metadata import OUT_OF_RANGE
from ingest.validate import RequestShapeError

# RFC 1952 allows a gzip stream of several members; a sender's gzip writer makes one.
# 100,000 empty members cost a decompressor each: a few are plenty.
MAX_GZIP_MEMBERS = 16
NOT_JSON = "Request body must be valid JSON"
TOO_DEEP = "Request body is nested too deeply to read"
# An escaped UTF-16 surrogate: the only way a lone one can reach the fallback parser.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


class BodyError(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _too_large(limit: int) -> BodyError:
    return BodyError(413, "Payload Too Large", f"Request body exceeds {limit} bytes")


def _not_gzip() -> BodyError:
    return BodyError(400, "Bad Request", "Request body is not valid gzip")


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress every gzip member, stopping as soon as the output passes limit or the
    members pass MAX_GZIP_MEMBERS."""
    output = bytearray()
    members = 0
    while data:
        members += 1
        if members > MAX_GZIP_MEMBERS:
            raise BodyError(400, "Bad Request",
                            f"Request body has more than {MAX_GZIP_MEMBERS} gzip members")
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            output += inflater.decompress(data, limit + 1 - len(output))
        except zlib.error as exc:
            raise _not_gzip() from exc
        if len(output) > limit:
            raise _too_large(limit)
        if not inflater.eof:
            raise _not_gzip()
        data = inflater.unused_data
    return bytes(output)


def _bounded_int(digits: str):
    """An integer literal as an int when it can fit in 64 bits, else OUT_OF_RANGE: never
    the cost of converting thousands of digits."""
    return int(digits) if len(digits) <= 20 else OUT_OF_RANGE


def _finite_float(text: str):
    number = float(text)
    return number if abs(number) != float("inf") else OUT_OF_RANGE


def _not_json_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_beyond_orjson(data: bytes):
    """The stdlib's reading of a body orjson refused. orjson refuses numbers it cannot hold
    (1e999, 400 digits) although the body is JSON; the stdlib, with these hooks, reads them
    as OUT_OF_RANGE so the event that holds one fails alone. Everything orjson refuses for
    another reason is refused here too: NaN and Infinity, invalid UTF-8, lone surrogates."""
    try:
        text = data.decode()
        parsed = json.loads(text, parse_int=_bounded_int, parse_float=_finite_float,
                            parse_constant=_not_json_constant)
        if _ESCAPED_SURROGATE.search(text):  # rare: then check that every pair is whole
            json.dumps(parsed, ensure_ascii=False, default=repr).encode()
    except RecursionError as exc:
        raise RequestShapeError(TOO_DEEP) from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError and UnicodeEncodeError
        raise RequestShapeError(NOT_JSON) from exc
    return parsed


def parse_json(data: bytes):
    """orjson for every body it reads; the stdlib only for the few it refuses."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return parse_beyond_orjson(data)


def _read_at_most(request: Request, limit: int) -> bytes:
    """Up to limit + 1 bytes of the body. A body the server cannot de-chunk, or an upload
    cut short, surfaces here as the server's own exception class (gunicorn's
    ParseException subclasses, werkzeug's ClientDisconnected): all mean a 400."""
    try:
        return request.stream.read(limit + 1)
    except RequestEntityTooLarge as exc:
        raise _too_large(limit) from exc
    except Exception as exc:  # noqa: BLE001 - each server raises its own class
        raise BodyError(400, "Bad Request", "Request body could not be read "
                        "(malformed chunked encoding or an interrupted upload)") from exc


def read_json_body(request: Request, limit: int):
    """The parsed JSON body; BodyError carries the contract's status for a transport problem."""
    if request.mimetype != "application/json":
        raise BodyError(415, "Unsupported Media Type", "Content-Type must be application/json")
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise BodyError(415, "Unsupported Media Type", "Content-Encoding must be gzip or absent")
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    # The door's own limit, not an app-wide MAX_CONTENT_LENGTH meant for the web forms
    # (Flask lets a view set the request's own limit; None would mean "the app's").
    request.max_content_length = limit + 1
    data = _read_at_most(request, limit)
    if len(data) > limit:
        raise _too_large(limit)
    if encoding == "gzip":
        data = gunzip_limited(data, limit)
    return parse_json(data)
