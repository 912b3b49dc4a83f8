"""The ingest door through the Flask test client, on SQLite and PostgreSQL."""

import gzip
import json
import logging
import threading
import time
from contextlib import contextmanager
from datetime import datetime

import orjson
import pytest
from sqlalchemy import text

from tests.ingest_helpers import GUIDE_EVENT, click_count, post_batch, stored_clicks
from webapp.accounts import apikeys
from webapp.database.db import get_db
from webapp.kinds import AgentVerdict
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


def test_the_web_forms_upload_limit_does_not_apply_to_batches(app, client, api_key):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    events = [{**GUIDE_EVENT, "event_id": f"e-{n}"} for n in range(50)]
    response = post_batch(client, api_key, events)
    assert response.status_code == 200
    assert click_count(app) == 50


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
    # The agent's provisional verdict (no Matomo catalogue at ingest); the settler's
    # verdict follows (test_settle).
    assert (first.kind, first.reason, first.rules_version) == (
        "bot", "automated client (Googlebot)", None)
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


GOOD = {"tracking_id": "good-1"}
LATER_GOOD = {"tracking_id": "good-2"}


def _nested(depth: int) -> dict:
    """A metadata object `depth` levels deep: {"a": {"a": ... {}}}."""
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


class TestOneEventOnlyFailsItself:
    """One event only ever fails itself (README, "Sending clicks"): the bad event gets its own line, its
    neighbours are stored, on SQLite and PostgreSQL."""

    @pytest.mark.parametrize(
        ("bad", "error"),
        [
            ({"tracking_id": "t", "clicked_at": "1999-12-31T23:59:59.999999Z"},
             "clicked_at is before 2000-01-01"),
            ({"tracking_id": "t", "clicked_at": "0001-01-01T00:00:00Z"},
             "clicked_at is before 2000-01-01"),
            ({"tracking_id": "t\0"}, "tracking_id must not contain NUL characters"),
            ({"tracking_id": "t", "clicked_at": "2025-10-22T14:30:00Z\0"},
             "clicked_at must not contain NUL characters"),
            ({"tracking_id": "t", "ip_address": "1.2.3.4\0"},
             "ip_address must not contain NUL characters"),
            ({"tracking_id": "t", "user_agent": "Mozilla/5.0\0"},
             "user_agent must not contain NUL characters"),
            ({"tracking_id": "t", "click_source": "link\0edin"},
             "click_source must not contain NUL characters"),
            ({"tracking_id": "t", "referrer_url": "https://a.example/\0"},
             "referrer_url must not contain NUL characters"),
            ({"tracking_id": "t", "session_id": "\0"},
             "session_id must not contain NUL characters"),
            ({"tracking_id": "t", "event_id": "e\0"}, "event_id must not contain NUL characters"),
            ({"tracking_id": "t", "metadata": {"k": "v\0"}},
             "metadata must not contain NUL characters"),
            ({"tracking_id": "t", "metadata": {"k\0": 1}},
             "metadata must not contain NUL characters"),
            ({"tracking_id": "t", "metadata": {"list": [["\0"]]}},
             "metadata must not contain NUL characters"),
            ({"tracking_id": "t", "ip_address": "fe80::1%eth0"},
             "Invalid ip_address (must be an IPv4 or IPv6 address)"),
            ({"tracking_id": "t", "metadata": _nested(33)},
             "metadata is nested too deeply (at most 32 levels)"),
            ({"tracking_id": "t", "metadata": _nested(255)},
             "metadata is nested too deeply (at most 32 levels)"),
            ({"tracking_id": "t", "metadata": {"n": 2**63}},
             "metadata numbers must fit in 64 bits"),
            ({"tracking_id": "t", "metadata": {"n": [-(2**63) - 1]}},
             "metadata numbers must fit in 64 bits"),
            ({"tracking_id": "t", "metadata": {"n": 1e19}}, "metadata numbers must fit in 64 bits"),
        ],
    )
    def test_the_bad_event_alone_is_refused(self, app, client, api_key, bad, error):
        body = json.dumps({"events": [GOOD, bad, LATER_GOOD]}).encode()  # orjson refuses some
        response = post_batch(client, api_key, body=body)
        body = response.get_json()
        assert response.status_code == 207, body
        assert body["results"]["errors"] == [f"Event 2: {error}"]
        assert [click.tracking_id for click in stored_clicks(app)] == ["good-1", "good-2"]

    @pytest.mark.parametrize("number", [b"1e999", b"-1e999", b"9" * 401, b"-" + b"9" * 401,
                                        b"18446744073709551616", b"1" * 30 + b".5"])
    def test_a_number_no_parser_holds_fails_its_event_alone(self, app, client, api_key, number):
        """orjson refuses these although the body is JSON: the batch must still be read."""
        body = orjson.dumps({"events": [GOOD, {"tracking_id": "t", "metadata": {"n": "N"}},
                                        LATER_GOOD]}).replace(b'"N"', number)
        response = post_batch(client, api_key, body=body)
        assert response.status_code == 207, response.get_json()
        assert response.get_json()["results"]["errors"] == [
            "Event 2: metadata numbers must fit in 64 bits"]
        assert [click.tracking_id for click in stored_clicks(app)] == ["good-1", "good-2"]

    def test_a_huge_number_outside_metadata_is_a_type_error(self, client, api_key):
        body = orjson.dumps({"events": [GOOD, {"tracking_id": "N"}]}).replace(b'"N"', b"1e999")
        response = post_batch(client, api_key, body=body)
        assert response.get_json()["results"]["errors"] == ["Event 2: tracking_id must be a string"]

    @pytest.mark.parametrize("body", [b'{"events": [NaN]}', b'{"events": [Infinity, 1e999]}',
                                      b'{"events": [{"tracking_id": "\\ud800"}, 1e999]}',
                                      b'{"events": [1e999] ', b'{"events": ["\xff", 1e999]}'])
    def test_what_is_not_json_stays_refused_whole(self, app, client, api_key, body):
        response = post_batch(client, api_key, body=body)
        assert response.status_code == 400
        assert response.get_json()["validation_errors"] == ["Request body must be valid JSON"]
        assert click_count(app) == 0

    def test_limits_that_hold_are_stored(self, app, client, api_key):
        metadata = {"deep": _nested(31), "low": -(2**63), "high": 2**63 - 1, "float": 9.2e18,
                    "escaped": "\\u0000 is six characters", "emoji": "\U0001f600"}
        events = [{"tracking_id": "edge", "clicked_at": "2000-01-01T00:00:00Z",
                   "ip_address": "fe80::1", "metadata": metadata}]
        response = post_batch(client, api_key, events)
        assert response.status_code == 200, response.get_json()
        (click,) = stored_clicks(app)
        assert click.event_metadata == metadata
        assert click.clicked_at == datetime(2000, 1, 1)

    def test_an_escaped_surrogate_pair_is_read_by_the_fallback(self, app, client, api_key):
        body = (b'{"events": [{"tracking_id": "a", "user_agent": "\\ud83d\\ude00"},'
                b' {"tracking_id": "b", "metadata": {"n": 1e999}}]}')
        response = post_batch(client, api_key, body=body)
        assert response.status_code == 207
        assert stored_clicks(app)[0].user_agent == "\U0001f600"


