"""geoip2fast's country and AS answers as a few flat arrays: geoip2fast keeps its ranges as
about two million Python objects (some 110 MB per process), the same answers fit in a
tenth of that. The table is built once per data file in a child process and cached on disk.

    python -I webapp/kinds/network_table.py build DATA_FILE OUT_FILE   (OUT_FILE "-": stdout)
"""

import fcntl
import gzip
import hashlib
import heapq
import importlib.util
import json
import os
import pickle
import socket
import subprocess
import sys
import time
from array import array
from bisect import bisect_left, bisect_right
from contextlib import contextmanager
from datetime import timedelta
from importlib import metadata
from itertools import chain, groupby
from operator import itemgetter
from pathlib import Path

# geoip2fast 1.2.2 (geoip2fast.py), whose answers this table reproduces:
_MAX_IPV4 = 2**32  # its MAX_IPv4: up to this value (inclusive) ranges are sized as IPv4
_PRIVATE_IDS = 16  # country ids below 16 are its private/reserved networks ("is_private")
_NOT_FOUND = "--"  # its country code for an address in no range (GEOIP_ECCODE_NETWORK_NOT_FOUND)
_NO_COUNTRY = ""  # here: private, reserved or invalid (geoip2fast says is_private, or "")
UNUSED = timedelta(days=7)  # a cached table no process read for this long is dropped
_LOW64 = 2**64 - 1


def ip_number(ip: str) -> int:
    """The address as geoip2fast's lookup reads it (GeoIP2Fast._ip2int): inet_aton first, so
    it takes what it takes ("8.8.8.8 x", "127.1"), then IPv6; "::8.8.8.8" is then 8.8.8.8."""
    try:
        return int.from_bytes(socket.inet_aton(ip), "big")
    except (OSError, TypeError, ValueError):
        return int.from_bytes(socket.inet_pton(socket.AF_INET6, ip), "big")


class Table:
    """Sorted range starts (IPv4 as 32-bit, IPv6 as two 64-bit halves), each with an index
    into distinct (country, AS name) pairs; AS names are one UTF-8 blob with offsets."""

    _ARRAYS = ("v4_starts", "v4_pairs", "v6_high", "v6_low", "v6_pairs",
               "pair_country", "pair_name", "name_offsets", "names")

    def __init__(self, countries: list[str], **arrays: array):
        self.countries = countries
        for name in self._ARRAYS:
            setattr(self, name, arrays[name])

    def lookup(self, ip: str) -> tuple[str, str]:
        """(country code, AS name) as geoip2fast answers them: the code is "--" outside every
        range and "" for private, reserved and invalid addresses; the name may be ""."""
        try:
            number = ip_number(ip)
        except (OSError, TypeError, ValueError):
            return _NO_COUNTRY, ""
        if number < 2**32:
            pair = self.v4_pairs[bisect_right(self.v4_starts, number) - 1]
        else:
            high, low = number >> 64, number & _LOW64
            first = bisect_left(self.v6_high, high)
            last = bisect_right(self.v6_high, high, first)
            found = bisect_right(self.v6_low, low, first, last) - 1
            pair = self.v6_pairs[found] if found >= 0 else self.v4_pairs[-1]
        name = self.pair_name[pair]
        start, end = self.name_offsets[name], self.name_offsets[name + 1]
        return self.countries[self.pair_country[pair]], self.names[start:end].tobytes().decode()

    def write(self, stream) -> None:
        """The countries and array layout as one JSON line, then the arrays' raw bytes."""
        header = {"countries": self.countries,
                  "arrays": [(name, getattr(self, name).typecode, len(getattr(self, name)))
                             for name in self._ARRAYS]}
        stream.write(json.dumps(header).encode() + b"\n")
        for name in self._ARRAYS:
            getattr(self, name).tofile(stream)
        stream.flush()

    @classmethod
    def read(cls, stream) -> "Table":
        """A table as written; ValueError for any other file, EOFError for one cut short."""
        header = json.loads(stream.readline())
        arrays = {}
        for name, typecode, length in header["arrays"]:
            arrays[name] = array(typecode)
            arrays[name].fromfile(stream, length)
        if stream.read(1):
            raise ValueError("network table longer than its header says")
        return cls(header["countries"], **arrays)


