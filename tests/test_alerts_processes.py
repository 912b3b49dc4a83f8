"""`tracking-ingest dispatch` as real processes: killed mid-delivery and restarted, two at
once on one database, and the time from decide() to delivery."""

import json
import os
import random
import signal
import statistics
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select

from tests.alert_data import (
    CHROME,
    application,
    channel,
    click,
    deliveries,
    settle,
    settled,
    wait_until,
)
from tests.alert_peers import webhook_receiver
from webapp.database.db import get_db
from webapp.models import HeldLease
from webapp.timeutil import utcnow
from webapp.tools.liveserver import tracking_ingest_command


@contextmanager
def dispatchers(app, directory, count=1, *options):
    """count `tracking-ingest dispatch` processes on the app's database; stopped after."""
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"],
           "SECRET_KEY": app.config["SECRET_KEY"]}
    started = []
    try:
        for number in range(count):
            started.append(start(directory, env, f"dispatch-{number}", *options))
        yield started
    finally:
        for process, log in started:
            if process.poll() is None:
                process.terminate()
                process.wait(15)
            log.close()


def start(directory, env, name, *options):
    log = open(directory / f"{name}.log", "w")  # noqa: SIM115 - closed by dispatchers()
    process = subprocess.Popen(
        [*tracking_ingest_command(), "dispatch", "--poll", "0.1", "--lease-seconds", "3",
         "--retry-base", "0.2", *options],
        cwd=directory, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, log




def a_person_on(app, company: str) -> None:
    app_id, tid = application(app, company)
    now = utcnow()
    settle(app, settled(click(app, tid, now), tid, app_id, now))


def test_killed_mid_delivery_and_restarted_the_alert_arrives_with_one_id(app, tmp_path):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        receiver.hold.clear()  # the receiver takes the request and keeps the answer back
        a_person_on(app, "Acme")
        with dispatchers(app, tmp_path) as [(first, _log)]:
            receiver.wait_for(1, accepted=False)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        receiver.hold.set()
        with dispatchers(app, tmp_path, 1):
            wait_until(lambda: deliveries(app)[0].status == "delivered")
    [row] = deliveries(app)
    assert len(receiver.requests) == 2  # once to the killed process, once after the restart
    assert {r["headers"]["webhook-id"] for r in receiver.requests} == {row.delivery_id}
    assert row.attempts == 1  # the killed attempt was never recorded


def test_two_dispatchers_on_one_database_one_active_each_alert_once(app, tmp_path):
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        with dispatchers(app, tmp_path, 2) as started:
            wait_until(lambda: _holders(app))
            for number in range(10):
                a_person_on(app, f"Company{number}")
            wait_until(lambda: all(r.status == "delivered" for r in deliveries(app)))
            assert len(receiver.requests) == 10
            logs = [(tmp_path / f"dispatch-{n}.log").read_text() for n in range(2)]
            active = [n for n, text in enumerate(logs) if "holding the lease" in text]
            assert len(active) == 1 and len(_holders(app)) == 1
            # A clean stop gives the lease back: the other takes over at once.
            holder, _log = started[active[0]]
            holder.terminate()
            holder.wait(15)
            a_person_on(app, "Late")
            wait_until(lambda: len(deliveries(app)) == 11 and deliveries(app)[-1].status == "delivered",
                       timeout=10)
    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert sorted(ids) == sorted(row.delivery_id for row in deliveries(app))  # each exactly once


def _holders(app) -> list:
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(select(HeldLease.holder)).all()


def test_time_from_decide_to_delivery(app, tmp_path):
    """20 first-person alerts at random moments against a dispatcher polling each second
    (its default): the issue's target is 60 s."""
    randomly = random.Random(8)
    with webhook_receiver() as (receiver, url):
        _id, receiver.secret = channel(app, "hook", url)
        with dispatchers(app, tmp_path, 1, "--poll", "1"):
            wait_until(lambda: _holders(app))
            decided = []
            for number in range(20):
                time.sleep(randomly.uniform(0, 1.5))
                a_person_on(app, f"Company{number}")
                decided.append(time.monotonic())
            arrived = [r["at"] for r in receiver.wait_for(20)]
    waits = sorted(done - began for began, done in zip(decided, arrived, strict=True))
    p50, p95 = statistics.median(waits), statistics.quantiles(waits, n=20)[-1]
    print(f"\n{app.config['DATABASE_URL'].split(':')[0]}: decide -> delivered "
          f"p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms")
    assert p95 < 60


def test_serve_runs_the_dispatcher_itself(tmp_path, sqlite_template):
    """No separate process to supervise: `serve`'s workers send the outbox (one of them at
    a time, by the lease)."""
    from tests.alert_peers import webhook_receiver
    from tests.databases import fresh_sqlite_url
    from webapp.tools.liveserver import running_server

    database_url = fresh_sqlite_url(sqlite_template, tmp_path)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "live-server-secret"}
    with webhook_receiver() as (receiver, url), running_server(database_url, tmp_path):
        added = subprocess.run([*tracking_ingest_command(), "channels", "add", "hook", url],
                               env=env, capture_output=True, text=True, check=True)
        receiver.secret = added.stdout.split()[-1]
        subprocess.run([*tracking_ingest_command(), "channels", "test", "hook"], env=env,
                       check=True, capture_output=True)
        (delivered,) = receiver.wait_for(1, timeout=20)
        assert delivered["verified"] and delivered["status"] == 204


