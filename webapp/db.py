"""The database handle shared by both doors: one engine, per-request ORM sessions."""

import fcntl
import threading
from contextlib import contextmanager

import orjson
from flask import current_app, g, has_request_context, request
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _json_dumps(value) -> str:
    return orjson.dumps(value).decode()


def _prepare_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout, and BEGIN IMMEDIATE for writes, so concurrent writers wait, not fail.

    pysqlite's own transaction handling is switched off so that we emit BEGIN ourselves
    (SQLAlchemy's documented recipe for SQLite transactions).
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection):
        immediate = connection.get_execution_options().get("sqlite_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine tuned per backend; PostgreSQL connections are checked before use."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            json_serializer=_json_dumps,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        _prepare_sqlite(engine)
        return engine
    return create_engine(
        url, json_serializer=_json_dumps, pool_pre_ping=True, pool_size=8, max_overflow=8
    )


class SQLiteWriteLock:
    """Queues SQLite writers in the kernel instead of in SQLite's busy handler, which
    polls with sleeps of up to 100 ms: a thread lock inside the process, a file lock
    beside the database across worker processes; waiters wake the moment it is free."""

    def __init__(self, database_path: str):
        self._path = database_path + ".write-lock"
        self._threads = threading.Lock()
        self._file = None

    @contextmanager
    def held(self):
        with self._threads:
            if self._file is None:
                self._file = open(self._path, "a+b")  # noqa: SIM115 - kept open for reuse
            fcntl.flock(self._file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._file, fcntl.LOCK_UN)

    def after_fork(self) -> None:
        """A forked worker needs its own open file: flock belongs to the open file."""
        self._threads = threading.Lock()
        self._file = None


class Database:
    """Holds the engine and session factories of one app."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        path = self.engine.url.database if self.engine.dialect.name == "sqlite" else None
        self._write_lock = SQLiteWriteLock(path) if path and path != ":memory:" else None
        # Writes take the SQLite write lock up front; elsewhere the option is ignored.
        self.write_engine = self.engine.execution_options(sqlite_immediate=True)
        self.read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(bind=self.write_engine, expire_on_commit=False)

    @contextmanager
    def write_transaction(self):
        """A Core connection inside one write transaction, committed on success."""
        if self._write_lock is None:
            with self.write_engine.begin() as connection:
                yield connection
            return
        with self._write_lock.held(), self.write_engine.begin() as connection:
            yield connection

    def after_fork(self) -> None:
        """Drop what the parent process opened; each worker opens its own."""
        self.engine.dispose(close=False)
        if self._write_lock is not None:
            self._write_lock.after_fork()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"


def init_app(app) -> None:
    app.extensions["db"] = Database(app.config["DATABASE_URL"])
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
