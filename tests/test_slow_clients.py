"""Slow or stalled clients cannot starve the others (the contract's "Slow or stalled clients"),
against a real `tracking-ingest serve` started with its default options."""

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.test_live_server import new_key, post, stored_count
from webapp.tools.liveserver import running_server

HEALTH = "/api/tracking-ingest/health"


@contextmanager
def slow_clients(url: str, count: int, every: float = 2.0):
    """`count` connections that send a request line, then one header line every `every`
    seconds and never finish their headers (a slowloris)."""
    parts = urlsplit(url)
    sockets = [socket.create_connection((parts.hostname, parts.port), timeout=5)
               for _ in range(count)]
    stop = threading.Event()

    def drip():
        line = 0
        for client in sockets:
            client.sendall(f"GET {HEALTH} HTTP/1.1\r\nHost: {parts.netloc}\r\n".encode())
        while not stop.wait(every):
            line += 1
            for client in sockets:
                try:
                    client.sendall(f"X-Slow-{line}: {line}\r\n".encode())
                except OSError:  # the server may drop a slow client: that is allowed
                    pass

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    try:
        yield
    finally:
        stop.set()
        dripper.join()
        for client in sockets:
            client.close()


def timed(call) -> tuple[float, object]:
    started = time.monotonic()
    result = call()
    return time.monotonic() - started, result


def health(url: str) -> int:
    with urllib.request.urlopen(url + HEALTH, timeout=5) as response:
        return response.status


def hundred_events(n: int) -> dict:
    return {"events": [{"tracking_id": f"slow-{n}", "event_id": f"slow-{n}-{i}"}
                       for i in range(100)]}


def test_fifty_slow_clients_do_not_delay_health_or_a_batch(database_url, tmp_path):
    with running_server(database_url, tmp_path) as (url, _pid):
        key = new_key(database_url)
        with slow_clients(url, 50):
            for round_ in range(3):  # at 2.5 s, 5 s and 7.5 s: after drips, between drips
                time.sleep(2.5)
                seconds, status = timed(lambda: health(url))
                assert (status, seconds < 1) == (200, True), f"/health took {seconds:.2f} s"
                seconds, (status, _headers, body) = timed(
                    lambda: post(url, key, hundred_events(round_)))
                assert (status, seconds < 1) == (200, True), f"batch took {seconds:.2f} s"
                assert body["results"]["successful"] == 100
    assert stored_count(database_url) == 300


def raw_exchange(url: str, request: bytes) -> tuple[int, dict, bytes]:
    """Send raw bytes, read until the server closes, split status, headers and body."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as client:
        client.sendall(request)
        client.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := client.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip()
               for name, value in (line.split(":", 1) for line in header_lines)}
    return int(status_line.split()[1]), headers, body


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory, sqlite_template):
    from tests.databases import fresh_sqlite_url

    directory = tmp_path_factory.mktemp("malformed")
    with running_server(fresh_sqlite_url(sqlite_template, directory), directory) as (url, _pid):
        yield url


BATCH_HEAD = (b"POST /api/tracking-ingest/batch HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\nX-API-Key: ti_unknown\r\n")


@pytest.mark.parametrize("request_bytes", [
    pytest.param(BATCH_HEAD + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
                 id="bad chunk size"),
    pytest.param(b"GET /api/tracking-ingest/health?" + b"a" * 9000 + b" HTTP/1.1\r\n"
                 b"Host: x\r\n\r\n", id="request line over 8 KB"),
    pytest.param(b"GET /api/tracking-ingest/" + b"a" * 70_000 + b" HTTP/1.1\r\n"
                 b"Host: x\r\n\r\n", id="request line over 64 KB"),
    pytest.param(b"GET /api/tracking-ingest/health HTTP/1.1\r\nHost: x\r\n"
                 b"No colon in this header\r\n\r\n", id="bad header"),
    pytest.param(BATCH_HEAD + b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
                 id="two content lengths"),
])
def test_a_malformed_request_under_api_answers_json(sqlite_server, request_bytes):
    status, headers, body = raw_exchange(sqlite_server, request_bytes)
    assert 400 <= status < 500
    assert headers["content-type"].startswith("application/json")
    answer = json.loads(body)
    assert answer["success"] is False and answer["error"] and answer["message"]


def test_a_body_far_over_the_limit_is_refused_before_it_is_all_read(sqlite_server):
    body = b"a" * (8 * 1024 * 1024)
    status, headers, answer = raw_exchange(
        sqlite_server, BATCH_HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    assert (status, headers["content-type"]) == (413, "application/json")
    assert json.loads(answer)["error"] == "Payload Too Large"


def test_headers_still_arriving_after_20_s_are_refused(sqlite_server):
    """One header line every 2 s: the server answers 408 once 20 s have passed."""
    parts = urlsplit(sqlite_server)
    with socket.create_connection((parts.hostname, parts.port), timeout=2) as client:
        started = time.monotonic()
        client.sendall(f"GET {HEALTH} HTTP/1.1\r\nHost: x\r\n".encode())
        received = b""
        while not received and time.monotonic() - started < 30:
            client.sendall(b"X-Slow: 1\r\n")
            try:
                received = client.recv(65536)
            except TimeoutError:
                continue
        seconds = time.monotonic() - started
        client.settimeout(5)
        while chunk := client.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    assert (head.split()[1], 20 <= seconds < 24) == (b"408", True), f"{seconds:.1f} s"
    assert json.loads(body)["error"] == "Request Timeout"
