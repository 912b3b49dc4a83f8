"""The owner's site makes every tracked link's URL; the signed-in console sends through the
real ingest door with a key that expires; password change; the browser's zone on first login;
links edited; form problems summarised and tied to their fields."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.browsing import submit
from tests.conftest import TEST_EMAIL, TEST_PASSWORD
from tests.dashboard_data import add_application
from tests.forms import csrf_token_from
from tests.ingest_helpers import post_batch, stored_clicks
from webapp.accounts import console
from webapp.accounts.site import parse_address
from webapp.database.db import get_db
from webapp.models import ApiKey, TrackingLink, User
from webapp.timeutil import utcnow


@pytest.fixture
def logged_in(client, auth):
    auth.login()
    return client


@pytest.mark.parametrize(("raw", "stored"), [
    ("https://www.Jane-Doe.dev/", "https://www.jane-doe.dev"),
    ("jane-doe.dev", "https://jane-doe.dev"),
    ("http://localhost:8000/go", "http://localhost:8000/go"),
])
def test_site_addresses_are_kept_plain(raw, stored):
    assert parse_address(raw) == (stored, None)


@pytest.mark.parametrize("raw", ["", "   ", "ftp://x.org", "no-dot", "https://a.org/?x=1",
                                 "https://a.org/#top", "https://a b.org"])
def test_addresses_that_make_no_link_are_refused(raw):
    address, problem = parse_address(raw)
    assert address is None and problem


def test_setup_asks_for_the_site_and_ties_the_problem_to_its_field(app, client):
    response = submit(client, "/setup", "/setup", {
        "email": "owner@example.com", "password": "a good passphrase",
        "password_again": "a good passphrase", "site": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'data-error-summary' in page and '<a href="#site">Enter the address' in page
    assert re.search(r'id="site"[^>]*aria-describedby="site-error site-hint"[^>]*aria-invalid="true"',
                     page)


def test_setup_suggests_an_operators_template_but_not_the_built_in_one(app, client):
    assert 'id="site" name="site" type="url" value=""' in client.get("/setup").get_data(as_text=True)
    app.config["TRACKED_LINK_TEMPLATE"] = "https://jobs.jane.dev/{source}?tid={tracking_id}"
    page = client.get("/setup").get_data(as_text=True)
    assert 'id="site" name="site" type="url" value="https://jobs.jane.dev"' in page


def test_links_use_the_site_from_settings_and_the_template_before(app, logged_in):
    application = add_application(app, "Acme", "SRE", {"abc123": "linkedin"})
    page = f"/applications/{application}/edit"
    assert "https://steve-glen.com/linkedin?tid=abc123" in logged_in.get(page).get_data(as_text=True)
    saved = submit(logged_in, "/settings", "/settings/site", {"site": "jane-doe.dev/"})
    assert saved.status_code == 303
    assert "https://jane-doe.dev/linkedin?tid=abc123" in logged_in.get(page).get_data(as_text=True)
    refused = submit(logged_in, "/settings", "/settings/site", {"site": "not a site"})
    assert refused.status_code == 400
    assert 'aria-invalid="true"' in refused.get_data(as_text=True)


def _console_key(client) -> dict:
    token = csrf_token_from(client.get("/settings/console"))
    response = client.post("/settings/console/key", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    return response.get_json()


def test_the_signed_in_console_gets_a_key_that_works_then_expires(app, logged_in):
    issued = _console_key(logged_in)
    assert logged_in.post("/api/tracking-ingest/test",
                          headers={"X-API-Key": issued["key"]}).status_code == 200
    assert not re.search(r"test console [0-9a-f]{12}", logged_in.get("/settings").get_data(as_text=True))
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        key = session.scalar(select(ApiKey).where(ApiKey.expires_at.is_not(None)))
        assert timedelta(minutes=9) < key.expires_at - utcnow() <= timedelta(minutes=10)
        key.expires_at = utcnow() - timedelta(seconds=1)
    assert logged_in.post("/api/tracking-ingest/test",
                          headers={"X-API-Key": issued["key"]}).status_code == 401


def test_logging_out_ends_the_console_key(app, client, auth):
    auth.login()
    issued = _console_key(client)
    auth.logout()
    assert client.post("/api/tracking-ingest/test",
                       headers={"X-API-Key": issued["key"]}).status_code == 401


def test_only_a_signed_in_browser_gets_a_console_key(client, user):
    assert client.post("/settings/console/key").status_code in (302, 400)
    with client.application.app_context(), get_db().read_sessions() as session:
        assert session.scalar(select(ApiKey.id)) is None


def test_the_sample_batch_is_people_at_three_companies_marked_as_tests(app, logged_in):
    for company in ("Acme", "Globex", "Initech", "Umbrella"):
        add_application(app, company, "SRE", {f"{company.lower()}-li": "linkedin"})
    page = logged_in.get("/settings/console").get_data(as_text=True)
    text = re.search(r'<textarea id="console-batch"[^>]*>(.*?)</textarea>', page, re.S).group(1)
    events = json.loads(text.replace("&#34;", '"').replace("&quot;", '"'))["events"]
    assert [event["tracking_id"] for event in events] == ["umbrella-li", "initech-li", "globex-li"]
    assert len({event["ip_address"] for event in events}) == 3
    assert all(event["user_agent"].startswith("Mozilla/5.0 (") for event in events)
    assert all(event["metadata"]["test"] is True for event in events)
    key = _console_key(logged_in)["key"]
    assert post_batch(logged_in, key, events).status_code == 200
    assert [click.kind for click in stored_clicks(app)] == ["person", "person", "person"]
    names = logged_in.get("/settings/console/companies?tid=acme-li&tid=globex-li&tid=nobody")
    assert names.get_json() == {"acme-li": "Acme", "globex-li": "Globex"}


def test_password_change_needs_the_current_one(app, client, auth):
    auth.login()
    labels = {"current_password": "wrong one", "new_password": "a brand new phrase",
              "new_password_again": "a brand new phrase"}
    refused = submit(client, "/settings", "/settings/password", labels)
    assert refused.status_code == 400
    assert '<a href="#current_password">The current password is not right.</a>' in \
        refused.get_data(as_text=True)
    mismatch = submit(client, "/settings", "/settings/password", {
        **labels, "current_password": TEST_PASSWORD, "new_password_again": "something else"})
    assert "The two new passwords differ." in mismatch.get_data(as_text=True)
    changed = submit(client, "/settings", "/settings/password",
                     {**labels, "current_password": TEST_PASSWORD})
    assert changed.status_code == 303
    auth.logout()
    assert auth.login(TEST_EMAIL, TEST_PASSWORD).status_code == 401
    assert auth.login(TEST_EMAIL, "a brand new phrase").status_code == 302


def _zone(app) -> str:
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(User.time_zone))


def test_the_first_login_takes_the_browsers_zone_and_later_ones_do_not(app, client, user):
    def login(zone):
        token = csrf_token_from(client.get("/login"))
        return client.post("/login", data={"email": TEST_EMAIL, "password": TEST_PASSWORD,
                                           "browser_time_zone": zone, "csrf_token": token})
    assert login("Not/A_Zone").status_code == 302
    assert _zone(app) == "UTC"
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/settings"))})
    login("America/Toronto")
    assert "Times are shown in America/Toronto" in client.get("/settings").get_data(as_text=True)
    assert _zone(app) == "America/Toronto"
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/settings"))})
    login("Asia/Tokyo")
    assert _zone(app) == "America/Toronto"


def test_setup_takes_the_browsers_zone(app, client):
    submit(client, "/setup", "/setup", {
        "email": "owner@example.com", "password": "a good passphrase",
        "password_again": "a good passphrase", "site": "jane.dev",
        "browser_time_zone": "Europe/Paris"})
    assert _zone(app) == "Europe/Paris"


def test_a_link_is_edited_but_keeps_its_tracking_id(app, logged_in):
    application = add_application(app, "Acme", "SRE", {"abc123": "linkedin"})
    with app.app_context(), get_db().read_sessions() as session:
        link_id = session.scalar(select(TrackingLink.id))
    page = f"/applications/{application}/links/{link_id}/edit"
    refused = submit(logged_in, page, page, {"source": "", "destination_url": "ftp://x"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert '<a href="#source">' in text and '<a href="#destination_url">' in text
    saved = submit(logged_in, page, page, {"source": "Portfolio ", "label": "site footer",
                                           "destination_url": "https://jane.dev/work"})
    assert saved.status_code == 303
    with app.app_context(), get_db().read_sessions() as session:
        link = session.get(TrackingLink, link_id)
        assert (link.tracking_id, link.source, link.label, link.destination_url) == (
            "abc123", "portfolio", "site footer", "https://jane.dev/work")


def test_application_form_problems_are_summarised_at_the_top(logged_in):
    response = submit(logged_in, "/applications", "/applications",
                      {"company": "", "title": "", "applied_on": "soon"})
    text = response.get_data(as_text=True)
    assert "There are 3 problems" in text
    order = [text.index(f'<a href="#{name}">') for name in ("company", "title", "applied_on")]
    assert order == sorted(order)
    assert re.search(r'id="company"[^>]*aria-invalid="true" aria-describedby="company-error"', text)


def test_console_sample_uses_the_test_mark():
    assert json.loads(console.sample_batch([]))["events"][0]["metadata"]["test"] is True


def test_error_pages_keep_the_layout_and_a_way_back(app, client, auth):
    def broken():
        raise RuntimeError("a bug")
    app.add_url_rule("/broken", "broken", broken)  # before the first request
    auth.login()
    for path, status, words in (("/applications/4242", 404, "There is nothing at this address."),
                                ("/broken", 500, "Something went wrong on our side.")):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == status
        assert words in page and "a bug" not in page
        assert 'aria-label="Main"' in page and ">Back to the dashboard</a>" in page
