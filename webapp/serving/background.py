"""Work that runs beside the web requests in every `serve` worker, whether or not anyone
has the dashboard open: the settler (click kinds judged with their neighbours, then folded
into the rollups) and the alerts dispatcher. Each holds a lease in the database, so one runs
at a time across workers and hosts, and another takes over when it stops."""

import os
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


def _in_the_background(job, *args) -> None:
    """Run job at the lowest CPU priority (Linux schedules each thread apart): requests
    come first, and the background work takes the cores they leave idle."""
    os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    job(*args)


def start_jobs(app: Flask) -> None:
    threading.Thread(target=_in_the_background, args=(run_settler, app, threading.Event()),
                     name="settler", daemon=True).start()
    start_in_background(app)
