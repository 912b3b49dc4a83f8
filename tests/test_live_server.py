"""A real `tracking-ingest serve` (gunicorn, several workers) driven over HTTP."""

import json
import shutil
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from tests.databases import IN_CI, POSTGRES_URL
from tests.tcpproxy import TcpProxy
from webapp.database.db import make_engine
from webapp.models import LinkClick
from webapp.tools.liveserver import running_server

GUIDE_BATCH = {"events": [{
    "tracking_id": "test-uuid-12345",
    "clicked_at": "2025-10-22T14:30:00Z",
    "ip_address": "192.168.1.1",
    "user_agent": "Mozilla/5.0 Test Agent",
    "click_source": "linkedin",
}]}


def cli(*args: str, database_url: str) -> str:
    script = Path(sys.executable).with_name("tracking-ingest")
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, check=True,
        env={"DATABASE_URL": database_url, "SECRET_KEY": "live-server-secret",
             "PATH": "/usr/bin:/bin"},
    ).stdout


def new_key(database_url: str, name: str = "live") -> str:
    return cli("api-keys", "create", name, database_url=database_url).strip().splitlines()[-1]


def post(url: str, key: str, payload, path="/api/tracking-ingest/batch"):
    """One request on a fresh connection (so requests spread over the workers)."""
    request = urllib.request.Request(
        url + path, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-API-Key": key},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def stored_count(database_url: str) -> int:
    engine = make_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count(LinkClick.id))).scalar_one()
    engine.dispose()
    return count


@pytest.fixture
def served(database_url, tmp_path):
    with running_server(database_url, tmp_path, workers=2) as (url, _pid):
        yield url, database_url


