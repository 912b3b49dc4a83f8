"""The ingest door through the Flask test client, on SQLite and PostgreSQL."""

import gzip
import logging
from datetime import datetime

import pytest
from sqlalchemy import text

from tests.ingest_helpers import GUIDE_EVENT, click_count, post_batch, stored_clicks
from webapp.accounts import apikeys
from webapp.db import get_db
from webapp.models import ApiKey, Job, TrackingLink
from webapp.timeutil import utcnow

UNAUTHORIZED = {
    "success": False,
    "error": "Unauthorized",
    "message": "Valid API key required in X-API-Key header",
}
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def assert_timestamp(body):
    datetime.strptime(body.pop("timestamp"), TIMESTAMP_FORMAT)


def test_health(client):
    response = client.get("/api/tracking-ingest/health")
    body = response.get_json()
    assert response.status_code == 200
    assert_timestamp(body)
    assert body == {"status": "healthy", "service": "tracking_ingest_api",
                    "version": body["version"], "database": "ok"}
    assert body["version"][0].isdigit()


def test_test_endpoint_with_a_valid_key(client, api_key):
    response = client.post("/api/tracking-ingest/test", headers={"X-API-Key": api_key})
    body = response.get_json()
    assert response.status_code == 200
    assert_timestamp(body)
    assert body == {"success": True, "message": "API connection successful", "authenticated": True}


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": ""}, {"X-API-Key": "ti_not-a-real-key"}])
@pytest.mark.parametrize("path", ["/api/tracking-ingest/test", "/api/tracking-ingest/batch"])
def test_missing_empty_or_unknown_keys_are_refused(client, api_key, headers, path):
    response = client.post(path, headers=headers, json={"events": [GUIDE_EVENT]})
    assert response.status_code == 401
    body = response.get_json()
    body.pop("timestamp", None)
    assert body == UNAUTHORIZED


def test_a_revoked_key_stops_working_at_once(app, client, api_key):
    assert post_batch(client, api_key, [GUIDE_EVENT]).status_code == 200
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        apikeys.revoke_key(session, "test sender")
    assert post_batch(client, api_key, [GUIDE_EVENT]).status_code == 401


def test_the_configured_key_is_accepted_beside_the_store(app, client):
    app.config["WEBHOOK_API_KEY"] = "configured-key-for-tests-0123456789"
    assert post_batch(client, "configured-key-for-tests-0123456789", [GUIDE_EVENT]).status_code == 200
    assert post_batch(client, "configured-key-for-tests-012345678", [GUIDE_EVENT]).status_code == 401


def test_authentication_comes_before_any_validation(client):
    response = client.post("/api/tracking-ingest/batch", data=b"not json",
                           headers={"Content-Type": "text/plain", "X-API-Key": "wrong"})
    assert response.status_code == 401


def test_a_key_is_never_logged_in_full(client, caplog):
    secret = "ti_guessing-a-key-1234567890abcdef"
    with caplog.at_level(logging.DEBUG):
        client.post("/api/tracking-ingest/test", headers={"X-API-Key": secret})
    assert secret not in caplog.text
    assert secret[:6] in caplog.text


def test_a_used_key_records_when(app, client, api_key):
    post_batch(client, api_key, [GUIDE_EVENT])
    with app.app_context(), get_db().read_sessions() as session:
        key = session.query(ApiKey).one()
        assert key.last_used_at is not None


def test_the_guides_success_shape(client, api_key):
    response = post_batch(client, api_key, [GUIDE_EVENT, {**GUIDE_EVENT, "tracking_id": "other"}])
    body = response.get_json()
    assert response.status_code == 200
    assert_timestamp(body)
    assert body == {
        "success": True,
        "message": "Processed 2 events",
        "results": {"total_events": 2, "successful": 2, "failed": 0, "errors": [],
                    "duplicates": 0, "unmatched": 2},
    }


def test_partial_success_is_207_and_keeps_the_valid_events(app, client, api_key):
    response = post_batch(client, api_key, [GUIDE_EVENT, {"tracking_id": "bad id"}])
    body = response.get_json()
    assert response.status_code == 207
    assert_timestamp(body)
    assert body == {
        "success": False,
        "message": "Processed 2 events",
        "warning": "1 events failed to process",
        "results": {"total_events": 2, "successful": 1, "failed": 1,
                    "errors": ["Event 2: Invalid tracking_id format"],
                    "duplicates": 0, "unmatched": 1},
    }
    assert [click.tracking_id for click in stored_clicks(app)] == ["test-uuid-12345"]