def test_a_persons_first_click_reaches_the_channel_within_a_minute_of_its_batch(
        app, tmp_path):
    """The whole path as a new user has it: a batch accepted by `serve`, the kinds settled
    by its settler, the alert decided in that transaction and sent by its dispatcher. The
    issue's target: within 60 s of the batch being accepted. A preview and a scan before
    the person alert no one."""
    from tests.ingest_helpers import BATCH
    from webapp.tools.liveserver import running_server

    randomly = random.Random(11)
    database_url = app.config["DATABASE_URL"]
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": app.config["SECRET_KEY"]}
    key = subprocess.run([*tracking_ingest_command(), "api-keys", "create", "site"], env=env,
                         capture_output=True, text=True, check=True).stdout.split()[-1]
    with webhook_receiver() as (receiver, url), \
            running_server(database_url, tmp_path, SECRET_KEY=app.config["SECRET_KEY"]) as (
                server, _pid):
        _id, receiver.secret = channel(app, "hook", url)
        accepted = {}
        for number in range(6):
            _app_id, tid = application(app, f"Company{number}")
            ago = lambda seconds: f"{utcnow() - timedelta(seconds=seconds):%Y-%m-%dT%H:%M:%SZ}"  # noqa: E731
            events = [
                {"tracking_id": tid, "clicked_at": ago(90), "ip_address": "108.174.10.10",
                 "user_agent": "LinkedInBot/1.0 (compatible; Mozilla/5.0; "
                               "Apache-HttpClient +http://www.linkedin.com)"},
                {"tracking_id": tid, "clicked_at": ago(60), "ip_address": "185.58.85.10",
                 "user_agent": "curl/8.5.0"},
                {"tracking_id": tid, "clicked_at": ago(0), "ip_address": f"203.0.113.{number + 10}",
                 "user_agent": CHROME},
            ]
            request = urllib.request.Request(
                server + BATCH, data=json.dumps({"events": events}).encode(), method="POST",
                headers={"X-API-Key": key, "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=10) as answer:
                assert answer.status == 200
            accepted[f"Company{number}"] = time.monotonic()
            time.sleep(randomly.uniform(0, 3))
        arrived = receiver.wait_for(6, timeout=90)
    assert len(arrived) == 6
    bodies = [json.loads(r["body"]) for r in arrived]
    assert {body["type"] for body in bodies} == {"alert.first_person"}
    waits = sorted(r["at"] - accepted[json.loads(r["body"])["data"]["application"]["company"]]
                   for r in arrived)
    print(f"\n{database_url.split(':')[0]}: batch accepted -> alert delivered "
          f"p50 {statistics.median(waits):.1f} s, max {waits[-1]:.1f} s")
    assert waits[-1] < 60
