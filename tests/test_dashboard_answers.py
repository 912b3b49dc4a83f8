"""Numbers with context and the applications list, on real SQLite and PostgreSQL: changes
against the previous period, people this week, and each application's activity."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from tests.dashboard_data import add_application, add_clicks
from webapp.database.db import get_db
from webapp.models import Application
from webapp.stats import activity, queries
from webapp.stats.filters import Filters
from webapp.stats.scope import Scope, hidden_links
from webapp.stats.settle import settle_and_fold
from webapp.timeutil import utcnow

UTC = ZoneInfo("UTC")


def clicks_at(tracking_id: str, *moments: datetime, **extra) -> list[dict]:
    return [{"tracking_id": tracking_id, "clicked_at": moment, **extra} for moment in moments]


def applied(app, application_id: int, day: date) -> None:
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(update(Application).where(Application.id == application_id)
                           .values(applied_on=day))


@pytest.fixture
def history(app):
    """Acme: 3 people this week, 2 the week before, a bot; Globex: one person 20 days ago;
    Initech: nobody."""
    now = utcnow()
    acme = add_application(app, "Acme", "Engineer", {"acme-li": "linkedin", "acme-cv": "resume"})
    globex = add_application(app, "Globex", "Architect", {"globex-li": "linkedin"})
    initech = add_application(app, "Initech", "Analyst", {"initech-li": "linkedin"})
    add_clicks(app,
               *clicks_at("acme-li", now - timedelta(hours=2), now - timedelta(days=2)),
               *clicks_at("acme-cv", now - timedelta(days=3)),
               *clicks_at("acme-li", now - timedelta(days=9), now - timedelta(days=10)),
               *clicks_at("acme-li", now - timedelta(hours=1), kind="bot", user_agent="curl/8"),
               *clicks_at("globex-li", now - timedelta(days=20)))
    applied(app, acme, (now - timedelta(days=12)).date())
    applied(app, globex, (now - timedelta(days=5)).date())
    return {"acme": acme, "globex": globex, "initech": initech, "now": now}


def found(app, history, filters=None):
    scope = Scope.of(filters or Filters(), UTC, history["now"])
    ids = [history[name] for name in ("acme", "globex", "initech")]
    with app.app_context(), get_db().engine.connect() as connection:
        days = {row.id: row.applied_on for row in connection.execute(
            Application.__table__.select())}
        return activity.application_activity(connection, scope, history["now"],
                                             {each: days[each] for each in ids})


def test_each_applications_activity_in_the_range(app, history):
    rows = found(app, history)
    acme, globex, initech = (rows[history[name]] for name in ("acme", "globex", "initech"))
    assert (acme.people, acme.clicks) == (5, 6)  # the bot is a click, not a person
    assert acme.last_person == history["now"] - timedelta(hours=2)
    assert acme.new_since_applied and not globex.new_since_applied  # Globex: before applying
    assert (globex.people, globex.clicks) == (1, 1)
    assert initech == activity.NO_ACTIVITY._replace(trend=initech.trend)
    assert sum(acme.trend) == 5 and len(acme.trend) == 31  # a point per UTC day of 30 days
    assert sum(initech.trend) == 0
    week = found(app, history, Filters(range="7d"))[history["acme"]]
    assert (week.people, week.clicks) == (3, 4)
    assert week.last_person == acme.last_person  # the last person is of all time


def test_people_this_week_against_the_week_before(app, history):
    with app.app_context(), get_db().engine.connect() as connection:
        week = activity.people_this_week(connection, Scope.of(Filters(), UTC, history["now"]),
                                         history["now"])
    assert week.applications == {history["acme"]} and week.previous == 1


def test_cards_change_against_the_previous_period(client, auth, history):
    auth.login()
    cards = client.get("/partials/cards?range=7d").get_data(as_text=True)
    changes_url = re.search(r'hx-get="(/partials/changes[^"]+)"', cards).group(1)
    changes = client.get(changes_url.replace("&amp;", "&")).get_data(as_text=True)
    # 3 people's clicks this week against 2 the week before.
    assert re.search(r'id="change-clicks"[^>]*>\+50 % vs previous 7 days<', changes)
    assert 'class="change change-up" id="change-clicks"' in changes
    cards = client.get("/partials/cards").get_data(as_text=True)
    assert re.search(r'class="stat-value">1 <small class="stat-unit">application</small>', cards)
    assert "1 the week before" in cards and "Acme - Engineer" in cards


def test_applications_list_answers_and_sorts(client, auth, history):
    auth.login()
    page = client.get("/applications").get_data(as_text=True)
    order = re.findall(r'<td data-label="Application" class="application-name">\s*<a href="[^"]+">(\w+)</a>',
                       page)
    assert order == ["Acme", "Globex", "Initech"]  # most recently active first
    assert re.search(r'aria-sort="descending">\s*<a[^>]*>Last person', page)
    assert page.count("new since you applied</small>") == 1
    assert '<svg class="sparkline"' in page and "<polyline points=" in page
    assert re.search(r'title="\d{4}-\d\d-\d\d \d\d:\d\d">2 h ago</time>', page)
    assert "no one yet" in page  # Initech
    by_company = client.get("/applications?sort=company&order=desc").get_data(as_text=True)
    assert re.findall(r'class="application-name">\s*<a href="[^"]+">(\w+)</a>', by_company) == [
        "Initech", "Globex", "Acme"]
    found_page = client.get("/applications?q=architect").get_data(as_text=True)
    assert re.findall(r'class="application-name">\s*<a href="[^"]+">(\w+)</a>', found_page) == [
        "Globex"]
    assert "1 of 3 applications matching “architect”" in found_page
    week = client.get("/applications?range=7d&sort=people").get_data(as_text=True)
    assert re.search(r'data-label="People">3<small', week)


def test_archived_applications_stay_out_of_the_default_view(app, client, auth, history):
    """Acme archived: its clicks and people leave every default count, folded or not, and
    come back with "include archived" or when Acme is the filter; unmatched clicks stay."""
    now = history["now"]
    add_clicks(app, *clicks_at("globex-li", now - timedelta(hours=20), ip_address="198.51.100.7"),
               *clicks_at("acme-li", now - timedelta(days=1), ip_address="198.51.100.7"),
               *clicks_at("stray", now - timedelta(days=4)))
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(update(Application).where(Application.id == history["acme"])
                           .values(archived_at=now))

    def counted(**chosen):
        filters = Filters(**chosen)
        with app.app_context(), get_db().engine.connect() as connection:
            scope = Scope.of(filters, UTC, now, hidden_links(connection, filters))
            cards = queries.summary(connection, scope)
            week = activity.people_this_week(connection, scope, now)
        return cards.clicks, cards.visitors, cards.applications, week.applications

    expected = {
        "default": (3, 3, 1, {history["globex"]}),  # Globex's 2, the stray; 198.51.100.7 once
        "archived": (9, 8, 2, {history["acme"], history["globex"]}),
        "acme": (6, 6, 1, {history["acme"]}),
    }
    for _moment in ("unfolded", "folded"):
        assert counted() == expected["default"]
        assert counted(archived=True) == expected["archived"]
        assert counted(application_id=history["acme"])[:3] == expected["acme"][:3]
        with app.app_context():
            settle_and_fold(get_db())
    auth.login()
    board = client.get("/?archived=1").get_data(as_text=True)
    assert 'name="archived" value="1" checked' in board
    assert "Archived applications: included" in board
    cards = client.get("/partials/cards").get_data(as_text=True)
    assert re.search(r'class="stat-value">3<', cards.replace(",", "")), cards
