"""Delivery to real peers on 127.0.0.1: an SMTP server through an Apprise mailto:// URL, and
webhook receivers that verify Standard Webhooks signatures."""

import email
import email.policy
import json
from datetime import timedelta

import pytest
import requests
from sqlalchemy import insert, update

from tests.alert_data import (
    application,
    channel,
    click,
    deliveries,
    settle,
    settled,
    wait_until,
)
from tests.alert_peers import smtp_server, webhook_receiver
from webapp.alerts import outbox
from webapp.alerts.decide import new_delivery_id
from webapp.alerts.dispatcher import start_in_background
from webapp.alerts.models import AlertDelivery
from webapp.database.db import get_db
from webapp.timeutil import utcnow
from webapp.tools.liveserver import free_port


@pytest.fixture
def dispatching(app):
    """Start a fast in-process dispatcher (options may be overridden); stop it after."""
    started = []

    def start(**options):
        settings = {"poll": 0.05, "lease_seconds": 6.0, "retry_base": 0.05, "timeout": 2.0,
                    **options}
        started.append(start_in_background(app, **settings))
        return started[-1]

    yield start
    for dispatcher in started:
        dispatcher.stop(wait=10)


def person_on_acme(app, status="applied") -> int:
    app_id, tid = application(app, status=status)
    now = utcnow()
    settle(app, settled(click(app, tid, now), tid, app_id, now, reason="Chrome on Windows"))
    return app_id




def test_an_email_alert_reaches_an_smtp_server_through_apprise(app, dispatching):
    with smtp_server() as (mailbox, port):
        channel(app, "mail", f"mailto://127.0.0.1:{port}?from=alerts@example.com"
                             "&to=me@example.com")
        person_on_acme(app)
        dispatching()
        [message] = mailbox.wait_for(1)
    mail = email.message_from_bytes(message.content, policy=email.policy.default)
    assert message.rcpt_tos == ["me@example.com"]
    assert mail["subject"] == "A person opened your application to Acme – Backend engineer"
    assert "Browser: Chrome on Windows 10" in mail.get_body(("plain",)).get_content()
    row = wait_until(lambda: deliveries(app)[0].status != "pending" and deliveries(app)[0])
    assert (row.status, row.attempts, row.last_error) == ("delivered", 1, None)


def test_a_signed_webhook_verifies_and_a_tampered_body_does_not(app, dispatching):
    app.config["PUBLIC_URL"] = "https://track.example.com/"
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        app_id = person_on_acme(app)
        dispatching()
        [request] = receiver.wait_for(1)
        body = request["body"]
        assert request["verified"]
        tampered = body.replace(b"Acme", b"Evil")
        assert not receiver.verify(tampered, request["headers"])
        answer = requests.post(url, data=tampered, headers=request["headers"], timeout=5)
        assert answer.status_code == 401
    sent = json.loads(body)
    assert sent["type"] == "alert.first_person"
    assert sent["data"]["application"]["url"] == f"https://track.example.com/applications/{app_id}"
    assert sent["data"]["click"]["time_zone"] == "UTC"
    assert request["headers"]["webhook-id"] == deliveries(app)[0].delivery_id


def test_a_receiver_failing_three_times_gets_one_delivery_with_one_id(app, dispatching):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        receiver.fail_first = 3
        person_on_acme(app)
        dispatching()
        receiver.wait_for(1)
        wait_until(lambda: deliveries(app)[0].status == "delivered")
    assert [r["status"] for r in receiver.requests] == [503, 503, 503, 204]
    assert len({r["headers"]["webhook-id"] for r in receiver.requests}) == 1
    [row] = deliveries(app)
    assert (row.status, row.attempts, row.last_error) == ("delivered", 4, None)


def test_redirects_are_not_followed(app, dispatching):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        receiver.redirect_to = url.rsplit("/", 2)[0] + "/moved"
        person_on_acme(app)
        dispatching(retry_base=60)
        row = wait_until(lambda: (rows := deliveries(app)) and rows[0].attempts and rows[0])
    assert row.status == "pending" and "redirect" in row.last_error
    assert [r["status"] for r in receiver.requests] == [307]


def test_a_slow_receiver_cannot_stall_the_dispatcher(app, dispatching):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        receiver.hold.clear()
        person_on_acme(app)
        dispatching(timeout=1.0, retry_base=60)
        row = wait_until(lambda: (rows := deliveries(app)) and rows[0].attempts and rows[0])
    assert row.last_error == "The receiver did not answer within 1 s."


def test_after_24_hours_of_failures_a_delivery_is_failed_and_the_channel_flagged(app,
                                                                                dispatching):
    channel_id, _ = channel(app, "gone", f"http://127.0.0.1:{free_port()}/hook")
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(insert(AlertDelivery).values(
            delivery_id=new_delivery_id(), channel_id=channel_id, event_key="test:old",
            what="test", payload={}, created_at=utcnow() - timedelta(hours=24, minutes=1),
            status="pending", attempts=0, next_attempt_at=utcnow()))
        assert outbox.failing_channels(connection) == []
    dispatching()
    row = wait_until(lambda: deliveries(app)[0].status == "failed" and deliveries(app)[0])
    assert row.last_error == "Could not connect to the receiver."
    with app.app_context(), get_db().engine.connect() as connection:
        assert outbox.failing_channels(connection) == ["gone"]


def test_a_delivery_that_works_again_clears_the_failing_flag(app, dispatching):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        receiver.fail_first = 1
        person_on_acme(app)
        dispatcher = dispatching(retry_base=60)
        wait_until(lambda: deliveries(app)[0].attempts == 1)
        with app.app_context(), get_db().engine.connect() as connection:
            assert outbox.failing_channels(connection) == ["hook"]
        dispatcher.stop(wait=10)
        with app.app_context(), get_db().write_transaction() as connection:
            connection.execute(update(AlertDelivery).values(next_attempt_at=utcnow()))
        dispatching()
        wait_until(lambda: deliveries(app)[0].status == "delivered")
    with app.app_context(), get_db().engine.connect() as connection:
        assert outbox.failing_channels(connection) == []


def test_channels_test_goes_through_the_outbox_to_the_receiver(app, runner, dispatching):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        dispatching()
        result = runner.invoke(args=["channels", "test", "hook", "--wait", "20"])
        assert result.exit_code == 0, result.output
        [request] = receiver.wait_for(1)
    assert "Delivered." in result.output
    assert b'"type": "alert.test"' in request["body"]


def test_backoff_doubles_with_jitter_and_is_capped():
    for attempts, low, high in [(1, 5, 10), (2, 10, 20), (3, 20, 40), (20, 1800, 3600)]:
        delays = {outbox.backoff(attempts, 10.0) for _ in range(50)}
        assert all(low <= delay <= high for delay in delays)
        assert len(delays) > 1
