"""Waitress's connection pieces, adjusted for this app: a request line has a limit, every
error the server gives itself is JSON, and each running request is timed for its deadline.

Waitress reads a whole request (headers and body) on its event loop before a thread sees it
(https://docs.pylonsproject.org/projects/waitress/en/stable/design.html), so a slow or
stalled client holds a socket and a buffer, never a thread."""

import socket
import threading
import time
from contextlib import contextmanager

import orjson
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ErrorTask, ThreadedTaskDispatcher, WSGITask
from waitress.utilities import BadRequest

from webapp.timeutil import api_timestamp

# How long a closing connection is read and discarded (nginx's lingering_timeout is 5 s).
LINGER_SECONDS = 2.0
# Headers must be complete this long after a request's first byte: Apache's mod_reqtimeout
# default, header=20-40, starts at 20 s
# (https://httpd.apache.org/docs/2.4/mod/mod_reqtimeout.html).
HEADER_SECONDS = 20.0
# Apache's LimitRequestLine default (https://httpd.apache.org/docs/2.4/mod/core.html).
MAX_REQUEST_LINE = 8190


class RequestLineTooLong(BadRequest):
    code = 414
    reason = "URI Too Long"


class RequestTimeout(BadRequest):
    code = 408
    reason = "Request Timeout"


class Parser(HTTPRequestParser):
    """Refuses a request line longer than MAX_REQUEST_LINE as soon as it is seen, and
    headers still arriving HEADER_SECONDS after the request's first byte."""

    def __init__(self, adj):
        super().__init__(adj)
        self.started = time.monotonic()

    def received(self, data):
        if self.body_rcv is None and not self.completed:
            start = (self.header_plus + data[:MAX_REQUEST_LINE + 2]).lstrip()
            line_end = start.find(b"\n")
            if (len(start) if line_end < 0 else line_end) > MAX_REQUEST_LINE:
                return self._refuse(data, RequestLineTooLong(
                    f"The request line is longer than {MAX_REQUEST_LINE} bytes"))
            if time.monotonic() - self.started > HEADER_SECONDS:
                return self._refuse(data, RequestTimeout(
                    f"The request headers took longer than {HEADER_SECONDS:.0f} s"))
        return super().received(data)

    def _refuse(self, data, error) -> int:
        """As waitress refuses oversized headers: a stand-in request carrying the error."""
        self.parse_header(b"GET / HTTP/1.0\r\n")
        self.error = error
        self.completed = True
        return len(data)


class JsonErrorTask(ErrorTask):
    """The server's own refusals in the shape of the app's JSON errors (the contract: every
    answer under /api/ is JSON; a request too broken to route gets the same)."""

    def execute(self):
        error = self.request.error
        name, message = error.reason, error.body
        if error.code == 413:  # in the words of the app's own 413 (RFC 9110's name)
            limit = self.channel.server.adj.max_request_body_size
            name, message = "Payload Too Large", f"Request body exceeds {limit} bytes"
        body = orjson.dumps({"success": False, "error": name, "message": message,
                             "timestamp": api_timestamp()})
        self.status = f"{error.code} {name}"
        self.response_headers.append(("Content-Type", "application/json"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Dispatcher(ThreadedTaskDispatcher):
    """Waitress's thread pool, knowing since when each running request runs."""

    def __init__(self):
        super().__init__()
        self.started: dict[int, float] = {}
        self._started_lock = threading.Lock()

    def oldest_request_seconds(self) -> float:
        with self._started_lock:
            first = min(self.started.values(), default=None)
        return 0.0 if first is None else time.monotonic() - first

    def busy(self) -> bool:
        return bool(self.queue or self.started)

    @contextmanager
    def running(self, task):
        with self._started_lock:
            self.started[id(task)] = time.monotonic()
        try:
            yield
        finally:
            with self._started_lock:
                del self.started[id(task)]


class TimedTask(WSGITask):
    """A request timed from its start, so the worker can see one overrun its deadline."""

    def service(self):
        with self.channel.server.task_dispatcher.running(self):
            super().service()


class Channel(HTTPChannel):
    """Closes in stages: after its answer, a connection whose client may still be sending
    (a refused request line or body) is half-closed and read to the end for a short while,
    so the unread bytes do not make the kernel reset the connection and destroy the answer
    (RFC 9112, section 9.6)."""

    task_class = TimedTask
    error_task_class = JsonErrorTask
    parser_class = Parser
    lingering_until = None

    def handle_close(self):
        if self.lingering_until is not None or not self.connected:
            return super().handle_close()
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:
            return super().handle_close()
        self.lingering_until = time.monotonic() + LINGER_SECONDS
        return None

    def readable(self):
        return self.lingering_until is not None or super().readable()

    def writable(self):
        if self.lingering_until is not None:
            return time.monotonic() > self.lingering_until
        return super().writable()

    def handle_read(self):
        if self.lingering_until is None:
            return super().handle_read()
        try:
            self.recv(self.adj.recv_bytes)  # calls handle_close when the client has closed
        except OSError:
            super().handle_close()
        return None

    def handle_write(self):
        if self.lingering_until is None:
            return super().handle_write()
        return super().handle_close()


class Server(TcpWSGIServer):
    """Serves on a socket gunicorn's master already bound and shares with its workers."""

    channel_class = Channel
