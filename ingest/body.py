"""Read a batch request's body: JSON only, gzip allowed, and never more than the limit,
however well it compresses."""

import zlib

import orjson
from flask import Request

from ingest.validate import RequestShapeError


class BodyError(Exception):
    def __init__(self, status: int, error: str, message: str):
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def _too_large(limit: int) -> BodyError:
    return BodyError(413, "Payload Too Large", f"Request body exceeds {limit} bytes")


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """Decompress every gzip member, stopping as soon as the output passes limit."""
    output = bytearray()
    while data:
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            output += inflater.decompress(data, limit + 1 - len(output))
        except zlib.error as exc:
            raise BodyError(400, "Bad Request", "Request body is not valid gzip") from exc
        if len(output) > limit:
            raise _too_large(limit)
        if not inflater.eof:
            raise BodyError(400, "Bad Request", "Request body is not valid gzip")
        data = inflater.unused_data
    return bytes(output)


def read_json_body(request: Request, limit: int):
    """The parsed JSON body; BodyError carries the contract's status for a transport problem."""
    if request.mimetype != "application/json":
        raise BodyError(415, "Unsupported Media Type", "Content-Type must be application/json")
    encoding = request.headers.get("Content-Encoding", "").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise BodyError(415, "Unsupported Media Type", "Content-Encoding must be gzip or absent")
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if encoding == "gzip":
        data = gunzip_limited(data, limit)
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RequestShapeError("Request body must be valid JSON") from exc
