"""A stopped server stops: no worker of `tracking-ingest serve` outlives its master, however
its clients behave (issue 10, item 9)."""

import os
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.databases import fresh_sqlite_url
from tests.test_slow_clients import health, slow_clients
from webapp.tools.liveserver import running_server


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def server_processes(url: str) -> tuple[int, list[int]]:
    """The gunicorn master and its workers serving `url` (they share its command line)."""
    bind = f"127.0.0.1:{urlsplit(url).port}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and bind in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    pids = [pid for pid in pids if _alive(pid)]
    parents = {pid: int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
               for pid in pids}
    master = next(pid for pid in pids if parents[pid] not in pids)
    return master, [pid for pid in pids if pid != master]


def seconds_until_gone(pids: list[int], limit: float) -> float:
    started = time.monotonic()
    while any(_alive(pid) for pid in pids) and time.monotonic() - started < limit:
        time.sleep(0.05)
    return time.monotonic() - started


@pytest.fixture
def server(sqlite_template, tmp_path):
    with running_server(fresh_sqlite_url(sqlite_template, tmp_path), tmp_path) as (url, _pid):
        master, workers = server_processes(url)
        try:
            yield url, master, workers
        finally:
            for pid in workers:  # a worker that outlived its master must not outlive the test
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_every_process_at_once_with_slow_clients_connected(server):
    url, master, workers = server
    assert len(workers) == 2 and health(url) == 200
    with slow_clients(url, 10):
        time.sleep(1)
        os.kill(master, signal.SIGTERM)
        seconds = seconds_until_gone([master, *workers], limit=15)
    assert seconds < 3, f"the server took {seconds:.1f} s to stop"


def test_workers_end_when_their_master_is_killed(server):
    """SIGKILL leaves the master no time to stop its workers: they notice on their own."""
    url, master, workers = server
    with slow_clients(url, 10):
        time.sleep(1)
        os.kill(master, signal.SIGKILL)
        seconds = seconds_until_gone(workers, limit=15)
    assert seconds < 3, f"workers outlived their master by {seconds:.1f} s"
