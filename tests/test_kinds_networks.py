"""Network owner and country from the shipped AS data, and company names compared without
legal forms."""

import os
import random
import shutil
import socket
import time

import pytest

from webapp.kinds import network_of, network_table, networks, same_company
from webapp.kinds.networks import CLOUD, SECURITY, Network


@pytest.mark.parametrize("ip, owner, country, role", [
    ("20.72.100.79", "Microsoft", "US", CLOUD),
    ("8.8.8.8", "Google", "US", CLOUD),
    ("2a00:1450:4001:80b::200e", "Google", "DE", CLOUD),
    ("148.163.152.1", "Proofpoint", "US", SECURITY),
    ("205.139.110.10", "Mimecast", "US", SECURITY),
    ("80.133.1.1", "Deutsche Telekom AG", "DE", None),
    ("73.1.1.1", "Comcast", "US", None),
])
def test_network_of_public_addresses(ip, owner, country, role):
    assert network_of(ip) == Network(owner, country, role)


@pytest.mark.parametrize("ip", ["10.1.2.3", "127.0.0.1", "::1", "192.168.0.1", "", None, "nope"])
def test_private_and_invalid_addresses_have_no_network(ip):
    assert network_of(ip) == Network(None, None, None)


@pytest.mark.parametrize("owner, company, same", [
    ("Acme Corp", "ACME CORPORATION", True),
    ("Google", "Google LLC", True),
    ("Amazon (AWS)", "Amazon.com, Inc.", True),
    ("Microsoft", "Microsoft Corporation", True),
    ("Deutsche Telekom AG", "Deutsche Telekom", True),
    ("Deutsche Telekom AG", "Deutsche Bank AG", False),
    ("Comcast", "Acme Corp", False),
    ("Acme Corp", "", False),
    (None, "Acme", False),
    ("Inc.", "LLC", False),
])
def test_same_company(owner, company, same):
    assert same_company(owner, company) is same


# The compact table against geoip2fast itself, and its cache file.


@pytest.fixture(scope="module")
def geoip2fast():
    """geoip2fast loaded as network_of used to load it (its ranges are module globals)."""
    from geoip2fast import GeoIP2Fast
    from geoip2fast import geoip2fast as module

    return GeoIP2Fast(geoip2fast_data_file=networks._DATA_FILE), module


def _network_by_geoip2fast(database, ip) -> Network:
    """network_of as it was when it asked geoip2fast."""
    found = database.lookup(ip)
    if found.is_private or len(found.country_code or "") != 2:
        return Network(None, None, None)
    owner, role = networks._owner(found.asn_name or "")
    return Network(owner, found.country_code, role)


def _text(number: int) -> str:
    if number < 2**32:
        return socket.inet_ntoa(number.to_bytes(4, "big"))
    return socket.inet_ntop(socket.AF_INET6, number.to_bytes(16, "big"))


def test_network_of_answers_as_geoip2fast(geoip2fast):
    database, module = geoip2fast
    rnd = random.Random(20261130)
    addresses = [_text(rnd.getrandbits(32)) for _ in range(3000)]
    addresses += [_text(rnd.getrandbits(128)) for _ in range(300)]
    # Each side of range edges, IPv6 (the ranges above 2**32) and IPv4 (their AS ranges end
    # only 2**(128 - length) on, geoip2fast's way), as dotted and as "::a.b.c.d".
    for starts, lengths in ((module.mainListFirstIP, module.mainListNetlength),
                            (module.mainListFirstIPASN, module.mainListNetlengthASN)):
        for _ in range(300):
            chunk = rnd.randrange(len(starts))
            at = rnd.randrange(len(starts[chunk]))
            start, length = starts[chunk][at], lengths[chunk][at]
            size = 2 ** ((32 if start < 2**32 else 128) - length)
            for number in (start - 1, start, start + size - 1, start + size):
                addresses.append(_text(number % 2**128))
                addresses.append("::" + _text(number % 2**32))
    addresses += ["::ffff:8.8.8.8", "127.1", "8.8.8.8 x", "::", "::1:0:0", "::1:0:1",
                  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::1", "1.2.3", "8.8.8.8/32"]
    differ = [(ip, network_of(ip), _network_by_geoip2fast(database, ip)) for ip in addresses
              if network_of(ip) != _network_by_geoip2fast(database, ip)]
    assert not differ, differ[:5]
    assert len({network_of(ip) for ip in addresses}) > 500  # many owners, not all None


@pytest.fixture(scope="module")
def built_cache(tmp_path_factory):
    """A cache directory holding the table of the installed data file, built once."""
    directory = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(directory))
        network_table.load(_installed())
    return directory