def build(data_file: str | os.PathLike) -> Table:
    """The table of a geoip2fast data file with country and AS ranges (format 120)."""
    with gzip.open(data_file, "rb") as stream:
        version, info, _total, database = pickle.load(stream)
    if version != 120 or not (info["country"] and info["asn"]):
        raise ValueError(f"{data_file}: not a geoip2fast country and AS data file")
    (index, index_as, country_names, as_names, starts, starts_as,
     country_ids, as_ids, lengths, lengths_as) = database
    as_bits = 128 if index[-1] > _MAX_IPV4 else 32  # GeoIP2Fast.ipv6 decides how AS ranges end
    pieces = _answers(_country_pieces(*_ranges(index, starts, lengths, country_ids)),
                      _as_pieces(*_ranges(index_as, starts_as, lengths_as, as_ids), as_bits),
                      country_names, as_names)
    return _table(pieces)


def _ranges(index, chunks, lengths, ids):
    """Iterators over starts, their next starts, lengths and ids. geoip2fast bisects its index
    of chunk starts, then the chunk: the same range as one bisect over all starts."""
    if any(chunk[0] != first for chunk, first in zip(chunks, index, strict=True)):
        raise ValueError("geoip2fast index does not match its chunks")
    if index[0] != 0:
        raise ValueError("geoip2fast ranges do not start at 0")
    ends = chain.from_iterable(chunks)  # one ahead of the starts, which let the chunks go
    next(ends)
    return _drained(chunks), chain(ends, [2**128]), _drained(lengths), _drained(ids)


def _drained(chunks):
    """The chunks' items, each chunk let go once read: geoip2fast's objects shrink while
    the table grows."""
    for number, chunk in enumerate(chunks):
        yield from chunk
        chunks[number] = None


def _country_pieces(starts, ends, lengths, ids):
    """(first address, country id or None for "not found") where the answer changes.
    GeoIP2Fast._main_index_lookup: the range is the last start at or below the address; it
    holds the address when it lies within 2**(32 - length) of the start for addresses up to
    MAX_IPv4 (inclusive), and within 2**(128 - length) above it."""
    for start, end, length, country in zip(starts, ends, lengths, ids):
        for low, high, bits in ((start, min(end, _MAX_IPV4 + 1), 32),
                                (max(start, _MAX_IPV4 + 1), end, 128)):
            if low >= high:
                continue
            covered = min(start + _size(bits, length), high)
            if low < covered:
                yield low, country
            if max(low, covered) < high:
                yield max(low, covered), None


def _as_pieces(starts, ends, lengths, ids, bits):
    """(first address, AS name id or None) where the AS answer changes (GeoIP2Fast._asn_lookup:
    the last start at or below the address, sized 2**(bits - length))."""
    for start, end, length, name in zip(starts, ends, lengths, ids):
        yield start, name
        covered = start + _size(bits, length)
        if covered < end:
            yield covered, None


def _size(bits: int, length: int) -> int:
    """Addresses in a range of this prefix length (geoip2fast's numIPsv4 and numIPsv6)."""
    if not 0 <= length <= bits:
        raise ValueError(f"geoip2fast range of length {length} among {bits}-bit addresses")
    return 2 ** (bits - length)


def _answers(country_pieces, as_pieces, country_names, as_names):
    """The merged pieces as (first address, (country code, AS name)), equal neighbours joined;
    GeoIP2Fast.lookup: private ids have no country, "not found" no AS."""
    codes = [name.split(":")[0] for name in country_names]  # "US:United States"
    current, previous = [None, None], None
    events = heapq.merge(((start, 0, value) for start, value in country_pieces),
                         ((start, 1, value) for start, value in as_pieces))
    for start, changes in groupby(events, key=itemgetter(0)):
        for _start, which, value in changes:
            current[which] = value
        country, name = current
        if country is None:
            answer = (_NOT_FOUND, "")
        elif country < _PRIVATE_IDS:
            answer = (_NO_COUNTRY, "")
        else:
            answer = (codes[country], "" if name is None else as_names[name])
        if answer != previous:
            yield start, answer
            previous = answer


