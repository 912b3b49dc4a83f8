"""Work that runs beside the web requests in every `serve` worker, whether or not anyone
has the dashboard open: the alerts dispatcher. Each job holds a lease in the database, so
one runs at a time across workers and hosts and another takes over when it stops."""

from flask import Flask

from webapp.alerts.dispatcher import start_in_background


def start_jobs(app: Flask) -> None:
    start_in_background(app)
