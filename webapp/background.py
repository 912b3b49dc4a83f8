"""Work that runs beside the web requests in every `serve` worker, whether or not anyone
has the dashboard open: the settler (click kinds judged with their neighbours, then folded
into the rollups) and the alerts dispatcher. Each holds a lease in the database, so one runs
at a time across workers and hosts, and another takes over when it stops."""

import threading

from flask import Flask

from webapp.alerts.decide import decide
from webapp.alerts.dispatcher import start_in_background
from webapp.stats.settle import run_settler
from webapp.stats.verdicts import SETTLED_HOOKS


def connect_alerts() -> None:
    """Alerts are decided in the transaction that settles a click's kind (an outbox)."""
    if decide not in SETTLED_HOOKS:
        SETTLED_HOOKS.append(decide)


def start_jobs(app: Flask) -> None:
    threading.Thread(target=run_settler, args=(app, threading.Event()), name="settler",
                     daemon=True).start()
    start_in_background(app)
