"""A lease in the database, so one process at a time does a job (settling kinds, sending
alerts) across worker processes and hosts, on SQLite and PostgreSQL alike: a row of
`leases` naming the holder and when its time runs out. A holder that dies is replaced once
its time runs out; one that stops cleanly releases it, so another takes over at once."""

import os
import secrets
import socket
import time
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, or_, select, update

from webapp.database.db import Database, dialect_insert
from webapp.models import HeldLease
from webapp.timeutil import utcnow

leases = HeldLease.__table__
POLL_SECONDS = 0.2  # between tries of take() while another holder has the lease


class Lease:
    """Held while renewed: hold() renews it once a third of it has passed, so a holder that
    stops calling hold() (killed, hung) has given it up within `seconds`."""

    def __init__(self, database: Database, name: str, seconds: float):
        self.database, self.name = database, name
        # This host, this process and this lease: two holders never share a name.
        self.holder = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.length = timedelta(seconds=seconds)
        self._until: datetime | None = None

    def hold(self) -> bool:
        """Whether this holder has the lease: taken when free or run out, renewed when a
        third of it has passed; False while another holder's time runs."""
        now = utcnow()
        if self._until is not None and now < self._until - self.length * 2 / 3:
            return True
        with self.database.read() as connection:
            current = connection.execute(
                select(leases.c.holder, leases.c.expires_at).where(leases.c.name == self.name)
            ).first()
        if current is not None and current.holder != self.holder and current.expires_at > now:
            self._until = None  # a standby only reads until the holder's time runs out
            return False
        with self.database.write_transaction() as connection:
            taken = self._take(connection, now)
        self._until = now + self.length if taken else None
        return taken

    def take(self, wait_seconds: float = 0) -> bool:
        """hold(), trying again for up to wait_seconds while another holder has it."""
        deadline = time.monotonic() + wait_seconds
        while not self.hold():
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL_SECONDS)
        return True

    def _take(self, connection: Connection, now: datetime) -> bool:
        """Renew our lease or take a run-out one in one conditional UPDATE: on PostgreSQL
        a concurrent taker waits on the row lock, then re-checks the WHERE and finds the
        new holder's time (READ COMMITTED's documented UPDATE behaviour)."""
        values = {"holder": self.holder, "expires_at": now + self.length}
        renewed = connection.execute(update(leases).where(
            leases.c.name == self.name,
            or_(leases.c.holder == self.holder, leases.c.expires_at <= now)).values(**values))
        if renewed.rowcount:
            return True
        created = connection.execute(
            dialect_insert(connection, leases).values(name=self.name, **values)
            .on_conflict_do_nothing().returning(leases.c.name))
        return created.first() is not None

    def release(self) -> None:
        """Give it back at once on a clean stop, so another holder need not wait."""
        if self._until is None:
            return
        self._until = None
        with self.database.write_transaction() as connection:
            connection.execute(delete(leases).where(leases.c.name == self.name,
                                                    leases.c.holder == self.holder))
