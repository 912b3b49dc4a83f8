"""Every dashboard request has a time budget: its queries are stopped when it runs out, so
a runaway query answers with an error instead of holding a worker (and outliving its
master) for minutes. The ingest door's work is bounded by its body limit and is left alone:
its hot path pays nothing for this."""

import time

from flask import Flask, current_app, g, has_request_context
from sqlalchemy import Connection, Engine, event

from ingest.errors import is_api_request

DEFAULT_SECONDS = 20.0
# SQLite calls the handler every this many virtual machine steps (well under a millisecond).
SQLITE_STEPS = 10_000


def _start_clock():
    if not is_api_request():
        g.query_deadline = time.monotonic() + current_app.config["REQUEST_DEADLINE_SECONDS"]


def _deadline() -> float | None:
    return g.get("query_deadline") if has_request_context() else None


def limit_queries(engine: Engine) -> None:
    """Stop a transaction's queries once its request's deadline has passed."""

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection):
        deadline = _deadline()
        if deadline is None:
            return
        if connection.dialect.name == "postgresql":
            milliseconds = max(1, int((deadline - time.monotonic()) * 1000))
            raw = connection.connection.driver_connection
            # On the driver: a streaming export's options would wrap SQLAlchemy's in a cursor.
            raw.execute(f"SET LOCAL statement_timeout = {milliseconds}")
            return
        raw = connection.connection.driver_connection
        raw.set_progress_handler(lambda: time.monotonic() > deadline, SQLITE_STEPS)

    @event.listens_for(engine, "reset")
    def on_reset(dbapi_connection, _record, _state):
        """A pooled SQLite connection carries no deadline into its next request."""
        if engine.dialect.name == "sqlite":
            dbapi_connection.set_progress_handler(None, 0)


def init_app(app: Flask) -> None:
    app.config.setdefault("REQUEST_DEADLINE_SECONDS", DEFAULT_SECONDS)
    app.before_request(_start_clock)