class TestGuideCurlExamples:
    """The integration guide's own curl commands, pointed at a local server."""

    @pytest.fixture(autouse=True)
    def _curl(self):
        if not shutil.which("curl"):
            if IN_CI:
                pytest.fail("curl is needed for the guide's examples")
            pytest.skip("curl not installed")

    def curl(self, *args: str) -> tuple[int, dict]:
        out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args],
                             capture_output=True, text=True, check=True).stdout
        body, status = out.rsplit("\n", 1)
        return int(status), json.loads(body)

    def test_the_guides_examples(self, served, tmp_path):
        url, database_url = served
        key = new_key(database_url)
        (tmp_path / "test-batch.json").write_text(json.dumps(GUIDE_BATCH))

        status, body = self.curl(f"{url}/api/tracking-ingest/health")
        assert status == 200
        assert (body["status"], body["service"]) == ("healthy", "tracking_ingest_api")

        status, body = self.curl("-X", "POST", f"{url}/api/tracking-ingest/test",
                                 "-H", f"X-API-Key: {key}", "-H", "Content-Type: application/json")
        assert status == 200
        assert {k: body[k] for k in ("success", "message", "authenticated")} == {
            "success": True, "message": "API connection successful", "authenticated": True}

        status, body = self.curl("-X", "POST", f"{url}/api/tracking-ingest/batch",
                                 "-H", f"X-API-Key: {key}", "-H", "Content-Type: application/json",
                                 "-d", f"@{tmp_path / 'test-batch.json'}")
        assert status == 200
        assert body["success"] is True and body["message"] == "Processed 1 events"
        assert {k: body["results"][k] for k in ("total_events", "successful", "failed", "errors")} \
            == {"total_events": 1, "successful": 1, "failed": 0, "errors": []}
        datetime.strptime(body["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ")

        status, body = self.curl("-X", "POST", f"{url}/api/tracking-ingest/batch",
                                 "-H", "X-API-Key: wrong", "-H", "Content-Type: application/json",
                                 "-d", f"@{tmp_path / 'test-batch.json'}")
        assert status == 401
        assert body["error"] == "Unauthorized"
        assert stored_count(database_url) == 1


def test_concurrent_senders_resending_the_same_batches_store_each_click_once(served):
    """8 senders post the same 5 batches (some events with event_id, some without) at once."""
    url, database_url = served
    key = new_key(database_url)
    batches = [
        {"events": [
            {"tracking_id": f"tid-{b}", "clicked_at": f"2025-10-22T14:{b:02d}:{n:02d}.{n:06d}Z",
             "ip_address": f"203.0.113.{n}", "user_agent": "Mozilla/5.0", "click_source": "email"}
            if n % 2 else
            {"tracking_id": f"tid-{b}", "event_id": f"evt-{b}-{n}"}
            for n in range(40)
        ]}
        for b in range(5)
    ]
    barrier = threading.Barrier(8)

    def sender(offset: int) -> list[int]:
        barrier.wait()
        return [post(url, key, batches[(offset + i) % 5])[0] for i in range(5)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [status for result in pool.map(sender, range(8)) for status in result]
    assert statuses == [200] * 40
    assert stored_count(database_url) == 5 * 40


def _seconds_to_midnight() -> float:
    now = datetime.now(UTC)
    return 86400 - (now.hour * 3600 + now.minute * 60 + now.second)


def test_the_rate_limit_holds_across_worker_processes(database_url, tmp_path):
    if _seconds_to_midnight() < 30:
        pytest.skip("a daily window is about to roll over")
    with running_server(database_url, tmp_path, workers=2, INGEST_RATE_LIMIT="20/day") as (url, _pid):
        key = new_key(database_url)
        with ThreadPoolExecutor(6) as pool:
            results = list(pool.map(lambda _: post(url, key, {}, "/api/tracking-ingest/test"),
                                    range(36)))
    statuses = sorted(status for status, _headers, _body in results)
    assert statuses.count(200) == 20 and statuses.count(429) == 16
    limited = next(headers for status, headers, _ in results if status == 429)
    assert int(limited["Retry-After"]) > 0


def test_a_revoked_key_stops_in_every_worker(served):
    url, database_url = served
    key = new_key(database_url)
    assert all(post(url, key, {}, "/api/tracking-ingest/test")[0] == 200 for _ in range(6))
    cli("api-keys", "revoke", "live", database_url=database_url)
    assert all(post(url, key, {}, "/api/tracking-ingest/test")[0] == 401 for _ in range(6))


@pytest.mark.postgresql
def test_the_database_vanishing_gives_503_then_recovers(postgres_url, tmp_path):
    """PostgreSQL reached through a proxy that the test cuts mid-run and restores."""
    from tests.databases import empty_postgres

    empty_postgres(postgres_url)
    target = urlsplit(POSTGRES_URL.replace("postgresql+psycopg", "postgresql"))
    proxy = TcpProxy(target.hostname, target.port or 5432)
    proxy.start()
    proxied_url = POSTGRES_URL.replace(f"{target.hostname}:{target.port}",
                                       f"127.0.0.1:{proxy.port}")
    key = new_key(postgres_url)

    def batch(n):
        return {"events": [{"tracking_id": "t", "event_id": f"{n}-{i}"} for i in range(10)]}

    try:
        with running_server(proxied_url, tmp_path, workers=2) as (url, _pid):
            assert [post(url, key, batch(n))[0] for n in range(3)] == [200] * 3
            proxy.stop()
            down = [post(url, key, batch(n)) for n in range(3, 6)]
            assert [status for status, _, _ in down] == [503] * 3
            assert all(int(headers["Retry-After"]) > 0 for _, headers, _ in down)
            assert all(body["success"] is False for _, _, body in down)
            health = urllib.request.Request(url + "/api/tracking-ingest/health")
            with pytest.raises(urllib.error.HTTPError) as unhealthy:
                urllib.request.urlopen(health, timeout=30)
            assert unhealthy.value.code == 503
            assert json.loads(unhealthy.value.read())["database"] == "unavailable"
            assert stored_count(postgres_url) == 30  # nothing of the refused batches

            proxy.start()
            assert [post(url, key, batch(n))[0] for n in range(6, 9)] == [200] * 3
            assert post(url, key, batch(4))[0] == 200  # the sender's retry now lands
    finally:
        proxy.stop()
    assert stored_count(postgres_url) == 70
