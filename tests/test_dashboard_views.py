"""Dashboard views through the test client: login, every region, escaping, export, unmatched."""

import csv
import io
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from tests.dashboard_data import add_application, add_clicks
from tests.forms import csrf_token_from
from tests.ingest_helpers import post_batch
from webapp.database.db import get_db
from webapp.models import TrackingLink, User
from webapp.timeutil import utcnow

XSS = "<img src=x onerror=alert(1)>"
REGIONS = [
    "/partials/cards", "/partials/per-day", "/partials/by-source",
    "/partials/by-application", "/partials/clicks",
]
PAGES = ["/", "/unmatched", "/export.csv", *REGIONS]


def recent(minutes: int) -> str:
    return (utcnow() - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def clicked(app, client, api_key):
    """An application with a link, and clicks posted through the real ingest door."""
    application_id = add_application(app, "Acme", "Engineer", {"acme-li": "linkedin"})
    response = post_batch(client, api_key, [
        {"tracking_id": "acme-li", "clicked_at": recent(5), "click_source": "linkedin",
         "ip_address": "198.51.100.7", "user_agent": XSS},
        {"tracking_id": "acme-li", "clicked_at": recent(9), "click_source": XSS,
         "ip_address": "198.51.100.8", "user_agent": "=HYPERLINK(\"http://evil\")"},
        {"tracking_id": "ghost-id", "clicked_at": recent(30), "click_source": "email"},
    ])
    assert response.status_code == 200, response.get_json()
    return application_id


@pytest.mark.parametrize("path", [*PAGES, "/applications/1"])
def test_every_view_needs_login(client, user, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_page_has_filters_and_lazy_regions(client, auth):
    auth.login()
    page = client.get("/?range=7d&source=linkedin&who=bot").get_data(as_text=True)
    for name, label in (("from", "From"), ("to", "To"),
                        ("source", "Source"), ("application", "Application"), ("who", "Who")):
        assert f'<label for="filter-{name}">{label}</label>' in page
        assert re.search(rf'<(select|input)[^>]*id="filter-{name}"', page), name
    assert re.search(r'<option value="bot" selected>Bots</option>', page)
    assert re.search(r'<input type="radio" name="range" value="7d" checked>', page)
    # The range button states its dates; each narrowing filter is a chip that removes it.
    assert re.search(r'<summary id="range-button"[^>]*>Last 7 days: \d', page)
    assert 'aria-label="Remove filter Source: linkedin"' in page
    assert re.search(r'aria-label="Remove filter Who: Bots"[^>]*>', page)
    assert 'href="/?range=7d&amp;who=bot"' in page  # the source chip leaves the rest
    for region in REGIONS:
        assert re.search(rf'hx-get="{region}\?[^"]*range=7d', page), region
    assert 'hx-trigger="load"' in page
    assert "plotly-basic-4.1.1.min.js" in page and "js/dashboard.js" in page
    assert "<script>" not in page and " onclick=" not in page and "hx-on" not in page


def test_filter_change_from_htmx_swaps_only_the_regions_and_pushes_the_url(client, auth):
    auth.login()
    response = client.get("/?range=90d&source=email&from=&to=", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.headers["HX-Push-Url"] == "/?range=90d&source=email"
    assert body.lstrip().startswith('<div id="board"') and "<html" not in body
    # The bar comes back with the filters in force: a preset leaves no stale dates.
    stale = client.get("/?range=7d&from=2025-01-01&to=2025-01-31",
                       headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'id="filter-from" name="from" type="date" value=""' in stale


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_renders_and_refreshes_itself_keeping_filters(client, auth, clicked, region):
    auth.login()
    response = client.get(f"{region}?range=7d&source=linkedin")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert 'hx-trigger="every 30s' in body
    assert re.search(rf'hx-get="{region}\?[^"]*source=linkedin', body)


def test_cards_count_the_clicks(client, auth, clicked):
    auth.login()
    body = client.get("/partials/cards").get_data(as_text=True)
    values = re.findall(r'class="stat-value[^"]*">([^<]+)<', body)
    assert values[1:5] == ["2", "2", "1", "0"]  # the click without a user agent is a bot
    assert values[0].strip() == "1"  # applications a person clicked this week
    assert ('hx-get="/partials/changes?clicks=2&amp;visitors=2&amp;applications=1&amp;unmatched=0"'
            ' hx-trigger="load" hx-swap="none"') in body
    assert '<small class="change" id="change-clicks"' in body
    # Nothing in the 30 days before: every count says so rather than inventing a percentage.
    changes = client.get("/partials/changes?clicks=2&visitors=2&applications=1&unmatched=0"
                         ).get_data(as_text=True)
    assert changes.count('hx-swap-oob="true">none in the previous 30 days</small>') == 3
    assert 'id="change-unmatched" aria-live="polite" hx-swap-oob="true">none in the previous 30 days either<' in changes
    assert client.get("/partials/changes?range=all&clicks=2&visitors=2&applications=1&unmatched=0"
                      ).status_code == 404
    assert client.get("/partials/changes?clicks=2").status_code == 404
    assert re.search(r'<time datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d">5 min ago</time>', body)
    assert '<small class="left-out"' in body and "+ 1 bot<" in body
    everyone = client.get("/partials/cards?who=everyone").get_data(as_text=True)
    assert re.findall(r'class="stat-value[^"]*">([^<]+)<', everyone)[1:5] == ["3", "2", "1", "1"]
    assert "left-out" not in everyone


def test_the_time_chart_carries_its_figure_as_escaped_data_and_a_table(client, auth, clicked):
    auth.login()
    body = client.get("/partials/per-day?source=linkedin").get_data(as_text=True)
    assert 'class="chart"' in body and "data-figure=" in body
    assert '<div class="visually-hidden">\n  <table>' in body and "<caption>Clicks per day" in body
    assert 'aria-pressed="true"' in body  # the day/week/month switch says which is on
    weekly = client.get("/partials/per-day?by=week").get_data(as_text=True)
    assert "Clicks per week" in weekly and 'hx-get="/partials/per-day?by=week"' in weekly
    hourly = client.get("/partials/per-day?range=24h").get_data(as_text=True)
    assert "Clicks per hour" in hourly


def test_ranked_lists_filter_the_dashboard_and_keep_labels_as_text(app, client, auth, clicked):
    auth.login()
    for number in range(10):
        add_application(app, f"Firm {number}", "Dev", {f"firm-{number}": "email"})
    add_clicks(app, *({"tracking_id": f"firm-{number}", "clicked_at": utcnow() - timedelta(hours=1)}
                      for number in range(10)))
    body = client.get("/partials/by-application").get_data(as_text=True)
    assert body.count('<a class="ranked-label"') == 8 and "Other" not in body
    assert "View all 11 applications" in body
    assert re.search(rf'hx-get="/\?application={clicked}" hx-target="#board"', body)
    everything = client.get("/partials/by-application?all=1").get_data(as_text=True)
    assert everything.count('<a class="ranked-label"') == 11
    sources = client.get("/partials/by-source?who=everyone").get_data(as_text=True)
    assert XSS not in sources and 'hx-get="/?source=linkedin&amp;who=everyone"' in sources


def test_xss_user_agent_is_shown_as_text(client, auth, clicked):
    auth.login()
    body = client.get("/partials/clicks?who=everyone").get_data(as_text=True)
    assert XSS not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "Acme - Engineer" in body and "ghost-id" in body
    assert '<span class="badge badge-kind badge-bot">bot</span>' in body
    assert '<small class="reason">no user agent</small>' in body


def test_empty_dashboard_tells_the_next_step(client, auth):
    auth.login()
    body = client.get("/partials/cards").get_data(as_text=True)
    assert 'href="/applications"' in body
    add_application(client.application, "Acme", "Engineer", {"t": "linkedin"})
    body = client.get("/partials/cards").get_data(as_text=True)
    assert 'href="/settings/console"' in body
    body = client.get("/partials/per-day").get_data(as_text=True)
    assert "No clicks to chart" in body


def test_click_list_pages(app, client, auth):
    auth.login()
    now = utcnow()
    add_clicks(app, *({"tracking_id": "t", "clicked_at": now - timedelta(minutes=minute)}
                      for minute in range(30)))
    first = client.get("/partials/clicks").get_data(as_text=True)
    assert first.count("<time ") == 25 and "Older" in first and "Newer" not in first
    assert 'hx-push-url="/?page=2"' in first
    second = client.get("/partials/clicks?page=2").get_data(as_text=True)
    assert second.count("<time ") == 5 and "Newer" in second
    assert 'hx-get="/partials/clicks?page=2"' in second


def test_times_are_shown_in_the_users_zone(app, client, auth):
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        session.scalar(select(User)).time_zone = "Asia/Kolkata"
    add_clicks(app, {"tracking_id": "t", "clicked_at": datetime(2025, 3, 9, 18, 31)})
    auth.login()
    body = client.get("/partials/clicks?range=all").get_data(as_text=True)
    assert "2025-03-10 00:01" in body


def test_csv_export_is_filtered_and_guards_against_formulas(client, auth, clicked):
    auth.login()
    response = client.get("/export.csv?source=linkedin")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["tracking_id"] for row in rows] == ["acme-li"]
    assert rows[0]["user_agent"] == XSS and rows[0]["company"] == "Acme"
    people = list(csv.DictReader(io.StringIO(client.get("/export.csv").get_data(as_text=True))))
    assert [row["kind"] for row in people] == ["person", "person"]
    everything = list(csv.DictReader(io.StringIO(
        client.get("/export.csv?who=everyone").get_data(as_text=True))))
    assert len(everything) == 3
    assert {(row["kind"], row["reason"]) for row in everything if row["tracking_id"] == "ghost-id"
            } == {("bot", "no user agent")}
    formulas = [row["user_agent"] for row in everything if "HYPERLINK" in row["user_agent"]]
    assert formulas == ["'=HYPERLINK(\"http://evil\")"]


def test_unmatched_registration_attributes_earlier_clicks(app, client, auth, clicked):
    auth.login()
    page = client.get("/unmatched")
    body = page.get_data(as_text=True)
    assert "ghost-id" in body and 'for="u1-application"' in body
    response = client.post("/unmatched", data={
        "tracking_id": "ghost-id", "application": str(clicked), "source": "Email",
        "csrf_token": csrf_token_from(page),
    })
    assert response.status_code == 302
    with app.app_context(), get_db().read_sessions() as session:
        link = session.scalar(select(TrackingLink).where(TrackingLink.tracking_id == "ghost-id"))
    assert link.source == "email"
    after = client.get("/unmatched").get_data(as_text=True)
    assert "Registered ghost-id" in after and "<code class=\"break\">ghost-id</code>" not in after
    body = client.get("/partials/clicks?source=email&who=everyone").get_data(as_text=True)
    assert "Acme - Engineer" in body and "Unmatched" not in body


def test_unmatched_registration_explains_a_problem(client, auth, clicked):
    auth.login()
    page = client.get("/unmatched")
    response = client.post("/unmatched", data={
        "tracking_id": "ghost-id", "application": "", "source": "email",
        "csrf_token": csrf_token_from(page),
    })
    assert response.status_code == 422
    assert "Choose the application" in response.get_data(as_text=True)


def test_unmatched_registration_needs_csrf(client, auth, clicked):
    auth.login()
    response = client.post("/unmatched", data={
        "tracking_id": "ghost-id", "application": str(clicked), "source": "email",
    })
    assert response.status_code == 400


def test_application_page_tells_its_story(client, auth, clicked):
    auth.login()
    body = client.get(f"/applications/{clicked}").get_data(as_text=True)
    assert "Acme" in body and "Engineer" in body and "acme-li" in body
    assert f'hx-get="/applications/{clicked}/links"' in body
    assert re.search(rf'hx-get="/partials/per-day\?[^"]*application={clicked}', body)
    assert re.search(rf'hx-get="/partials/clicks\?[^"]*application={clicked}', body)
    assert client.get("/applications/999").status_code == 404
