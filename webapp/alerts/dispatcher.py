"""The dispatcher: the lease holder polls the outbox and sends what is due; the others
wait. Run it beside the web workers with start_in_background(app) or as
`tracking-ingest dispatch`."""

import atexit
import logging
import signal
import threading
import time

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp.alerts import digest, messages, outbox, sealing, senders
from webapp.database.lease import Lease
from webapp.timeutil import utcnow

log = logging.getLogger(__name__)
LEASE_NAME = "alerts-dispatcher"
BATCH = 20
DIGEST_CHECK_SECONDS = 60.0


class Dispatcher:
    """Sends the outbox while it holds the lease. A send's timeout is at most a third of
    the lease, so no send outlives the lease of the process that started it."""

    def __init__(self, app: Flask, poll: float = 1.0, lease_seconds: float = 30.0,
                 retry_base: float = 10.0, timeout: float = 10.0, announce=None):
        self.app = app
        self.announce = announce or (lambda message: log.info("%s", message))
        self.active = False
        self.database = app.extensions["db"]
        self.poll, self.retry_base = poll, retry_base
        self.timeout = min(timeout, lease_seconds / 3)
        self.lease = Lease(self.database, LEASE_NAME, lease_seconds)
        self.stopping = threading.Event()
        self._digests_checked: dict = {}
        self._next_digest_check = 0.0
        self.thread: threading.Thread | None = None

    def run(self) -> None:
        """Until stop(); database outages are waited out, not fatal."""
        try:
            while not self.stopping.is_set():
                try:
                    busy = self.step()
                except SQLAlchemyError as problem:
                    log.warning("alerts dispatcher: database error (%s); retrying",
                                type(problem).__name__)
                    busy = False
                if not busy:
                    self.stopping.wait(self.poll)
        finally:
            try:
                self.lease.release()
            except SQLAlchemyError:
                pass  # it expires on its own

    def stop(self, wait: float = 0.0) -> None:
        """Ask the loop to end; wait up to `wait` s for a background thread to finish."""
        self.stopping.set()
        if wait and self.thread is not None:
            self.thread.join(wait)

    def step(self) -> bool:
        """One poll; True when more may be due at once."""
        if not self._holding():
            return False
        if time.monotonic() >= self._next_digest_check:
            self._next_digest_check = time.monotonic() + DIGEST_CHECK_SECONDS
            with self.database.write_transaction() as connection:
                digest.queue_due(connection, utcnow(), self._digests_checked)
        with self.database.engine.connect() as connection:
            rows = outbox.due(connection, utcnow(), BATCH)
            context = self._context(connection) if rows else None
        for row in rows:
            if self.stopping.is_set() or not self._holding():
                return False
            error = self._send(row, context)
            with self.database.write_transaction() as connection:
                outbox.record(connection, row, error, utcnow(), self.retry_base)
        return len(rows) == BATCH

    def _holding(self) -> bool:
        """Whether this dispatcher holds the lease; a change is announced."""
        holding = self.lease.hold()
        if holding != self.active:
            self.active = holding
            self.announce(f"Alerts dispatcher {self.lease.holder}: "
                          + ("active, holding the lease" if holding else "standing by"))
        return holding

    def _context(self, connection) -> messages.Context:
        urls = self.app.url_map.bind("localhost")
        return messages.Context(
            time_zone=digest.user_time_zone(connection),
            public_url=self.app.config.get("PUBLIC_URL"),
            application_path=lambda application_id: urls.build(
                "applications.show", {"application_id": application_id}),
        )

    def _send(self, row, context: messages.Context) -> str | None:
        try:
            address = sealing.unseal(self.app.config["SECRET_KEY"], row.sealed)
            if row.kind == "webhook":
                body = messages.webhook_body(row.what, row.payload, context, row.created_at)
                return senders.send_webhook(address["url"], address["secret"],
                                            row.delivery_id, body, self.timeout)
            title, body = messages.text(row.what, row.payload, context)
            return senders.send_apprise(address["url"], title, body, self.timeout)
        except sealing.CannotUnseal as problem:
            return str(problem)
        except Exception as problem:  # noqa: BLE001 - one bad delivery must not stop the rest
            # The type only: a message could quote the address and its credentials.
            log.warning("alerts: delivery %s failed with %s", row.delivery_id,
                        type(problem).__name__)
            return f"Unexpected error while sending ({type(problem).__name__})."


def start_in_background(app: Flask, **options) -> Dispatcher:
    """A dispatcher in a daemon thread of this process (call it after any fork); every
    process may start one, the lease keeps all but one waiting."""
    dispatcher = Dispatcher(app, **options)
    dispatcher.thread = threading.Thread(target=dispatcher.run, name="alerts-dispatcher",
                                         daemon=True)
    dispatcher.thread.start()
    # A worker that exits cleanly gives the lease back, so another takes over at once.
    atexit.register(dispatcher.stop, wait=dispatcher.timeout + 1)
    return dispatcher


def run_until_signalled(app: Flask, **options) -> None:
    """Run in the foreground until SIGTERM or SIGINT, then give the lease back."""
    dispatcher = Dispatcher(app, **options)
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: dispatcher.stop())
    dispatcher.run()
