"""The project's ingest benchmark: start a real server on a fresh database, run the
contract's scenarios against it from this process, and report the figures."""

import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import orjson

from webapp.tools.bench import make_bodies, run_benchmark
from webapp.tools.liveserver import running_server

SCENARIOS = (
    # name, events, batch size, senders, every event a new user agent
    ("100-event batches, 1 sender", 20_000, 100, 1, False),
    ("1000-event batches, 1 sender", 100_000, 1000, 1, False),
    ("500-event batches, 4 senders", 400_000, 500, 4, False),
    # Each unseen agent pays the classifier's first pass (webapp.kinds.agents): the slow case.
    ("500-event batches, 4 senders, every event a new agent", 200_000, 500, 4, True),
)


def _script() -> str:
    return str(Path(sys.executable).with_name("tracking-ingest"))


def _tree_rss_mb(pid: int) -> float:
    """Resident size of a process and all its descendants."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += int(status.split("VmRSS:")[1].split()[0])
        pending += [int(child) for child in children]
    return total / 1024


@contextmanager
def spawned_server(database_url: str, directory: str, workers: int | None, cpu: int | None):
    """`tracking-ingest serve` on a free port with the rate limit out of the way, and a key."""
    env = {**os.environ, "DATABASE_URL": database_url}
    key = subprocess.run([_script(), "api-keys", "create", f"bench-{time.time_ns()}"], env=env,
                         capture_output=True, text=True, check=True).stdout.split()[-1]
    with running_server(database_url, Path(directory), workers, cpu,
                        INGEST_RATE_LIMIT="100000000/minute") as (url, pid):
        yield url, key, pid


def floor_ms(body: bytes, directory: str) -> float:
    """The contract's floor: parse a body and executemany its rows into a WAL SQLite file."""
    connection = sqlite3.connect(Path(directory) / "floor.db", isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("CREATE TABLE IF NOT EXISTS clicks (tracking_id, clicked_at, ip_address,"
                       " user_agent, click_source)")
    started = time.perf_counter()
    rows = [(e["tracking_id"], e["clicked_at"], e.get("ip_address"), e.get("user_agent"),
             e.get("click_source")) for e in orjson.loads(body)["events"]]
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany("INSERT INTO clicks VALUES (?, ?, ?, ?, ?)", rows)
    connection.execute("COMMIT")
    elapsed = (time.perf_counter() - started) * 1000
    connection.close()
    return elapsed


def floor_comparison(url: str, key: str, rounds: int, directory: str) -> str:
    """Alternate the floor and one 1000-event request, so both see the same machine."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port)
    headers = {"Content-Type": "application/json", "X-API-Key": key}
    bodies = make_bodies(rounds * 1000, 1000, 300, seed=time.time_ns())
    floors, requests = [], []
    for body in bodies:
        floors.append(floor_ms(body, directory))
        started = time.perf_counter()
        connection.request("POST", "/api/tracking-ingest/batch", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        requests.append((time.perf_counter() - started) * 1000)
        assert response.status == 200, response.status
    floor, request = statistics.median(floors), statistics.median(requests)
    return (f"floor (parse + executemany, WAL): {floor:.2f} ms  1000-event request: "
            f"{request:.2f} ms  ratio: {request / floor:.1f}x")


def run_suite(database_url: str | None, workers: int | None, pin_cpu: int | None, echo) -> None:
    with tempfile.TemporaryDirectory() as directory:
        url_of_db = database_url or f"sqlite:///{directory}/bench.db"
        echo(f"database: {url_of_db.split('@')[-1]}")
        if pin_cpu is not None:
            os.sched_setaffinity(0, {pin_cpu})
            with spawned_server(url_of_db, directory, workers, pin_cpu) as (url, key, _pid):
                echo(floor_comparison(url, key, 60, directory))
            return
        with spawned_server(url_of_db, directory, workers, None) as (url, key, pid):
            for name, events, batch_size, senders, new_agents in SCENARIOS:
                result = run_benchmark(url, key, events, batch_size, senders,
                                       new_agents=new_agents)
                echo(f"\n{name}:\n{result.report()}")
                echo(f"server resident size (all processes): {_tree_rss_mb(pid):.0f} MB")