def test_no_valid_event_is_400_and_stores_nothing(app, client, api_key):
    response = post_batch(client, api_key, [{}, {"tracking_id": "t", "clicked_at": "soon"}])
    body = response.get_json()
    assert response.status_code == 400
    assert_timestamp(body)
    assert body == {
        "success": False,
        "error": "Validation Failed",
        "message": "One or more events failed validation",
        "validation_errors": [
            "Event 1: Missing required field: tracking_id",
            "Event 2: Invalid clicked_at format (must be ISO 8601 datetime)",
        ],
    }
    assert click_count(app) == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "Request body must be valid JSON"),
        (b"", "Request body must be valid JSON"),
        (b"\xff\xfe", "Request body must be valid JSON"),
        (b"[]", "Request body must be a JSON object"),
        (b"{}", "Missing required field: events"),
        (b'{"events": "many"}', "events must be an array"),
        (b'{"events": []}', "events must contain at least 1 event"),
    ],
)
def test_a_wrong_request_shape_is_400(app, client, api_key, body, message):
    response = post_batch(client, api_key, body=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["error"] == "Validation Failed"
    assert payload["validation_errors"] == [message]
    assert click_count(app) == 0


def test_too_many_events(app, client, api_key):
    app.config["INGEST_MAX_EVENTS"] = 3
    response = post_batch(client, api_key, [GUIDE_EVENT] * 4)
    assert response.status_code == 400
    assert response.get_json()["validation_errors"] == ["events must contain at most 3 events"]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded",
                                          "application/jsonp", None])
def test_only_json_is_accepted(client, api_key, content_type):
    headers = {"X-API-Key": api_key}
    if content_type:
        headers["Content-Type"] = content_type
    response = client.post("/api/tracking-ingest/batch", data=b'{"events": []}', headers=headers)
    assert response.status_code == 415
    assert response.get_json()["error"] == "Unsupported Media Type"


def test_a_charset_parameter_is_fine(client, api_key):
    response = post_batch(client, api_key, [GUIDE_EVENT],
                          headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 200


def test_gzip_bodies_are_accepted(app, client, api_key):
    response = post_batch(client, api_key, [GUIDE_EVENT], gzipped=True)
    assert response.status_code == 200
    assert click_count(app) == 1


def test_a_body_that_is_not_gzip_is_400(client, api_key):
    response = post_batch(client, api_key, body=b'{"events": []}', headers={"Content-Encoding": "gzip"})
    assert response.status_code == 400
    assert "gzip" in response.get_json()["message"]


def test_other_encodings_are_415(client, api_key):
    response = post_batch(client, api_key, [GUIDE_EVENT], headers={"Content-Encoding": "br"})
    assert response.status_code == 415


def test_an_oversized_body_is_413(app, client, api_key):
    app.config["INGEST_MAX_BODY_BYTES"] = 1000
    response = post_batch(client, api_key, [GUIDE_EVENT] * 20)
    assert response.status_code == 413
    assert response.get_json()["error"] == "Payload Too Large"


def test_a_decompression_bomb_is_stopped_at_the_limit(app, client, api_key):
    app.config["INGEST_MAX_BODY_BYTES"] = 64 * 1024
    bomb = b'{"events": [' + b" " * (50 * 1024 * 1024) + b"]}"
    response = post_batch(client, api_key, body=gzip.compress(bomb),
                          headers={"Content-Encoding": "gzip"})
    assert response.status_code == 413
    assert click_count(app) == 0


def test_stored_values(app, client, api_key):
    post_batch(client, api_key, [
        {"tracking_id": "t-1", "clicked_at": "2025-10-22T09:30:00.5-05:00",
         "ip_address": "2001:DB8::1", "user_agent": "Googlebot/2.1 (+http://www.google.com/bot.html)",
         "click_source": " LinkedIn", "referrer_url": "https://steve-glen.com/",
         "session_id": "s-1", "metadata": {"campaign": "fall"}, "event_id": "evt-1"},
        {"tracking_id": "t-2", "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64)"},
    ])
    first, second = stored_clicks(app)
    assert first.clicked_at == datetime(2025, 10, 22, 14, 30, 0, 500000)
    assert first.ip_address == "2001:db8::1"
    assert first.click_source == "linkedin"
    assert first.event_metadata == {"campaign": "fall"}
    assert (first.referrer_url, first.session_id, first.event_id) == (
        "https://steve-glen.com/", "s-1", "evt-1")
    # The agent's verdict, stored at ingest; the settler settles the final kind later.
    assert (first.kind, first.reason, first.rules_version) == (
        "bot", "search engine crawler (Googlebot)", None)
    assert (second.kind, second.rules_version) == ("person", None)
    assert first.api_key_id is not None
    assert second.clicked_at == second.received_at  # absent clicked_at: the receive time
    assert abs((utcnow() - second.received_at).total_seconds()) < 60


class TestDeduplication:
    def test_a_resent_batch_is_counted_once(self, app, client, api_key):
        events = [GUIDE_EVENT, {**GUIDE_EVENT, "event_id": "evt-9", "clicked_at": None}]
        assert post_batch(client, api_key, events).get_json()["results"]["duplicates"] == 0
        again = post_batch(client, api_key, events).get_json()["results"]
        assert (again["successful"], again["duplicates"]) == (2, 2)
        assert click_count(app) == 2

    def test_same_event_id_is_a_duplicate_whatever_else_differs(self, app, client, api_key):
        post_batch(client, api_key, [{"tracking_id": "a", "event_id": "e-1"}])
        body = post_batch(client, api_key, [{"tracking_id": "b", "event_id": "e-1",
                                             "clicked_at": "2025-01-01T00:00:00Z"}]).get_json()
        assert body["results"]["duplicates"] == 1
        assert click_count(app) == 1

    def test_duplicates_inside_one_batch(self, app, client, api_key):
        body = post_batch(client, api_key, [GUIDE_EVENT, GUIDE_EVENT, GUIDE_EVENT]).get_json()
        assert (body["results"]["successful"], body["results"]["duplicates"]) == (3, 2)
        assert click_count(app) == 1

    def test_a_microsecond_apart_is_another_click(self, app, client, api_key):
        later = {**GUIDE_EVENT, "clicked_at": "2025-10-22T14:30:00.000001Z"}
        post_batch(client, api_key, [GUIDE_EVENT, later])
        assert click_count(app) == 2

    def test_events_with_neither_id_nor_time_are_always_new(self, app, client, api_key):
        post_batch(client, api_key, [{"tracking_id": "t"}, {"tracking_id": "t"}])
        post_batch(client, api_key, [{"tracking_id": "t"}])
        assert click_count(app) == 3


def test_unmatched_counts_clicks_no_link_knows(app, client, api_key):
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        job = Job(company="Acme", title="Engineer")
        session.add(job)
        session.flush()
        session.add(TrackingLink(tracking_id="known-1", job_id=job.id, source="linkedin"))
    body = post_batch(client, api_key, [{"tracking_id": "known-1"}, {"tracking_id": "new-1"},
                                        {"tracking_id": "new-1"}]).get_json()
    assert body["results"]["unmatched"] == 2
    assert click_count(app) == 3  # unmatched clicks are kept


def test_a_database_error_while_storing_is_500_and_rolls_back(app, client, api_key):
    """A trigger refuses one row mid-insert: nothing of the batch may remain."""
    with app.app_context(), get_db().engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON link_clicks "
                "WHEN NEW.tracking_id = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END"))
        else:
            connection.execute(text(
                "CREATE FUNCTION refuse_boom() RETURNS trigger AS $$ BEGIN "
                "IF NEW.tracking_id = 'boom' THEN RAISE EXCEPTION 'refused'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"))
            connection.execute(text(
                "CREATE TRIGGER refuse_boom BEFORE INSERT ON link_clicks "
                "FOR EACH ROW EXECUTE FUNCTION refuse_boom()"))
    response = post_batch(client, api_key, [{"tracking_id": "fine"}, {"tracking_id": "boom"}])
    body = response.get_json()
    assert response.status_code == 500
    assert_timestamp(body)
    assert body == {"success": False, "error": "Internal Server Error",
                    "message": "Failed to process tracking batch"}
    assert click_count(app) == 0


