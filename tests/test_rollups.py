"""Day rollups never change an answer: every count equals a plain GROUP BY over link_clicks,
for every kind of click, before a fold, after one, with clicks arriving between folds, late
clicks for old days, and re-settles that change the kind of clicks already folded."""

import random
import threading
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select

from tests.dashboard_data import add_application, add_clicks
from webapp.applications import links
from webapp.database.db import get_db
from webapp.kinds import KINDS, SCANNER, YOU
from webapp.models import Application, LinkClick, LinkDay, YourDevice
from webapp.stats import listings, queries, rollups
from webapp.stats import settle as settle_module
from webapp.stats.filters import EVERYONE, WHO_LABELS, Filters
from webapp.stats.fold import fold
from webapp.stats.scope import Scope, clicks, conditions, hidden_links
from webapp.stats.settle import resettle_device, settle_and_fold
from webapp.timeutil import utcnow

NOW = datetime(2025, 3, 12, 12, 0)
FIRST_DAY = date(2025, 3, 1)
ZONES = [ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Asia/Kolkata")]
TRACKING_IDS = ["acme-li", "acme-cv", "globex-li", "stray", "ghost"]
SOURCES = [None, "linkedin", "email", "resume"]
# Agents the classifier tells apart: people, a preview, a script, none at all.
AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "curl/8.5.0", None,
]


def random_clicks(rng: random.Random, count: int, days: int = 12) -> list[dict]:
    """Clicks over the days before NOW, DST change in New York included."""
    start = datetime.combine(FIRST_DAY, datetime.min.time())
    return [{
        "tracking_id": rng.choice(TRACKING_IDS),
        "clicked_at": start + timedelta(seconds=rng.randrange(days * 86400),
                                        microseconds=rng.randrange(10**6)),
        "click_source": rng.choice(SOURCES),
        "ip_address": rng.choice([None, *(f"192.0.2.{n}" for n in range(1, 12))]),
        "user_agent": rng.choice(AGENTS),
        "kind": rng.choice(KINDS),  # what ingest guessed; the settler decides
    } for _ in range(count)]


def random_scope(rng: random.Random, applications: list[int], connection) -> Scope:
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
                      who=rng.choice(list(WHO_LABELS)), archived=rng.choice([False, True]))
    return Scope.of(filters, rng.choice(ZONES), NOW, hidden_links(connection, filters))


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
            scope = random_scope(rng, applications, connection)
            expected = plain_totals(connection, scope)
            assert rollups.link_totals(connection, scope) == expected, scope
            assert queries.visitor_count(connection, scope) == plain_visitors(connection, scope)
            series = queries.clicks_per_day(connection, scope, NOW).series
            assert sum(map(sum, series.values())) == sum(t.clicks for t in expected.values())
        everything = Scope.of(Filters(range="all", who=EVERYONE), ZONES[0], NOW)
        known = set(connection.scalars(select(links.TrackingLink.tracking_id)))
        assert {row.tracking_id: (row.clicks, row.first_seen, row.last_seen)
                for row in listings.unmatched(connection)} == {
            tracking_id: tuple(totals)
            for tracking_id, totals in plain_totals(connection, everything).items()
            if tracking_id not in known}


def fold_now(app):
    """Settle what is due, then fold: the fold counts settled clicks only."""
    with app.app_context():
        settle_and_fold(get_db())


def kinds_by_id(app) -> dict[int, str]:
    with app.app_context(), get_db().engine.connect() as connection:
        return dict(connection.execute(select(LinkClick.id, LinkClick.kind)).all())


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
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        session.get(Application, applications[1]).archived_at = NOW
    assert_exact(app, rng, applications)  # Globex's folded clicks leave the default view


def test_resettles_of_folded_clicks_keep_the_rollups_exact(app):
    rng = random.Random(7)
    applications = [add_application(app, "Acme", "Engineer",
                                    {"acme-li": "linkedin", "acme-cv": "resume"})]
    add_clicks(app, *random_clicks(rng, 200))
    fold_now(app)
    before = kinds_by_id(app)
    assert set(before.values()) > {"person"}
    # A late batch: the same address opens another link of each of 30 folded people's
    # clicks within a second, which makes both clicks a mail scan.
    people = [click for click in _rows(app) if click.kind == "person" and click.ip_address]
    chosen = rng.sample(people, 30)
    add_clicks(app, *({"tracking_id": "acme-cv" if click.tracking_id != "acme-cv" else "acme-li",
                       "clicked_at": click.clicked_at + timedelta(milliseconds=300),
                       "ip_address": click.ip_address, "user_agent": click.user_agent,
                       "click_source": click.click_source} for click in chosen))
    fold_now(app)
    after = kinds_by_id(app)
    assert all(after[click.id] == SCANNER for click in chosen)
    assert_exact(app, rng, applications)
    # A device marked as you, then forgotten again.
    device = chosen[0]
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(insert(YourDevice).values(ip_address=device.ip_address,
                                                     user_agent=device.user_agent))
    with app.app_context():
        resettle_device(get_db(), device.ip_address, device.user_agent)
    assert kinds_by_id(app)[device.id] == YOU
    assert_exact(app, rng, applications)
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(delete(YourDevice))
    with app.app_context():
        resettle_device(get_db(), device.ip_address, device.user_agent)
    assert kinds_by_id(app)[device.id] == SCANNER
    assert_exact(app, rng, applications)


def _rows(app) -> list:
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(select(LinkClick.__table__).order_by(LinkClick.id)).all()


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
    monkeypatch.setattr(settle_module, "LAG", timedelta(0))
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
    with app.app_context():
        settle_module.settle(get_db())
    start = threading.Barrier(4)

    def fold_together():
        start.wait()
        with app.app_context():
            fold(get_db())

    threads = [threading.Thread(target=fold_together) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context(), get_db().engine.connect() as connection:
        assert connection.scalar(select(func.sum(LinkDay.clicks))) == 400