def _installed():
    return network_table.installed_data_file(networks._DATA_FILE)


@pytest.fixture
def builds(monkeypatch):
    """Records the data files the child builds tables of."""
    built, real = [], network_table._built_by_child
    monkeypatch.setattr(network_table, "_built_by_child", lambda data: built.append(data)
                        or real(data))
    return built


def _cache_files(cache_home):
    return sorted(p.name for p in (cache_home / "tracking-ingest").glob("*.bin"))


def _answers(table):
    return [table.lookup(ip) for ip in ("8.8.8.8", "2a00:1450:4001:80b::200e", "10.0.0.1")]


EXPECTED = [("US", "GOOGLE"), ("DE", "GOOGLE"), ("", "")]


def test_a_cached_table_is_read_not_built(built_cache, builds, monkeypatch, tmp_path):
    cache_home = tmp_path / "home"
    shutil.copytree(built_cache, cache_home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    before = _cache_files(cache_home)
    assert len(before) == 1
    assert _answers(network_table.load(_installed())) == EXPECTED
    assert builds == []
    assert _cache_files(cache_home) == before


def test_a_new_data_file_or_version_builds_a_new_table(built_cache, builds, monkeypatch,
                                                        tmp_path):
    cache_home, data = tmp_path / "home", tmp_path / networks._DATA_FILE
    shutil.copytree(built_cache, cache_home)
    shutil.copy2(_installed(), data)  # same size and time: the same table
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    network_table.load(data)
    assert builds == []

    stat, first = data.stat(), _cache_files(cache_home)
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert _answers(network_table.load(data)) == EXPECTED
    assert builds == [data]
    both = _cache_files(cache_home)
    assert len(both) == 2 and set(first) < set(both)  # another install may still use it
    (old,) = first
    week_ago = time.time() - network_table.UNUSED.total_seconds() - 60
    os.utime(cache_home / "tracking-ingest" / old, (week_ago, week_ago))

    monkeypatch.setattr(network_table.metadata, "version", lambda name: "99.0")
    network_table.load(data)
    assert builds == [data, data]
    third = _cache_files(cache_home)
    assert old not in third and len(third) == 2  # unread for a week: dropped
    network_table.load(data)
    assert len(builds) == 2


@pytest.mark.parametrize("damage", ["emptied", "cut in half", "extended"])
def test_a_damaged_cache_file_is_rebuilt(built_cache, builds, monkeypatch, tmp_path, damage):
    cache_home = tmp_path / "home"
    shutil.copytree(built_cache, cache_home)
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    (path,) = (cache_home / "tracking-ingest").glob("*.bin")
    with open(path, "r+b") as stream:
        if damage == "extended":
            stream.seek(0, os.SEEK_END)
            stream.write(b"\0")
        else:
            stream.truncate(0 if damage == "emptied" else path.stat().st_size // 2)
    assert _answers(network_table.load(_installed())) == EXPECTED
    assert len(builds) == 1
    assert _answers(network_table.load(_installed())) == EXPECTED
    assert len(builds) == 1


def test_without_a_writable_cache_the_child_still_builds(builds, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")  # its "subdirectory" cannot be made, whoever runs the test
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert _answers(network_table.load(_installed())) == EXPECTED
    assert len(builds) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]