class TestJsonErrorsUnderApi:
    def test_unknown_api_path_is_json_404(self, client):
        response = client.get("/api/tracking-ingest/nothing-here")
        assert response.status_code == 404
        assert response.is_json and response.get_json()["error"] == "Not Found"

    def test_wrong_method_is_json_405(self, client):
        response = client.get("/api/tracking-ingest/batch")
        assert response.status_code == 405
        assert response.is_json and response.get_json()["error"] == "Method Not Allowed"
        assert "POST" in response.headers["Allow"]

    def test_pages_outside_api_keep_html_errors(self, client, user):
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert not response.is_json


class TestRateLimit:
    @pytest.fixture
    def limited(self, app):
        app.config["INGEST_RATE_LIMIT"] = "3/minute"
        return app

    def test_over_the_limit_is_429_with_retry_after(self, limited, client, api_key):
        statuses = [post_batch(client, api_key, [GUIDE_EVENT]).status_code for _ in range(3)]
        response = client.post("/api/tracking-ingest/test", headers={"X-API-Key": api_key})
        assert statuses == [200, 200, 200]
        assert response.status_code == 429
        assert response.get_json()["error"] == "Too Many Requests"
        assert 1 <= int(response.headers["Retry-After"]) <= 60

    def test_the_limit_is_per_key_and_counts_only_authenticated_requests(self, limited, client,
                                                                         api_key):
        for _ in range(5):
            client.post("/api/tracking-ingest/test", headers={"X-API-Key": "wrong"})
        with limited.app_context(), get_db().write_sessions() as session, session.begin():
            _key, other = apikeys.create_key(session, "other sender")
        for _ in range(3):
            assert client.post("/api/tracking-ingest/test",
                               headers={"X-API-Key": api_key}).status_code == 200
        assert client.post("/api/tracking-ingest/test",
                           headers={"X-API-Key": other}).status_code == 200
