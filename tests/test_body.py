"""Reading a batch body: bounded gzip inflation."""

import gzip
import zlib

import pytest

from ingest.body import BodyError, gunzip_limited


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
