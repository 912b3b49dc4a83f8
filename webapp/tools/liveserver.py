"""A real `tracking-ingest serve` process on a free loopback port: for the benchmarks and
for tests that must cross a real HTTP server (several workers, real sockets, a browser)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tracking_ingest_command() -> list[str]:
    """The project's console script beside this Python, or on the PATH."""
    script = Path(sys.executable).with_name("tracking-ingest")
    return [str(script)] if script.exists() else [shutil.which("tracking-ingest")]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/tracking-ingest/health", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not become healthy in {timeout}s")


@contextmanager
def running_server(database_url: str, instance_dir: Path, workers: int | None = 2,
                   cpu: int | None = None, **environment):
    """Yield the base URL and the server's pid; stop it afterwards, whatever happened.
    The environment's WEBHOOK_API_KEY is dropped unless given: tests choose their keys."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-server-secret",
        "INGEST_RATE_LIMIT": "100000/minute",
        **{name: str(value) for name, value in environment.items()},
    }
    if "WEBHOOK_API_KEY" not in environment:
        env.pop("WEBHOOK_API_KEY", None)
    command = [*tracking_ingest_command(), "serve", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu), *command]
    log = open(instance_dir / "server.log", "w")
    process = subprocess.Popen(command, cwd=instance_dir, env=env, stdout=log,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url, process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
