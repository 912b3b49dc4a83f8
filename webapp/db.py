"""The database handle shared by both doors: one engine, per-request ORM sessions."""

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


class Database:
    """Holds the engine and session factories of one app."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        # Writes take the SQLite write lock up front; elsewhere the option is ignored.
        self.write_engine = self.engine.execution_options(sqlite_immediate=True)
        self.read_sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.write_sessions = sessionmaker(bind=self.write_engine, expire_on_commit=False)

    @contextmanager
    def write_transaction(self):
        """A Core connection inside one write transaction, committed on success."""
        with self.write_engine.begin() as connection:
            yield connection

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
