"""The production server: gunicorn with threaded workers around one preloaded app."""

import os

from gunicorn.app.base import BaseApplication


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        return self.application


def run(app, host: str, port: int, workers: int, threads: int) -> None:
    def post_fork(_server, _worker):
        """Each worker opens its own database connections, never the master's."""
        app.extensions["db"].after_fork()

    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "preload_app": True,
        "post_fork": post_fork,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "keepalive": 5,
        "timeout": 60,
        "graceful_timeout": 10,
        "control_socket_disable": True,
    }
    _Gunicorn(app, options).run()
