"""Reading a batch body: bounded gzip inflation, and JSON that orjson alone would refuse."""

import gzip
import json
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.body import (
    MAX_GZIP_MEMBERS,
    BodyError,
    gunzip_limited,
    parse_beyond_orjson,
    parse_json,
)
from ingest.metadata import OUT_OF_RANGE
from ingest.validate import RequestShapeError


def test_round_trip():
    assert gunzip_limited(gzip.compress(b'{"events": []}'), 100) == b'{"events": []}'


def test_several_gzip_members_are_joined():
    data = gzip.compress(b'{"events": ') + gzip.compress(b"[]}")
    assert gunzip_limited(data, 100) == b'{"events": []}'


def test_output_exactly_at_the_limit_is_fine():
    assert len(gunzip_limited(gzip.compress(b"x" * 100), 100)) == 100


def test_inflation_stops_just_past_the_limit():
    """A 1 GiB bomb is refused after inflating limit + 1 bytes, not after a gigabyte."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1 << 20)
    bomb = b"".join(compressor.compress(chunk) for _ in range(1024)) + compressor.flush()
    with pytest.raises(BodyError) as raised:
        gunzip_limited(bomb, 1 << 16)
    assert raised.value.status == 413


@pytest.mark.parametrize("data", [b"plain text", gzip.compress(b"x" * 1000)[:-12], b"\x1f\x8b"])
def test_invalid_or_truncated_gzip_is_400(data):
    with pytest.raises(BodyError) as raised:
        gunzip_limited(data, 10_000)
    assert raised.value.status == 400


def test_gzip_members_are_capped():
    members = gzip.compress(b"") * (MAX_GZIP_MEMBERS + 1)
    with pytest.raises(BodyError) as raised:
        gunzip_limited(members, 10_000)
    assert raised.value.status == 400
    assert gunzip_limited(gzip.compress(b"") * MAX_GZIP_MEMBERS, 10) == b""


@pytest.mark.parametrize(("data", "expected"), [
    (b'{"n": 1e999}', {"n": OUT_OF_RANGE}),
    (b'{"n": -1e999}', {"n": OUT_OF_RANGE}),
    (b'{"n": ' + b"9" * 5000 + b"}", {"n": OUT_OF_RANGE}),
    (b'{"n": 1e999, "m": 18446744073709551616, "s": "\\ud83d\\ude00"}',
     {"n": OUT_OF_RANGE, "m": 18446744073709551616, "s": "\U0001f600"}),
])
def test_numbers_orjson_refuses_are_read_by_the_fallback(data, expected):
    assert parse_json(data) == expected


@pytest.mark.parametrize("data", [b"[NaN]", b"[Infinity, 1e999]", b'[1e999, "\\ud800"]',
                                  b'[1e999, "\\udc00\\ud800"]', b"[1e999", b'["\xff", 1e999]'])
def test_what_is_not_json_is_refused_by_both_parsers(data):
    with pytest.raises(RequestShapeError, match="^Request body must be valid JSON$"):
        parse_json(data)


def test_a_body_nested_beyond_any_parser_is_refused_as_too_deep():
    with pytest.raises(RequestShapeError, match="nested too deeply"):
        parse_json(b"[" * 100_000 + b"1e999" + b"]" * 100_000)


json_documents = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, database=None)
@given(json_documents)
def test_orjson_and_the_fallback_read_any_json_alike(document):
    data = json.dumps(document).encode()
    assert parse_json(data) == document
    assert parse_beyond_orjson(data) == document


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=200))
def test_inflation_never_passes_the_limit(data, limit):
    """Whatever the bytes, the reader answers within the limit or says why not."""
    for candidate in (data, gzip.compress(data), gzip.compress(data)[: len(data) // 2]):
        try:
            inflated = gunzip_limited(candidate, limit)
        except BodyError as problem:
            assert problem.status in (400, 413)
        else:
            assert len(inflated) <= limit


@settings(max_examples=200, deadline=None, database=None)
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_are_refused_as_a_request_shape_problem(data):
    try:
        parse_json(data)
    except RequestShapeError as problem:
        assert str(problem) in ("Request body must be valid JSON",
                                "Request body is nested too deeply to read")
