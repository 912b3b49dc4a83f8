"""An application's page follows its range through the test client: all time by default,
the range button states it, and a click outside the chosen range counts nowhere on the page."""

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

import pytest

from tests.dashboard_data import add_application, add_clicks
from webapp.timeutil import utcnow

LINKEDIN = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


@pytest.fixture
def acme(app):
    """Acme with people's clicks 2, 20 and 100 days ago and previews 10 and 60 days ago;
    Globex with one click today."""
    acme = add_application(app, "Acme", "Engineer", {"acme-li": "linkedin", "acme-cv": "resume"})
    add_application(app, "Globex", "Architect", {"globex-li": "linkedin"})
    now = utcnow()
    add_clicks(app, {"tracking_id": "acme-li", "clicked_at": now - timedelta(days=2),
                     "click_source": "linkedin"},
               {"tracking_id": "acme-cv", "clicked_at": now - timedelta(days=20)},
               {"tracking_id": "acme-li", "clicked_at": now - timedelta(days=100)},
               {"tracking_id": "acme-li", "clicked_at": now - timedelta(days=60),
                "user_agent": LINKEDIN},
               {"tracking_id": "acme-li", "clicked_at": now - timedelta(days=10),
                "user_agent": LINKEDIN},
               {"tracking_id": "globex-li", "clicked_at": now - timedelta(hours=1)})
    return acme


def people_clicks(body: str) -> str:
    return re.search(r"People(?:'|&#39;)s clicks</h2><p class=\"stat-value\">([^<]+)<", body).group(1)


def region_query(body: str, region: str) -> dict[str, str]:
    """The query of the URL a region of the page loads from."""
    url = re.search(rf'hx-get="/partials/{region}\?([^"]*)"', body).group(1)
    return dict(parse_qsl(url.replace("&amp;", "&")))


def per_link(body: str) -> dict[str, str]:
    rows = re.findall(r'<code class="break">(acme-\w+)</code></td>\s*'
                      r'<td class="numeric" data-label="Clicks">(\d+)</td>', body)
    return dict(rows)


def test_without_a_range_the_page_shows_all_time_and_says_so(client, auth, acme):
    auth.login()
    body = client.get(f"/applications/{acme}").get_data(as_text=True)
    assert people_clicks(body) == "3"
    assert per_link(body) == {"acme-li": "2", "acme-cv": "1"}
    assert re.search(r'<summary id="range-button"[^>]*>All time</summary>', body)
    assert re.search(r'<input type="radio" name="range" value="all" checked>', body)
    for region in ("first-look", "per-day", "clicks"):
        assert region_query(body, region) | {"embedded": "1"} == {
            "range": "all", "application": str(acme), "embedded": "1"}


def test_a_click_outside_the_chosen_range_is_not_counted(client, auth, acme):
    auth.login()
    body = client.get(f"/applications/{acme}?range=7d").get_data(as_text=True)
    assert people_clicks(body) == "1"
    assert per_link(body) == {"acme-li": "1", "acme-cv": "0"}
    assert re.search(r'<summary id="range-button"[^>]*>Last 7 days: ', body)
    assert region_query(body, "per-day") == {"range": "7d", "application": str(acme)}
    assert region_query(body, "clicks") == {"range": "7d", "application": str(acme),
                                            "embedded": "1"}
    regions = {path: client.get(f"{path}?range=7d&application={acme}").get_data(as_text=True)
               for path in ("/partials/first-look", "/partials/clicks")}
    assert "First look in this range</h2>" in regions["/partials/first-look"]
    assert "A person first opened" in regions["/partials/first-look"]
    assert regions["/partials/clicks"].count("<time ") == 1
    thirty = client.get(f"/applications/{acme}?range=30d").get_data(as_text=True)
    assert people_clicks(thirty) == "2"
    # The dashboard's own default (30 days) is named in the regions' URLs by leaving it out.
    assert region_query(thirty, "per-day") == {"application": str(acme)}


def test_custom_dates_and_a_refused_custom_range(client, auth, acme):
    auth.login()
    start = (utcnow() - timedelta(days=120)).date().isoformat()
    end = (utcnow() - timedelta(days=50)).date().isoformat()
    body = client.get(f"/applications/{acme}?range=custom&from={start}&to={end}"
                      ).get_data(as_text=True)
    assert people_clicks(body) == "1" and per_link(body) == {"acme-li": "1", "acme-cv": "0"}
    first_look = client.get(f"/partials/first-look?range=custom&from={start}&to={end}"
                            f"&application={acme}").get_data(as_text=True)
    assert "A person first opened" in first_look
    start = (utcnow() - timedelta(days=70)).date().isoformat()
    end = (utcnow() - timedelta(days=40)).date().isoformat()
    first_look = client.get(f"/partials/first-look?range=custom&from={start}&to={end}"
                            f"&application={acme}").get_data(as_text=True)
    assert "No person opened these links in this range." in first_look
    previews = re.findall(r'<time datetime="([^"]+)Z">', first_look)
    assert [utcnow() - datetime.fromisoformat(each) > timedelta(days=59) for each in previews
            ] == [True]  # the one 60 days ago; not the one 10 days ago, after the range
    refused = client.get(f"/applications/{acme}?range=custom").get_data(as_text=True)
    assert "A custom range needs a From or a To date" in refused
    assert '<details class="range-picker" open>' in refused
    assert people_clicks(refused) == "2"  # what the message says: the last 30 days


def test_an_empty_range_says_so_and_offers_all_time(client, auth, acme):
    auth.login()
    body = client.get(f"/applications/{acme}?range=24h").get_data(as_text=True)
    assert people_clicks(body) == "0"
    assert "No clicks on this application's links in this range." in body
    assert f'href="/applications/{acme}?range=all"' in body
    first_look = client.get(f"/partials/first-look?range=24h&application={acme}")
    assert "No person opened these links in this range." in first_look.get_data(as_text=True)
    whole = client.get(f"/partials/first-look?range=all&application={acme}")
    assert '<h2 id="first-look-title">First look</h2>' in whole.get_data(as_text=True)


def test_a_range_change_from_htmx_pushes_a_clean_url(client, auth, acme):
    auth.login()
    response = client.get(f"/applications/{acme}?range=90d&from=&to=",
                          headers={"HX-Request": "true"})
    assert response.headers["HX-Push-Url"] == f"/applications/{acme}?range=90d"
    assert people_clicks(response.get_data(as_text=True)) == "2"


def test_links_to_the_page_carry_the_range_being_looked_at(client, auth, acme):
    auth.login()
    listing = client.get("/applications").get_data(as_text=True)
    assert f'href="/applications/{acme}?range=30d"' in listing  # the list's own default, named
    listing = client.get("/applications?range=7d").get_data(as_text=True)
    assert f'href="/applications/{acme}?range=7d"' in listing
    clicks = client.get("/partials/clicks?range=90d&who=everyone&source=linkedin"
                        ).get_data(as_text=True)
    assert f'href="/applications/{acme}?range=90d&amp;who=everyone"' in clicks
