"""A lease row in the database: at most one dispatcher sends, across worker processes and
hosts, on SQLite and PostgreSQL alike. A holder that dies is replaced once it expires."""

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update

from webapp.alerts.models import AlertLease
from webapp.db import Database, dialect_insert

leases = AlertLease.__table__


class Lease:
    """Held while renewed: renewal comes when a third of it has passed, so a holder that
    stops renewing (killed, hung) has given it up within `seconds`."""

    def __init__(self, database: Database, name: str, holder: str, seconds: float):
        self.database, self.name, self.holder = database, name, holder
        self.length = timedelta(seconds=seconds)
        self._until: datetime | None = None

    def hold(self, now: datetime) -> bool:
        if self._until is not None and now < self._until - self.length * 2 / 3:
            return True
        with self.database.engine.connect() as connection:
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

    def _take(self, connection, now: datetime) -> bool:
        """Renew our lease or take an expired one in one conditional UPDATE: on PostgreSQL
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
        """Leave at once on a clean stop, so a standby takes over without waiting."""
        if self._until is None:
            return
        self._until = None
        with self.database.write_transaction() as connection:
            connection.execute(delete(leases).where(leases.c.name == self.name,
                                                    leases.c.holder == self.holder))
