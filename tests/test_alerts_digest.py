"""The daily digest: yesterday in the user's zone, people per application with the rest
counted beside them, queued once at the chosen hour and never on a day with nothing."""

from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from tests.alert_data import application, channel, click, settle, settled
from webapp.alerts import digest, messages
from webapp.alerts.models import AlertDelivery
from webapp.database.db import get_db
from webapp.models import User


def set_zone(app, zone):
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(update(User).values(time_zone=zone))


def queue_at(app, now, checked=None):
    with app.app_context(), get_db().write_transaction() as connection:
        return digest.queue_due(connection, now, {} if checked is None else checked)


def digests(app):
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(select(AlertDelivery.event_key, AlertDelivery.payload)
                                  .where(AlertDelivery.what == "digest")).all()


def test_yesterday_in_the_users_zone_per_application(app, user):
    set_zone(app, "America/New_York")  # UTC-5 in late November
    acme, acme_tid = application(app, "Acme")
    globex, globex_tid = application(app, "Globex")
    channel(app, "mail", "ntfy://alerts-topic", digest_hour=8)
    # Local 2026-11-29 runs from 05:00 UTC on the 29th to 05:00 UTC on the 30th.
    day = [(acme_tid, acme, datetime(2026, 11, 29, 5, 0), "person"),
           (acme_tid, acme, datetime(2026, 11, 30, 4, 59), "person"),
           (acme_tid, acme, datetime(2026, 11, 29, 12, 0), "preview"),
           (acme_tid, acme, datetime(2026, 11, 29, 12, 0, 1), "scanner"),
           (globex_tid, globex, datetime(2026, 11, 29, 13, 0), "bot"),
           (globex_tid, globex, datetime(2026, 11, 29, 13, 5), "person"),
           (globex_tid, globex, datetime(2026, 11, 29, 13, 6), "you"),
           (acme_tid, acme, datetime(2026, 11, 29, 4, 59), "person"),   # the day before
           (acme_tid, acme, datetime(2026, 11, 30, 5, 0), "person")]    # today
    settle(app, *[settled(click(app, tid, at), tid, app_id, at, kind)
                  for tid, app_id, at, kind in day])
    assert queue_at(app, datetime(2026, 11, 30, 12, 59)) == 0  # 07:59 local: not yet
    assert queue_at(app, datetime(2026, 11, 30, 13, 0)) == 1
    assert queue_at(app, datetime(2026, 11, 30, 14, 0)) == 0  # once a day
    [(key, payload)] = digests(app)
    assert key == "digest:2026-11-29"
    rows = {row["company"]: row for row in payload["applications"]}
    assert {name: (r["people"], r["previews"], r["scanners"], r["bots"])
            for name, r in rows.items()} == {"Acme": (2, 1, 1, 0), "Globex": (1, 0, 0, 1)}
    context = messages.Context("America/New_York", None, lambda i: f"/applications/{i}")
    title, body = messages.text("digest", payload, context)
    assert title == "2026-11-29: 3 people looked"
    assert body.splitlines() == ["Acme – Backend engineer: 2 people (1 preview, 1 scan)",
                                 "Globex – Backend engineer: 1 person (1 bot)"]


def test_nothing_is_sent_on_a_day_with_nothing_to_say(app, user):
    acme, tid = application(app)
    channel(app, "mail", "ntfy://alerts-topic", digest_hour=0)
    at = datetime(2026, 11, 29, 10)
    settle(app, settled(click(app, tid, at), tid, acme, at, "bot"))
    checked = {}
    assert queue_at(app, datetime(2026, 11, 30, 1), checked) == 0
    assert list(checked.values()) == [date(2026, 11, 29)]
    assert digests(app) == []


def test_channels_without_a_digest_hour_get_none(app, user):
    acme, tid = application(app)
    channel(app, "mail", "ntfy://alerts-topic")
    at = datetime(2026, 11, 29, 10)
    settle(app, settled(click(app, tid, at), tid, acme, at))
    assert queue_at(app, datetime(2026, 11, 30, 23)) == 0


def test_a_dst_day_is_25_hours_long():
    start, end = digest.utc_range(date(2026, 10, 25), "Europe/Berlin")
    assert (start, end - start) == (datetime(2026, 10, 24, 22), timedelta(hours=25))
