"""Settings: the time zone, API keys created and revoked through the UI, the test console."""

import json
import re

import pytest
from sqlalchemy import select

from tests.browsing import htmx_post, submit
from webapp.accounts.console import SAMPLE_TRACKING_ID
from webapp.database.db import get_db
from webapp.models import ApiKey, TrackingLink, User


@pytest.fixture
def logged_in(client, auth):
    auth.login()
    return client


def _time_zone(app) -> str:
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(User.time_zone))


def test_settings_need_login(client, user):
    assert client.get("/settings").status_code == 302
    assert client.get("/settings/console").status_code == 302


def test_time_zone_is_saved(app, logged_in):
    response = submit(logged_in, "/settings", "/settings/time-zone", {"time_zone": "Europe/Berlin"})
    assert response.status_code == 303
    assert _time_zone(app) == "Europe/Berlin"
    page = logged_in.get("/settings").get_data(as_text=True)
    assert 'name="time_zone" list="time-zone-list" value="Europe/Berlin"' in page


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../../etc/passwd", "europe/berlin"])
def test_unknown_time_zones_are_refused(app, logged_in, zone):
    response = submit(logged_in, "/settings", "/settings/time-zone", {"time_zone": zone})
    assert response.status_code == 400
    assert "Choose a time zone from the list." in response.get_data(as_text=True)
    assert _time_zone(app) == "UTC"


def _create_key(client, name):
    response = submit(client, "/settings", "/settings/keys", {"name": name})
    keys = re.findall(r'value="(ti_[A-Za-z0-9_-]+)"', response.get_data(as_text=True))
    return response, keys


def test_a_created_key_is_shown_once_and_works(app, logged_in):
    response, keys = _create_key(logged_in, "portfolio site")
    assert response.status_code == 200
    assert len(keys) == 1
    assert logged_in.post("/api/tracking-ingest/test",
                          headers={"X-API-Key": keys[0]}).status_code == 200
    listed = logged_in.get("/settings").get_data(as_text=True)
    assert keys[0] not in listed
    assert "portfolio site" in listed and f"<code>{keys[0][:10]}…</code>" in listed


def test_a_duplicate_key_name_is_explained(logged_in):
    _create_key(logged_in, "site")
    response, keys = _create_key(logged_in, "site")
    assert response.status_code == 400
    assert keys == []
    assert "A key named &#39;site&#39; already exists." in response.get_data(as_text=True)


def test_revoking_a_key_stops_it_at_once(app, logged_in):
    _response, (plain,) = _create_key(logged_in, "old site")
    with app.app_context(), get_db().read_sessions() as session:
        key_id = session.scalar(select(ApiKey.id).where(ApiKey.name == "old site"))
    page = logged_in.get("/settings").get_data(as_text=True)
    assert "Revoke old site</button>" in page  # the confirming button
    response = submit(logged_in, "/settings", f"/settings/keys/{key_id}/revoke")
    assert response.status_code == 303
    assert logged_in.post("/api/tracking-ingest/test",
                          headers={"X-API-Key": plain}).status_code == 401
    assert "Revoked " in logged_in.get("/settings").get_data(as_text=True)


def test_revoking_needs_the_csrf_token(app, logged_in, api_key):
    with app.app_context(), get_db().read_sessions() as session:
        key_id = session.scalar(select(ApiKey.id))
    assert logged_in.post(f"/settings/keys/{key_id}/revoke").status_code == 400
    assert logged_in.post("/api/tracking-ingest/test",
                          headers={"X-API-Key": api_key}).status_code == 200


def test_revoking_an_unknown_key_is_404(logged_in):
    assert submit(logged_in, "/settings", "/settings/keys/999/revoke").status_code == 404


def _console_batch(client) -> dict:
    page = client.get("/settings/console").get_data(as_text=True)
    textarea = re.search(r'<textarea id="console-batch"[^>]*>(.*?)</textarea>', page, re.S)
    return json.loads(textarea.group(1).replace("&#34;", '"'))


def test_console_offers_a_sample_batch_for_a_new_user(logged_in):
    page = logged_in.get("/settings/console").get_data(as_text=True)
    assert 'type="password"' in page and ">Send test batch</button>" in page
    assert ">Test connection</button>" in page
    assert 'data-batch-url="/api/tracking-ingest/batch"' in page
    assert "/static/js/console.js" in page
    events = _console_batch(logged_in)["events"]
    assert [event["tracking_id"] for event in events] == [SAMPLE_TRACKING_ID]


def test_console_sample_uses_the_users_own_links_and_is_accepted(app, logged_in, api_key):
    submit(logged_in, "/applications", "/applications", {"company": "Acme", "title": "Dev"})
    htmx_post(logged_in, "/applications/1/edit", "/applications/1/links", {"source": "calendly"})
    batch = _console_batch(logged_in)
    with app.app_context(), get_db().read_sessions() as session:
        tracking_id = session.scalar(select(TrackingLink.tracking_id))
    assert [(e["tracking_id"], e["click_source"]) for e in batch["events"]] == [
        (tracking_id, "calendly")]
    answer = logged_in.post("/api/tracking-ingest/batch", json=batch,
                            headers={"X-API-Key": api_key})
    assert answer.status_code == 200
    assert answer.get_json()["results"]["unmatched"] == 0
