"""The database handle shared by both doors: one engine, per-request ORM sessions."""

from contextlib import contextmanager

import orjson
from flask import current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from webapp.database import sqlite
from webapp.models import RateLimitWindow
from webapp.web import deadlines


def _json_dumps(value) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str) -> Engine:
    """An engine tuned per backend; PostgreSQL connections are checked before use."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            json_serializer=_json_dumps,
            connect_args={"timeout": sqlite.BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        sqlite.prepare_engine(engine)
        return engine
    return create_engine(
        url, json_serializer=_json_dumps, pool_pre_ping=True, pool_size=8, max_overflow=8
    )


class Database:
    """Holds the engine and session factories of one app."""

    def __init__(self, url: str, keeps_counters: bool = False):
        self.engine = make_engine(url)
        self.disposed = False
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        on_disk = bool(path) and path != ":memory:"
        if on_disk:
            sqlite.create_private(path)
        self._write_lock = sqlite.WriteLock(path) if on_disk else None
        if on_disk:  # every process that opens the database keeps its WAL checkpointed
            checkpointer = sqlite.WalCheckpointer(path, self)
            event.listen(self.engine, "connect", lambda *_: checkpointer.ensure_running())
        # Writes take the SQLite write lock up front; elsewhere the option is ignored.
        self.write_engine = self.engine.execution_options(sqlite_immediate=True)
        self.read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(bind=self.write_engine, expire_on_commit=False)
        # SQLite counts requests in a side file, so counting never queues behind a click
        # insert for the one write lock (measured: ~20 % of sustained ingest throughput).
        self._counters = (
            Database(f"sqlite:///{path}-counters", keeps_counters=True)
            if on_disk and not keeps_counters else None
        )
        self._counter_table_ready = not keeps_counters

    @contextmanager
    def read(self):
        """A plain Core connection for reads (no transaction is held open for writes)."""
        with self.engine.connect() as connection:
            yield connection

    @contextmanager
    def write_transaction(self):
        """A Core connection inside one write transaction, committed on success."""
        if self._write_lock is None:
            with self.write_engine.begin() as connection:
                yield connection
            return
        with self._write_lock.held(), self.write_engine.begin() as connection:
            yield connection

    @contextmanager
    def bookkeeping_transaction(self):
        """A write transaction for counters a crash may lose (rate limits, last use): on
        PostgreSQL its commit does not wait for the WAL flush, an fsync per request."""
        with self.write_transaction() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield connection

    @contextmanager
    def counters_transaction(self):
        """A bookkeeping transaction on the database that holds rate-limit windows."""
        if self._counters is not None:
            with self._counters.counters_transaction() as connection:
                yield connection
            return
        with self.bookkeeping_transaction() as connection:
            if not self._counter_table_ready:
                RateLimitWindow.__table__.create(connection, checkfirst=True)
                self._counter_table_ready = True
            yield connection

    def checkpoint_wal(self) -> None:
        """Copy the SQLite WAL back and truncate it, between writers: a bulk load beside a
        reading server otherwise grows the WAL without bound (PASSIVE checkpoints never
        catch up with a writer that never pauses)."""
        if self._write_lock is None:
            return
        with self._write_lock.held(), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def dispose(self) -> None:
        self.disposed = True
        self.engine.dispose()
        if self._counters is not None:
            self._counters.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def init_app(app) -> None:
    app.extensions["db"] = Database(app.config["DATABASE_URL"])
    deadlines.init_app(app)
    deadlines.limit_queries(app.extensions["db"].engine)
    app.teardown_appcontext(_close_session)


def get_db() -> Database:
    return current_app.extensions["db"]


def get_session() -> Session:
    """The ORM session of this request; state-changing requests write from their first query."""
    if "db_session" not in g:
        db = get_db()
        writes = not has_request_context() or request.method not in ("GET", "HEAD", "OPTIONS")
        g.db_session = (db.write_sessions if writes else db.read_sessions)()
    return g.db_session


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def dialect_insert(connection: Connection, table):
    """INSERT with the backend's ON CONFLICT support (SQLite and PostgreSQL share the syntax)."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
