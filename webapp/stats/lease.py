"""A lease in the database, so one settler works at a time across processes and servers
(SQLite and PostgreSQL alike): a read_marks row whose value is the holder's token, which
encodes when the lease runs out. Taking it is one conditional UPDATE."""

import secrets
import time

from sqlalchemy import update

from webapp.db import Database, dialect_insert
from webapp.stats.rollups import marks

# Tokens are the expiry in milliseconds times 1000 plus a random part: two holders never
# share a token, and comparing a token with "now" tells whether it ran out.
_RANDOM = 1000


def _token(expires: float) -> int:
    return int(expires * 1000) * _RANDOM + secrets.randbelow(_RANDOM)


def _now_token() -> int:
    return int(time.time() * 1000) * _RANDOM


class Lease:
    def __init__(self, database: Database, name: str, seconds: float):
        self.database, self.name, self.seconds = database, name, seconds
        self.token: int | None = None

    def take(self, wait_seconds: float = 0) -> bool:
        """Take the lease when it is free or ran out, polling up to wait_seconds for it;
        True when this holder has it."""
        deadline = time.monotonic() + wait_seconds
        while not self._try() and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.token is not None

    def _try(self) -> bool:
        token = _token(time.time() + self.seconds)
        with self.database.write_transaction() as connection:
            connection.execute(dialect_insert(connection, marks)
                               .values(name=self.name, last_id=0).on_conflict_do_nothing())
            taken = connection.execute(
                update(marks).where(marks.c.name == self.name, marks.c.last_id < _now_token())
                .values(last_id=token)).rowcount
        self.token = token if taken else None
        return bool(taken)

    def renew(self) -> bool:
        """Push the expiry on; False when the lease ran out and another holder took it."""
        token = _token(time.time() + self.seconds)
        with self.database.write_transaction() as connection:
            kept = connection.execute(
                update(marks).where(marks.c.name == self.name, marks.c.last_id == self.token)
                .values(last_id=token)).rowcount
        self.token = token if kept else None
        return bool(kept)

    def give_back(self) -> None:
        if self.token is None:
            return
        with self.database.write_transaction() as connection:
            connection.execute(update(marks).where(marks.c.name == self.name,
                                                   marks.c.last_id == self.token)
                               .values(last_id=0))
        self.token = None
