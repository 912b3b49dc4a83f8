"""The production server: a gunicorn master whose workers read requests with waitress.

`serve` replaces its own process with gunicorn's, so the master holds no app (each worker
builds its own after the fork) and the server stays small: the master is ~20 MB instead of
a third copy of the app. Each worker reads whole requests on an event loop before its
threads run the app (webapp/serving/worker.py), so slow clients cannot take the threads;
once built, each worker's app also runs the background jobs (webapp/serving/background.py)."""

import os
import sys


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


def gunicorn_arguments(host: str, port: int, workers: int, threads: int) -> list[str]:
    return [
        "--bind", f"{host}:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", "webapp.serving.worker.WaitressWorker",
        "--timeout", "60",
        "--graceful-timeout", "10",
        "--no-control-socket",
        "--error-logfile", "-",
        "--config", "python:webapp.serving.hooks",
        "webapp:create_app()",
    ]


def exec_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """Never returns: this process becomes the gunicorn master."""
    sys.stdout.flush()
    sys.stderr.flush()
    arguments = gunicorn_arguments(host, port, workers, threads)
    os.execv(sys.executable, [sys.executable, "-m", "gunicorn", *arguments])
