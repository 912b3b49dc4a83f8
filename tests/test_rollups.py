"""Day rollups never change an answer: every count equals a plain GROUP BY over link_clicks,
before a fold, after one, with clicks arriving between folds and late clicks for old days."""

import random
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tests.dashboard_data import add_application, add_clicks
from webapp.applications import links
from webapp.db import get_db
from webapp.models import LinkDay
from webapp.stats import fold as fold_module
from webapp.stats import listings, queries, rollups
from webapp.stats.filters import Filters
from webapp.stats.fold import fold
from webapp.stats.scope import Scope, clicks, conditions
from webapp.timeutil import utcnow

NOW = datetime(2025, 3, 12, 12, 0)
FIRST_DAY = date(2025, 3, 1)
ZONES = [ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
TRACKING_IDS = ["acme-li", "acme-cv", "globex-li", "stray", "ghost"]
SOURCES = [None, "linkedin", "email", "resume"]


def random_clicks(rng: random.Random, count: int, days: int = 12) -> list[dict]:
    """Clicks over the days before NOW, DST change in New York included."""
    start = datetime.combine(FIRST_DAY, datetime.min.time())
    return [{
        "tracking_id": rng.choice(TRACKING_IDS),
        "clicked_at": start + timedelta(seconds=rng.randrange(days * 86400),
                                        microseconds=rng.randrange(10**6)),
        "click_source": rng.choice(SOURCES),
        "ip_address": rng.choice([None, *(f"192.0.2.{n}" for n in range(1, 12))]),
        "is_bot": rng.random() < 0.2,
    } for _ in range(count)]


def random_scope(rng: random.Random, applications: list[int]) -> Scope:
    """Presets, custom days (either end open) and every filter, in a random zone."""
    chosen = rng.choice(["24h", "7d", "30d", "all", "custom", "custom", "custom"])
    start = end = None
    if chosen == "custom":
        start = rng.choice([None, FIRST_DAY + timedelta(days=rng.randrange(14))])
        end = rng.choice([None, FIRST_DAY + timedelta(days=rng.randrange(14))])
        if start is None and end is None:
            chosen = "all"
        elif start and end and start > end:
            start, end = end, start
    filters = Filters(range=chosen, start=start, end=end, source=rng.choice(SOURCES),
                      application_id=rng.choice([None, *applications]),
                      include_bots=rng.random() < 0.5)
    return Scope.of(filters, rng.choice(ZONES), NOW)


def plain_totals(connection, scope: Scope) -> dict:
    rows = connection.execute(
        select(clicks.c.tracking_id, func.count(), func.min(clicks.c.clicked_at),
               func.max(clicks.c.clicked_at))
        .where(*conditions(scope)).group_by(clicks.c.tracking_id)
    )
    return {row[0]: rollups.Totals(*row[1:]) for row in rows}


def plain_visitors(connection, scope: Scope) -> int:
    return connection.scalar(select(func.count(clicks.c.ip_address.distinct()))
                             .where(*conditions(scope)))


def assert_exact(app, rng: random.Random, applications: list[int], scopes: int = 40):
    with app.app_context(), get_db().engine.connect() as connection:
        for _ in range(scopes):
            scope = random_scope(rng, applications)
            expected = plain_totals(connection, scope)
            assert rollups.link_totals(connection, scope) == expected, scope
            assert queries.visitor_count(connection, scope) == plain_visitors(connection, scope)
            series = queries.clicks_per_day(connection, scope, NOW).series
            assert sum(map(sum, series.values())) == sum(t.clicks for t in expected.values())
        everything = Scope.of(Filters(range="all", include_bots=True), ZONES[0], NOW)
        known = set(connection.scalars(select(links.TrackingLink.tracking_id)))
        assert {row.tracking_id: (row.clicks, row.first_seen, row.last_seen)
                for row in listings.unmatched(connection)} == {
            tracking_id: tuple(totals)
            for tracking_id, totals in plain_totals(connection, everything).items()
            if tracking_id not in known}


def fold_now(app):
    with app.app_context():
        fold(get_db())


def test_rollups_match_a_plain_group_by_at_every_moment(app):
    rng = random.Random(20251126)
    applications = [
        add_application(app, "Acme", "Engineer", {"acme-li": "linkedin", "acme-cv": "resume"}),
        add_application(app, "Globex", "Architect", {"globex-li": "linkedin"}),
    ]
    add_clicks(app, *random_clicks(rng, 300))
    assert_exact(app, rng, applications)  # nothing folded yet
    fold_now(app)
    assert_exact(app, rng, applications)  # all folded
    add_clicks(app, *random_clicks(rng, 150, days=3))  # late clicks for folded days
    assert_exact(app, rng, applications)  # folded days plus unfolded clicks
    fold_now(app)
    add_clicks(app, *random_clicks(rng, 50))
    fold_now(app)
    assert_exact(app, rng, applications)
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        links.create_link(session, session.get(links.Job, 1).id, "email", tracking_id="stray")
    assert_exact(app, rng, applications)  # stray's folded clicks now count for Acme


def test_a_click_received_within_the_lag_is_counted_but_not_folded(app, monkeypatch):
    settled = datetime(2025, 3, 10, 9)
    add_clicks(app, {"tracking_id": "t", "clicked_at": settled, "click_source": "email"},
               {"tracking_id": "t", "clicked_at": settled + timedelta(hours=1),
                "click_source": "email", "received_at": utcnow()})
    fold_now(app)
    everything = Scope.of(Filters(range="all"), ZONES[0], NOW)
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.scalar(select(func.sum(LinkDay.clicks))) == 1
        assert rollups.folded_up_to(connection) == connection.scalar(select(func.min(clicks.c.id)))
        assert rollups.link_totals(connection, everything) == {
            "t": rollups.Totals(2, settled, settled + timedelta(hours=1))}
    monkeypatch.setattr(fold_module, "LAG", timedelta(0))
    fold_now(app)
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.scalar(select(func.sum(LinkDay.clicks))) == 2
        assert rollups.link_totals(connection, everything)["t"].clicks == 2


def test_a_fold_without_new_clicks_changes_nothing(app):
    add_clicks(app, *random_clicks(random.Random(3), 40))
    fold_now(app)
    with app.app_context(), get_db().engine.connect() as connection:
        before = connection.execute(select(LinkDay).order_by(*LinkDay.__table__.primary_key)).all()
    fold_now(app)
    with app.app_context(), get_db().engine.connect() as connection:
        after = connection.execute(select(LinkDay).order_by(*LinkDay.__table__.primary_key)).all()
    assert before == after and sum(row.clicks for row in after) == 40


def test_folds_at_once_count_each_click_once(app):
    add_clicks(app, *random_clicks(random.Random(5), 400))
    start = threading.Barrier(4)

    def fold_together():
        start.wait()
        fold_now(app)

    threads = [threading.Thread(target=fold_together) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.scalar(select(func.sum(LinkDay.clicks))) == 400
