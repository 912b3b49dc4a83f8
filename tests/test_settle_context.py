"""Settling a stretch reads only the neighbours that can bear on its verdicts: the verdicts
must be the ones the classifier gives with every click around, on SQLite and PostgreSQL."""

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.dashboard_data import add_application, add_clicks
from webapp.database.db import get_db
from webapp.kinds import classify
from webapp.stats import settle as settle_module
from webapp.stats import verdicts
from webapp.stats.scope import clicks
from webapp.timeutil import utcnow

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/129.0.0.0 Safari/537.36")
LINKEDIN = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


@pytest.fixture
def short_stretches(monkeypatch):
    """Many stretches from a few hundred clicks, so most neighbours lie in other stretches."""
    monkeypatch.setattr(settle_module, "STRETCH", 50)


def stored(app) -> dict[int, tuple[str, str]]:
    with app.app_context(), get_db().read() as connection:
        return {row.id: (row.kind, row.reason) for row in connection.execute(
            select(clicks.c.id, clicks.c.kind, clicks.c.reason).order_by(clicks.c.id))}


def test_a_monitor_is_found_from_its_own_clicks_amid_unrelated_ones(app, short_stretches):
    start = utcnow() - timedelta(hours=3)
    unrelated = [{"tracking_id": f"other-{n % 40}", "clicked_at": start + timedelta(seconds=2 * n),
                  "ip_address": f"198.51.100.{n % 200 + 1}", "user_agent": CHROME}
                 for n in range(480)]
    # Every 5 minutes from one address: its last click's stretch holds none of the others,
    # which are minutes away and were stored after all the unrelated clicks.
    monitor = [{"tracking_id": "cv", "clicked_at": start + timedelta(minutes=5 * n),
                "ip_address": "203.0.113.9", "user_agent": CHROME} for n in range(4)]
    add_clicks(app, *unrelated)
    add_clicks(app, *monitor)
    with app.app_context():
        settle_module.reclassify(get_db())
    found = stored(app)
    assert [found[click_id] for click_id in sorted(found)[-4:]] == [
        ("bot", "repeats every 300 s from one address: a monitor")] * 4
    assert {kind for kind, _reason in list(found.values())[:-4]} == {"person"}


def dense_hour(rng: random.Random, start) -> list[dict]:
    """Forty minutes of clicks on few links from few addresses (double taps, scans by one
    address and by Microsoft's network, previews and their follow-ups), with two monitors,
    a script's burst and three mail gateways' scans."""
    homes = [f"80.133.{n}.{n + 1}" for n in range(12)]
    cloud = [f"40.107.{n}.{n + 7}" for n in range(6)] + [f"104.47.{n}.9" for n in range(6)]
    links = ["cv", "portfolio", "github", "site", "letter", "calendar", "unknown-1"]
    rows = []
    for _ in range(700):
        agent = rng.choices([CHROME, LINKEDIN, "curl/8.5.0", None], [20, 3, 1, 1])[0]
        address = rng.choice(cloud if agent == LINKEDIN or rng.random() < 0.3 else homes)
        rows.append({"tracking_id": rng.choice(links), "ip_address": address, "user_agent": agent,
                     "clicked_at": start + timedelta(seconds=rng.uniform(0, 2400))})
    for address, link, period in (("203.0.113.9", "cv", 90), ("80.133.3.4", "site", 240)):
        rows += [{"tracking_id": link, "ip_address": address, "user_agent": CHROME,
                  "clicked_at": start + timedelta(seconds=30 + period * n)}
                 for n in range(2400 // period - 1)]
    rows += [{"tracking_id": "github", "ip_address": "80.133.9.10", "user_agent": CHROME,
              "clicked_at": start + timedelta(seconds=1200 + 0.2 * n)} for n in range(6)]
    for scan in (300, 1300, 2200):
        rows += [{"tracking_id": link, "ip_address": rng.choice(cloud), "user_agent": CHROME,
                  "clicked_at": start + timedelta(seconds=scan + rng.uniform(0, 1.5))}
                 for link in links[:5]]
    rng.shuffle(rows)  # stored in no particular order: ids say nothing about time
    return rows


def test_verdicts_are_the_classifiers_over_every_click_around(app, short_stretches):
    add_application(app, "Microsoft", "Engineer", {"cv": "linkedin", "portfolio": "resume"})
    add_clicks(app, *dense_hour(random.Random(7), utcnow() - timedelta(hours=2)))
    with app.app_context():
        database = get_db()
        settle_module.reclassify(database)
        with database.read() as connection:
            rows = connection.execute(select(*verdicts._COLUMNS)).all()
            application_ids, companies = verdicts._owners(connection)
    expected = classify([verdicts._as_click(row, application_ids) for row in rows], (),
                        companies)
    found = stored(app)
    assert found == {click_id: (verdict.kind, verdict.reason)
                     for click_id, verdict in expected.items()}
    reasons = {reason for _kind, reason in found.values()}
    for told in ("a monitor", "requests in", "network opened", "One address opened",
                 "addresses within", "fetched again right after", "clicked again within"):
        assert any(told in reason for reason in reasons), told
