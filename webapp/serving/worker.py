"""A gunicorn worker that reads connections with waitress's event loop: gunicorn's master
keeps what it is good at (forking workers that each load the app, restarting them, signals,
graceful stops) and no slow client ever holds one of the worker's threads.

gunicorn's own threaded worker reads a request inside a pool thread, so a few clients that
send their headers slowly hold every thread (gunicorn/workers/gthread.py, `handle`)."""

import logging
import os
import sys
import time

from gunicorn.workers.base import Worker
from waitress import wasyncore
from waitress.adjustments import Adjustments

from webapp.serving.channel import Dispatcher, Server

# A request that runs longer than this retires its worker (the master starts a fresh one):
# Python cannot stop a thread, but a process can end. Queries should be limited to less,
# so that a slow page answers with an error first.
REQUEST_DEADLINE_SECONDS = 60.0
# Headers larger than this are refused (431); request lines have their own, smaller limit.
MAX_HEADER_BYTES = 64 * 1024
# Beyond the app's own body limit, so the app answers its own 413 for a body just over it;
# the server refuses (413) what is far over it before buffering it all.
BODY_MARGIN_BYTES = 1024 * 1024
# A connection that sends nothing for this long, idle or mid-request, is closed.
IDLE_SECONDS = 30
LOOP_SECONDS = 0.5


class WaitressWorker(Worker):
    def run(self):
        # Requests waiting for a thread are ordinary under load, not a warning per request.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        dispatcher = Dispatcher()
        dispatcher.set_thread_count(self.cfg.threads)
        listeners = [listener.sock for listener in self.sockets]
        adjustments = Adjustments(
            sockets=listeners,
            threads=self.cfg.threads,
            connection_limit=self.cfg.worker_connections,
            channel_timeout=IDLE_SECONDS,
            cleanup_interval=5,
            max_request_header_size=MAX_HEADER_BYTES,
            max_request_body_size=self.wsgi.config["INGEST_MAX_BODY_BYTES"] + BODY_MARGIN_BYTES,
            recv_bytes=64 * 1024,
            ident="tracking-ingest",
        )
        connections = {}
        servers = [
            Server(self.wsgi, connections, True, listener, dispatcher=dispatcher, adj=adjustments,
                   bind_socket=False,
                   sockinfo=(listener.family, listener.type, listener.proto,
                             listener.getsockname()))
            for listener in listeners
        ]
        notified = 0.0
        while self.alive and self._should_serve(dispatcher):
            if time.monotonic() - notified > 1:  # each notify is a syscall; the master
                self.notify()                      # needs one within --timeout
                notified = time.monotonic()
            wasyncore.loop(timeout=LOOP_SECONDS, map=connections, use_poll=True, count=1)
        self._stop(servers, dispatcher, connections)

    def _should_serve(self, dispatcher: Dispatcher) -> bool:
        if self.ppid != os.getppid():
            self.log.warning("Master %s is gone: worker %s stops", self.ppid, self.pid)
            return False
        running = dispatcher.oldest_request_seconds()
        if running > REQUEST_DEADLINE_SECONDS:
            self.log.error("A request has run for %.0f s, over the %.0f s deadline: worker %s "
                           "retires", running, REQUEST_DEADLINE_SECONDS, self.pid)
            return False
        return True

    def _stop(self, servers, dispatcher: Dispatcher, connections: dict) -> None:
        """Stop accepting, let running requests finish within the graceful timeout, then end
        even if one has not: a thread left running (the dashboard's thread pool is joined at
        exit) would otherwise keep this process alive after its master."""
        for server in servers:
            server.accepting = False
        until = time.monotonic() + self.cfg.graceful_timeout
        while _busy(dispatcher, connections) and time.monotonic() < until:
            self.notify()
            wasyncore.loop(timeout=0.05, map=connections, use_poll=True, count=1)
        if dispatcher.busy():
            self.log.warning("Worker %s ends with %d requests still running", self.pid,
                             len(dispatcher.started))
            sys.stderr.flush()
            os._exit(0)
        wasyncore.close_all(connections)


def _busy(dispatcher: Dispatcher, connections: dict) -> bool:
    """Requests queued or running, or answers not yet sent."""
    return dispatcher.busy() or any(
        getattr(channel, "total_outbufs_len", 0) for channel in connections.values())