def _table(pieces) -> Table:
    """Packs (start, (country, AS name)) pieces into a Table."""
    countries, names, pairs = {}, {}, {}
    pair_country, pair_name, name_offsets, blob = array("H"), array("I"), array("I", [0]), []
    v4_starts, v4_pairs = array("I"), array("I")
    v6_high, v6_low, v6_pairs = array("Q"), array("Q"), array("I")
    for start, (country, name) in pieces:
        if (country, name) not in pairs:
            pair_country.append(countries.setdefault(country, len(countries)))
            if name not in names:
                names[name] = len(names)
                blob.append(name.encode())
                name_offsets.append(name_offsets[-1] + len(blob[-1]))
            pair_name.append(names[name])
            pairs[country, name] = len(pairs)
        if start < 2**32:
            v4_starts.append(start)
            v4_pairs.append(pairs[country, name])
        else:
            v6_high.append(start >> 64)
            v6_low.append(start & _LOW64)
            v6_pairs.append(pairs[country, name])
    return Table(list(countries), v4_starts=v4_starts, v4_pairs=v4_pairs, v6_high=v6_high,
                 v6_low=v6_low, v6_pairs=v6_pairs, pair_country=pair_country,
                 pair_name=pair_name, name_offsets=name_offsets, names=array("B", b"".join(blob)))


def installed_data_file(name: str) -> Path:
    """A data file shipped inside the installed geoip2fast package (not imported: its module
    alone loads nothing, but pulls in urllib and friends)."""
    return Path(importlib.util.find_spec("geoip2fast").origin).parent / name


def load(data_file: Path) -> Table:
    """The table of a data file: from the cache when it is there, else built in a child
    process (which alone pays geoip2fast's memory) and cached when the cache is writable."""
    directory = cache_directory()
    path = directory / f"network-table-{cache_key(data_file)}.bin"
    with _lock(directory / "network-table.lock"):  # one builder at a time among the workers
        try:
            with open(path, "rb") as stream:
                table = Table.read(stream)
            _mark_used(path)
            return table
        except (OSError, ValueError, EOFError):
            table = _built_by_child(data_file)
        try:
            _save(table, path)
        except OSError:
            pass  # a read-only cache: every process builds its own table in a child
    return table


def cache_key(data_file: Path) -> str:
    """Names one table: geoip2fast's version, the data file's size and time, this module's
    source (whose code derives the answers) and the byte order of the arrays."""
    stat = os.stat(data_file)
    source = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
    return (f"{metadata.version('geoip2fast')}-{stat.st_size}-{stat.st_mtime_ns}-{source}-"
            f"{sys.byteorder}")


def cache_directory() -> Path:
    """$XDG_CACHE_HOME/tracking-ingest, else ~/.cache/tracking-ingest; the XDG Base Directory
    Specification ignores relative paths in the variable."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "tracking-ingest"


@contextmanager
def _lock(path: Path):
    """An exclusive lock on a file in the cache directory, or none when it cannot be made."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stream = open(path, "ab")
    except OSError:
        yield
        return
    with stream:
        fcntl.flock(stream, fcntl.LOCK_EX)
        yield


def _built_by_child(data_file: Path) -> Table:
    """The table built by this module run as a script in an isolated child (-I: only the
    standard library and site-packages, not this project), read from its output."""
    command = [sys.executable, "-I", __file__, "build", str(data_file), "-"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        try:
            table = Table.read(child.stdout)
        except (ValueError, EOFError) as error:
            child.wait()
            raise RuntimeError(f"building the network table failed: "
                               f"{child.stderr.read().decode(errors='replace')}") from error
    return table


def _mark_used(path: Path) -> None:
    """A table's time says when a process last read it, so _save keeps tables in use."""
    try:
        os.utime(path)
    except OSError:
        pass  # a read-only cache keeps its tables as they are


def _save(table: Table, path: Path) -> None:
    """Writes the cache file whole or not at all (readers never see half a file), and drops
    the tables no process read for UNUSED: each one is 11 MB and every upgrade makes a new
    one, while two installs side by side (say, old and new during a deploy) each keep
    theirs instead of rebuilding on every start."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with open(partial, "wb") as stream:
            table.write(stream)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    unused_since = time.time() - UNUSED.total_seconds()
    for other in path.parent.glob("network-table-*.bin"):
        try:
            if other != path and other.stat().st_mtime < unused_since:
                other.unlink()
        except OSError:
            pass  # another process dropped it first


def _main(arguments: list[str]) -> None:
    if len(arguments) != 3 or arguments[0] != "build":
        sys.exit(__doc__)
    data_file, out = Path(arguments[1]), arguments[2]
    table = build(data_file)
    if out == "-":
        table.write(sys.stdout.buffer)
    else:
        _save(table, Path(out))


if __name__ == "__main__":
    _main(sys.argv[1:])
