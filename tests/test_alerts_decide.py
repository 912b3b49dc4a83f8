"""decide(): which settled clicks alert, exactly once per channel and event, and only in the
transaction that settles them."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from tests.alert_data import application, channel, click, settle, settled
from webapp.alerts.decide import decide
from webapp.alerts.models import AlertDelivery, AlertSettledClick
from webapp.database.db import get_db

T0 = datetime(2026, 11, 20, 9, 30)


def queued(app) -> list:
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(select(AlertDelivery.channel_id, AlertDelivery.event_key,
                                         AlertDelivery.what, AlertDelivery.payload)
                                  .order_by(AlertDelivery.id)).all()


def test_previews_scans_and_bots_never_alert_the_person_after_them_does(app):
    app_id, tid = application(app)
    channel_id, _ = channel(app, "mail", "ntfy://alerts-topic")
    kinds = ["preview", "scanner", "bot", "you"]
    before = [settled(click(app, tid, T0 + timedelta(seconds=i)), tid, app_id,
                      T0 + timedelta(seconds=i), kind) for i, kind in enumerate(kinds)]
    assert settle(app, *before) == 0
    person_id = click(app, tid, T0 + timedelta(minutes=5))
    assert settle(app, settled(person_id, tid, app_id, T0 + timedelta(minutes=5),
                               reason="Chrome from Acme's own network",
                               network="Acme Corp", country="DE")) == 1
    [(to, key, what, payload)] = queued(app)
    assert (to, key, what) == (channel_id, f"first:{app_id}", "first_person")
    assert payload["application"]["company"] == "Acme"
    assert payload["click"] == {
        "id": person_id, "clicked_at": "2026-11-20T09:35:00Z", "browser": "Chrome",
        "os": "Windows 10", "network": "Acme Corp", "country": "DE",
        "reason": "Chrome from Acme's own network", "referrer": None}
    assert payload["link"] == {"tracking_id": tid, "source": "linkedin", "label": None}


def test_a_resettle_or_a_second_person_alerts_no_one_twice(app):
    app_id, tid = application(app, status="offer")
    channel(app, "mail", "ntfy://alerts-topic")
    first = settled(click(app, tid, T0), tid, app_id, T0)
    assert settle(app, first) == 1
    assert settle(app, first) == 0  # the fold re-settled the same window
    assert settle(app, settled(first.click_id, tid, app_id, T0, "scanner")) == 0
    assert settle(app, first) == 0  # person again: the first-person alert was already queued
    later = T0 + timedelta(hours=1)
    assert settle(app, settled(click(app, tid, later), tid, app_id, later)) == 0
    assert len(queued(app)) == 1


def test_each_channel_gets_its_own_row_and_only_the_events_it_listens_to(app):
    app_id, tid = application(app, status="interviewing")
    mail, _ = channel(app, "mail", "ntfy://alerts-topic")
    hook, _ = channel(app, "hook", "https://hooks.example.com/x", first_person=False,
                      every_active_click=True)
    quiet, _ = channel(app, "quiet", "ntfy://quiet-topic", first_person=False)
    one, two = T0, T0 + timedelta(minutes=3)
    settle(app, settled(click(app, tid, one), tid, app_id, one),
           settled(click(app, tid, two), tid, app_id, two))
    rows = [(to, what) for to, _key, what, _payload in queued(app)]
    assert sorted(rows) == sorted([(mail, "first_person"), (hook, "person_click"),
                                   (hook, "person_click")])
    assert quiet not in [to for to, _ in rows]


@pytest.mark.parametrize("status, alerts", [("applied", True), ("interviewing", True),
                                            ("offer", False), ("rejected", False)])
def test_every_person_click_only_on_active_applications(app, status, alerts):
    app_id, tid = application(app, status=status)
    channel(app, "hook", "https://hooks.example.com/x", first_person=False,
            every_active_click=True)
    settle(app, settled(click(app, tid, T0), tid, app_id, T0))
    assert [what for *_, what, _p in queued(app)] == (["person_click"] if alerts else [])


def test_a_person_coming_back_after_seven_quiet_days(app):
    app_id, tid = application(app, status="offer")
    channel(app, "mail", "ntfy://alerts-topic", first_person=False, came_back=True)
    settle(app, settled(click(app, tid, T0), tid, app_id, T0))
    six_days = T0 + timedelta(days=6, hours=23)
    settle(app, settled(click(app, tid, six_days), tid, app_id, six_days))
    assert queued(app) == []
    back = six_days + timedelta(days=7)
    back_id = click(app, tid, back)
    settle(app, settled(back_id, tid, app_id, back))
    assert [(key, what) for _c, key, what, _p in queued(app)] == [
        (f"back:{back_id}", "came_back")]


def test_a_channel_added_later_hears_of_no_first_person_already_seen(app):
    app_id, tid = application(app)
    settle(app, settled(click(app, tid, T0), tid, app_id, T0))
    channel(app, "mail", "ntfy://alerts-topic")
    later = T0 + timedelta(days=1)
    settle(app, settled(click(app, tid, later), tid, app_id, later))
    assert queued(app) == []


def test_unmatched_clicks_are_neither_recorded_nor_alerted(app):
    channel(app, "mail", "ntfy://alerts-topic")
    click_id = click(app, "nobody-knows", T0)
    assert settle(app, settled(click_id, "nobody-knows", None, T0)) == 0
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(AlertSettledClick)) == 0


def test_the_outbox_rolls_back_with_the_settling_transaction(app):
    """The decision and the kinds commit together: a fold that fails after decide() leaves
    no alert behind, and the next fold decides again."""
    app_id, tid = application(app)
    channel(app, "mail", "ntfy://alerts-topic")
    first = settled(click(app, tid, T0), tid, app_id, T0)
    with app.app_context(), pytest.raises(RuntimeError), \
            get_db().write_transaction() as connection:
        assert decide(connection, [first]) == 1
        raise RuntimeError("the fold failed after deciding")
    assert queued(app) == []
    assert settle(app, first) == 1