class TestUserAgentAnalysis:
    AGENTS = [("x-" * 245 + str(n))[:500] for n in range(1000)]

    def test_it_runs_before_any_write_lock(self, app, client, api_key, monkeypatch):
        """Every verdict is taken before the write transaction opens."""
        from ingest import store

        db = app.extensions["db"]
        opened = db.write_transaction
        open_now, taken_inside = [], []

        @contextmanager
        def watched_write_transaction():
            open_now.append(True)
            try:
                with opened() as connection:
                    yield connection
            finally:
                open_now.pop()

        def watched_verdict(agent):
            taken_inside.append(bool(open_now))
            return AgentVerdict(None, "browser")

        monkeypatch.setattr(db, "write_transaction", watched_write_transaction)
        monkeypatch.setattr(store, "ingest_verdict", watched_verdict)
        events = [{"tracking_id": f"t-{n}", "user_agent": f"agent {n}"} for n in range(3)]
        assert post_batch(client, api_key, events).status_code == 200
        assert taken_inside == [False, False, False]

    def test_a_thousand_long_distinct_agents_do_not_stall_another_sender(self, app, api_key):
        """The issue's reproduction: 1,000 distinct 500-character agents cost 17.5 s inside
        the write lock while a one-event batch from another thread waited 16.7 s."""
        big = [{"tracking_id": f"t-{n}", "user_agent": agent}
               for n, agent in enumerate(self.AGENTS)]
        timings = {}

        def send(name, events):
            started = time.perf_counter()
            response = post_batch(app.test_client(), api_key, events)
            timings[name] = (response.status_code, time.perf_counter() - started)

        heavy = threading.Thread(target=send, args=("heavy", big))
        heavy.start()
        time.sleep(0.05)
        send("light", [GOOD])
        heavy.join(timeout=60)
        assert timings["light"][0] == 200 and timings["light"][1] < 1.0, timings
        assert timings["heavy"][0] == 200 and timings["heavy"][1] < 3.0, timings
        assert click_count(app) == 1001


class TestNoRedirectsAndJsonEverywhere:
    @pytest.mark.parametrize("path", ["/api/tracking-ingest//batch", "/api//tracking-ingest/batch",
                                      "/api/tracking-ingest/batch/"])
    def test_doubled_slashes_are_a_json_404_not_a_redirect(self, client, api_key, path):
        response = client.post(path, headers={"X-API-Key": api_key, "Host": "evil.example"},
                               json={"events": [GOOD]})
        assert response.status_code == 404
        assert "Location" not in response.headers
        assert response.get_json()["error"] == "Not Found"

    def test_options_is_a_json_405(self, client, api_key):
        response = client.options("/api/tracking-ingest/batch", headers={"X-API-Key": api_key})
        assert response.status_code == 405
        assert response.get_json()["error"] == "Method Not Allowed"
        assert response.headers["Allow"] == "POST"

    def test_an_unexpected_failure_outside_batch_is_a_json_500(self, app, client, api_key,
                                                               monkeypatch):
        monkeypatch.setattr("ingest.api.api_timestamp", lambda: 1 / 0)
        response = client.post("/api/tracking-ingest/test", headers={"X-API-Key": api_key})
        assert response.status_code == 500
        assert response.get_json()["message"] == "The server failed to answer the request"

    def test_a_hundred_thousand_empty_gzip_members_are_refused_cheaply(self, app, client, api_key):
        member = gzip.compress(b"")
        started = time.perf_counter()
        response = post_batch(client, api_key, body=member * 100_000,
                              headers={"Content-Encoding": "gzip"})
        assert response.status_code == 400
        assert response.get_json()["message"] == "Request body has more than 16 gzip members"
        assert time.perf_counter() - started < 1.0

    def test_the_openapi_document_needs_no_key(self, client):
        response = client.get("/api/tracking-ingest/openapi.json")
        assert response.status_code == 200
        assert response.get_json()["openapi"].startswith("3.1")
