"""The ingest door as ingest/openapi.json describes it: every answer the door gives, through
the test client and through a real `tracking-ingest serve`, is JSON valid against the
document, and schemathesis fuzzing the live server from the document finds no 5xx, no
undocumented answer and nothing partially stored."""

import gzip
import json
import socket
from collections import namedtuple
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from sqlalchemy import text

from tests import databases
from tests.ingest_helpers import GUIDE_EVENT, post_batch
from webapp import create_app
from webapp.database.db import make_engine
from webapp.tools.liveserver import running_server

DOCUMENT = json.loads((Path(__file__).parents[1] / "ingest" / "openapi.json").read_text())
PREFIX = "/api/tracking-ingest"
LIVE_KEY = "live-openapi-test-key-0123456789"
PER_EVENT_CHECKS = [positive_data_acceptance, negative_data_rejection]


def documented_schema(path: str | None, method: str, status: int) -> dict:
    """The JSON schema the document gives for this answer; any path it does not list
    answers with its generic Error."""
    if path is None:
        return {"$ref": "#/components/schemas/Error"}
    response = DOCUMENT["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        response = DOCUMENT["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def assert_documented(response, path: str | None, method: str = "post") -> None:
    """JSON, of a documented status, valid against the document's schema for it."""
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.get_json() if hasattr(response, "get_json") else response.json()
    schema = documented_schema(path, method, response.status_code)
    # The document is the root resource, so "#/components/..." references resolve in it.
    Draft202012Validator({**DOCUMENT, **schema}).validate(body)


def test_the_document_is_openapi_3_1_and_lists_every_operation():
    schema = schemathesis.openapi.from_dict(DOCUMENT)
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert DOCUMENT["openapi"] == "3.1.0"
    assert labels == {f"GET {PREFIX}/health", f"POST {PREFIX}/test", f"POST {PREFIX}/batch",
                      f"GET {PREFIX}/openapi.json"}


def test_the_served_document_is_the_kept_one(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == DOCUMENT


def _gzip_members(count: int) -> bytes:
    return gzip.compress(b"") * count


BATCH_ANSWERS = [
    # (events or raw body, extra headers, expected status)
    ([GUIDE_EVENT], {}, 200),
    ([GUIDE_EVENT, {"tracking_id": "bad id"}, {"tracking_id": "t", "metadata": {"k": "\0"}}],
     {}, 207),
    ([{}, {"tracking_id": "t", "clicked_at": "1999-01-01T00:00:00Z"}], {}, 400),
    (b"{not json", {}, 400),
    (b'{"events": []}', {}, 400),
    (b"not gzip", {"Content-Encoding": "gzip"}, 400),
    (_gzip_members(17), {"Content-Encoding": "gzip"}, 400),
    (b'{"events": [{"tracking_id": "t"}]}', {"Content-Type": "text/plain"}, 415),
    ([GUIDE_EVENT], {"Content-Encoding": "br"}, 415),
    (b"x" * 6_000_000, {}, 413),
]


@pytest.mark.parametrize(("events", "headers", "status"), BATCH_ANSWERS)
def test_batch_answers_match_the_document(client, api_key, events, headers, status):
    if isinstance(events, bytes):
        response = post_batch(client, api_key, body=events, headers=headers)
    else:
        response = post_batch(client, api_key, events, headers=headers)
    assert response.status_code == status
    assert_documented(response, f"{PREFIX}/batch")


def test_other_answers_match_the_document(app, client, api_key):
    assert_documented(client.get(f"{PREFIX}/health"), f"{PREFIX}/health", "get")
    key = {"X-API-Key": api_key}
    assert_documented(client.post(f"{PREFIX}/test", headers=key), f"{PREFIX}/test")
    assert_documented(client.post(f"{PREFIX}/test"), f"{PREFIX}/test")  # 401
    assert_documented(client.post(f"{PREFIX}/batch", json={}), f"{PREFIX}/batch")  # 401
    assert_documented(client.get(f"{PREFIX}/nothing"), None)  # 404
    assert_documented(client.post(f"{PREFIX}//batch"), None)  # 404, not a redirect
    not_allowed = client.delete(f"{PREFIX}/batch")
    assert not_allowed.status_code == 405 and not_allowed.headers["Allow"] == "POST"
    assert_documented(not_allowed, None)
    app.config["INGEST_RATE_LIMIT"] = "1/minute"
    client.post(f"{PREFIX}/test", headers={"X-API-Key": api_key})
    limited = client.post(f"{PREFIX}/batch", headers={"X-API-Key": api_key}, json={})
    assert limited.status_code == 429 and limited.headers["Retry-After"].isdigit()
    assert_documented(limited, f"{PREFIX}/batch")


def test_a_failing_store_matches_the_document(client, api_key, monkeypatch):
    def failing_store(*_arguments):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr("ingest.api.store_batch", failing_store)
    response = post_batch(client, api_key, [GUIDE_EVENT])
    assert response.status_code == 500
    assert_documented(response, f"{PREFIX}/batch")


def test_an_unreachable_database_matches_the_document(tmp_path):
    """A closed port on loopback: /health says so, a batch gets 503 with Retry-After."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "WEBHOOK_API_KEY": LIVE_KEY,
                      "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{port}/none"})
    client = app.test_client()
    health = client.get(f"{PREFIX}/health")
    assert health.status_code == 503
    assert_documented(health, f"{PREFIX}/health", "get")
    batch = post_batch(client, LIVE_KEY, [GUIDE_EVENT])
    assert batch.status_code == 503 and batch.headers["Retry-After"].isdigit()
    assert_documented(batch, f"{PREFIX}/batch")
    app.extensions["db"].dispose()


Live = namedtuple("Live", "url database_url")


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def live(request, tmp_path_factory):
    """A real `tracking-ingest serve` on a fresh database, accepting LIVE_KEY."""
    directory = tmp_path_factory.mktemp("live")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'live.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
        databases.empty_postgres(url)
    with running_server(url, directory, WEBHOOK_API_KEY=LIVE_KEY) as (base_url, _pid):
        yield Live(base_url, url)


def _raw_exchange(url: str, request: bytes) -> tuple[int, dict, bytes]:
    """Send bytes as they are (no client library would send them) and read the answer."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        received = b""
        try:
            connection.sendall(request)
            while chunk := connection.recv(65536):
                received += chunk
        except ConnectionResetError:  # a server that answered early may reset the rest
            pass
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in headers.items()}, body


@pytest.mark.parametrize("chunk_size", [b"zz", b"-1", b"0x10"])
def test_a_malformed_chunk_size_is_a_json_400(live, chunk_size):
    status, headers, body = _raw_exchange(live.url, (
        f"POST {PREFIX}/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {LIVE_KEY}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + chunk_size + b"\r\n{}\r\n0\r\n\r\n")
    assert status == 400
    assert headers["content-type"].startswith("application/json")
    assert json.loads(body)["error"] == "Bad Request"


def test_an_oversized_chunked_body_is_a_json_413(live):
    chunk = b"x" * 1_000_000
    chunks = (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 6
    status, headers, body = _raw_exchange(live.url, (
        f"POST {PREFIX}/batch HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: {LIVE_KEY}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + chunks + b"0\r\n\r\n")
    assert status == 413
    assert json.loads(body)["message"] == f"Request body exceeds {5 * 1024 * 1024} bytes"


def test_doubled_slashes_on_the_live_server_are_a_404_whatever_the_host(live):
    status, headers, body = _raw_exchange(live.url, (
        f"POST {PREFIX}//batch HTTP/1.1\r\nHost: evil.example\r\nX-API-Key: {LIVE_KEY}\r\n"
        "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    ).encode())
    assert status == 404 and "location" not in headers
    assert json.loads(body)["error"] == "Not Found"


def _stored_rows(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM link_clicks")).scalar_one()
    engine.dispose()
    return count


def test_fuzzing_the_live_server_from_the_document(live):
    """Positive and negative cases for every operation, bounded: no 5xx, every answer JSON
    and as documented, and the rows stored are exactly those the answers say were stored.
    Two checks do not fit the contract's per-event outcome and are left out: a
    schema-valid event may still be refused by a rule JSON Schema cannot state (clicked_at
    in the future or before 2000: positive_data_acceptance), and a batch with one invalid
    event beside valid ones is a 207 that stores the valid ones (negative_data_rejection)."""
    schema = schemathesis.openapi.from_url(f"{live.url}{PREFIX}/openapi.json")
    before = _stored_rows(live.database_url)
    inserted = []

    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=schema.as_strategy(GenerationMode.POSITIVE)
           | schema.as_strategy(GenerationMode.NEGATIVE))
    def check_one(case):
        response = case.call_and_validate(base_url=live.url, headers={"X-API-Key": LIVE_KEY},
                                          excluded_checks=PER_EVENT_CHECKS, timeout=10)
        assert response.status_code < 500
        assert response.headers["content-type"][0].startswith("application/json")
        if case.path.endswith("/batch") and response.status_code in (200, 207):
            results = response.json()["results"]
            inserted.append(results["successful"] - results["duplicates"])

    check_one()
    assert inserted, "the fuzzer never stored a batch"
    assert _stored_rows(live.database_url) - before == sum(inserted)
