"""Real peers on 127.0.0.1 for alert tests: an SMTP server and a webhook receiver that
verifies Standard Webhooks signatures with the standardwebhooks package."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webapp.tools.liveserver import free_port


class Mailbox:
    """aiosmtpd handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, _server, _session, envelope):
        with self.arrived:
            self.messages.append(envelope)
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0) -> list:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
            return list(self.messages)


@contextmanager
def smtp_server():
    """(mailbox, port) of a plain SMTP server on loopback."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield mailbox, controller.port
    finally:
        controller.stop()


class Receiver:
    """What a webhook receiver saw, and how it should answer."""

    def __init__(self):
        self.secret: str | None = None
        self.requests: list[dict] = []  # every request: headers, body, verified
        self.fail_first = 0
        self.redirect_to: str | None = None
        self.hold = threading.Event()  # cleared: requests wait until it is set
        self.hold.set()
        self.arrived = threading.Condition()

    def verified_ids(self) -> list[str]:
        return [r["headers"]["webhook-id"] for r in self.requests
                if r["verified"] and r["status"] == 204]

    def wait_for(self, count: int, timeout: float = 30.0, accepted: bool = True) -> list:
        """The first count requests (accepted ones only, unless told)."""
        def seen():
            return [r for r in self.requests if r["status"] == 204 or not accepted]

        with self.arrived:
            self.arrived.wait_for(lambda: len(seen()) >= count, timeout)
            return seen()

    def verify(self, body: bytes, headers: dict) -> bool:
        try:
            Webhook(self.secret).verify(body, headers)
            return True
        except WebhookVerificationError:
            return False


def _handler(receiver: Receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            headers = {name.lower(): value for name, value in self.headers.items()}
            record = {"headers": headers, "body": body, "at": time.monotonic(),
                      "verified": receiver.verify(body, headers)}
            with receiver.arrived:
                record["status"] = self._status(record)
                receiver.requests.append(record)
                receiver.arrived.notify_all()
            receiver.hold.wait(60)
            self.send_response(record["status"])
            if record["status"] == 307:
                self.send_header("Location", receiver.redirect_to)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _status(self, record) -> int:
            if receiver.redirect_to and self.path != "/moved":
                return 307
            if not record["verified"]:
                return 401
            failed_so_far = sum(1 for r in receiver.requests if r["status"] == 503)
            return 503 if failed_so_far < receiver.fail_first else 204

        def log_message(self, *_args):
            pass

    return Handler


@contextmanager
def webhook_receiver():
    """(receiver, url) of an HTTP server on loopback."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(receiver))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver, f"http://127.0.0.1:{server.server_address[1]}/hooks/alerts"
    finally:
        receiver.hold.set()
        server.shutdown()
        server.server_close()
