"""What a sender or a stranger chooses (sources, dates, ids, text) never breaks a page or
grows a query without bound (issue 10: each reproduction as found)."""

from datetime import datetime, timedelta

import pytest

from tests.dashboard_data import add_application, add_clicks
from tests.ingest_helpers import post_batch
from webapp.stats.buckets import MAX_MONTHS
from webapp.timeutil import utcnow

REGIONS = ["/partials/cards", "/partials/per-day", "/partials/by-source",
           "/partials/by-application", "/partials/clicks"]
PAGES = [*REGIONS, "/", "/unmatched", "/export.csv", "/applications"]


def test_twenty_thousand_sources_break_no_view(app, client, auth, api_key):
    """Once 500 distinct sources made the cards a 500 on SQLite (too many terms in a
    compound SELECT), and 10,600 did on PostgreSQL."""
    application_id = add_application(app, "Acme", "Engineer", {"acme-li": "linkedin"})
    moment = (utcnow() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    for batch in range(20):
        events = [{"tracking_id": "acme-li", "clicked_at": moment, "ip_address": "192.0.2.1",
                   "click_source": f"s{batch * 1000 + n:05d}"} for n in range(1000)]
        assert post_batch(client, api_key, events).status_code == 200
    auth.login()
    for path in PAGES + [f"/applications/{application_id}"]:
        for query in ("", "?range=all", f"?application={application_id}"):
            assert client.get(path + query).status_code == 200, path + query
    # No agent, one address, one instant: bots, whatever the settler decides about them.
    body = client.get("/partials/by-source?who=everyone&all=1").get_data(as_text=True)
    assert "Other sources" in body and "19,800" in body  # 200 rows, the flood's rest summed


@pytest.fixture
def year_one(app):
    """A click dated year 1, stored before the contract refused such dates."""
    add_application(app, "Acme", "Engineer", {"acme-li": "linkedin"})
    add_clicks(app, {"tracking_id": "acme-li", "clicked_at": datetime(1, 1, 1)},
               {"tracking_id": "acme-li", "clicked_at": utcnow() - timedelta(days=1)},
               {"tracking_id": "ghost", "clicked_at": datetime(1, 1, 1)})


def test_a_year_one_click_breaks_no_view_west_of_utc(client, auth, year_one):
    auth.login()
    client.post("/settings/time-zone", data={"time_zone": "America/Los_Angeles"})
    for path in PAGES + ["/applications/1"]:
        response = client.get(path + "?range=all")
        assert response.status_code == 200, path
    chart = client.get("/partials/per-day?range=all").get_data(as_text=True)
    assert "Clicks per year" in chart  # from 2000 (the contract's first day) to today


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "9999-12-30"),
                                            ("2020-01-01", "9999-12-31")])
def test_absurd_custom_dates_are_refused_with_a_message(client, auth, year_one, start, end):
    auth.login()
    for path in PAGES:
        response = client.get(f"{path}?range=custom&from={start}&to={end}")
        assert response.status_code == 200, path
    page = client.get(f"/?range=custom&from={start}&to={end}").get_data(as_text=True)
    assert "Dates before 2000-01-01 or after 2100-12-31 are not used" in page


def test_custom_range_without_dates_says_so(client, auth):
    auth.login()
    page = client.get("/?range=custom").get_data(as_text=True)
    assert "A custom range needs a From or a To date" in page


def test_the_longest_allowed_range_draws_a_bounded_number_of_bars(app, client, auth):
    from webapp.stats.buckets import buckets

    unit, starts = buckets(datetime(2000, 1, 1).date(), datetime(2100, 12, 31).date())
    assert unit == "year" and len(starts) == 101
    unit, starts = buckets(datetime(2000, 1, 1).date(), datetime(2019, 12, 31).date())
    assert unit == "month" and len(starts) == MAX_MONTHS


def test_ids_beyond_any_row_are_not_found(client, auth):
    auth.login()
    for path in ("/applications/99999999999999999999", "/applications/2147483648",
                 "/applications/2147483648/edit"):
        response = client.get(path)
        assert response.status_code == 404
        assert "There is nothing at this address" in response.get_data(as_text=True)


def test_a_nul_in_a_filter_or_form_is_a_clear_400(client, auth):
    auth.login()
    response = client.get("/partials/clicks?source=a%00b")
    assert response.status_code == 400
    assert "must not contain NUL" in response.get_data(as_text=True)


def test_a_huge_upload_to_login_is_refused_before_it_is_read(client, user):
    response = client.post("/login", data=b"x" * 16,
                           content_type="application/x-www-form-urlencoded",
                           environ_overrides={"CONTENT_LENGTH": str(2**30)})
    assert response.status_code == 413


def test_signed_in_pages_and_the_export_are_never_cached(client, auth):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    auth.login()
    for path in ("/", "/export.csv", "/settings", "/partials/cards"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_a_query_past_its_request_deadline_answers_503_and_frees_the_worker(app, client, auth):
    """Runaway queries once held workers for minutes; now each request has a budget."""
    now = utcnow()
    add_clicks(app, *({"tracking_id": f"t{n % 300}", "clicked_at": now - timedelta(seconds=n),
                       "click_source": f"s{n % 40}"} for n in range(20_000)))
    auth.login()
    app.config["REQUEST_DEADLINE_SECONDS"] = 0.000001
    response = client.get("/partials/by-source?range=all")
    assert response.status_code == 503
    assert "did not answer in time" in response.get_data(as_text=True)
    app.config["REQUEST_DEADLINE_SECONDS"] = 20
    assert client.get("/partials/by-source?range=all").status_code == 200
    assert client.get("/api/tracking-ingest/health").status_code == 200


def test_the_instance_folder_and_database_files_are_the_owners_alone(tmp_path, monkeypatch):
    from webapp import create_app
    from webapp.database.db import get_db
    from webapp.database.migrate import upgrade

    monkeypatch.chdir(tmp_path)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/instance/tracking.db"})
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        upgrade(get_db().engine)
        with get_db().write_transaction(), get_db().counters_transaction(), \
                get_db().read() as connection:
            connection.exec_driver_sql("SELECT 1")  # the WAL exists while a connection is open
            assert (tmp_path / "instance").stat().st_mode & 0o777 == 0o700
            for name in ("tracking.db", "tracking.db-wal", "tracking.db-counters",
                         "tracking.db.write-lock"):
                path = tmp_path / "instance" / name
                assert path.exists() and path.stat().st_mode & 0o077 == 0, name
    app.extensions["db"].dispose()


@pytest.fixture
def behind_https_proxy(app):
    from webapp.web import security

    app.config.update(TRUSTED_PROXIES=1, SESSION_COOKIE_SECURE=True)
    security.init_app(app)
    return app


def test_behind_an_https_proxy_the_client_address_and_hsts_hold(behind_https_proxy, user):
    """The README's internet setup: one trusted proxy, the secure cookie, HSTS."""
    client = behind_https_proxy.test_client()
    response = client.get("/login", headers={"X-Forwarded-Proto": "https",
                                             "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    from tests.forms import csrf_token_from

    token = csrf_token_from(response)
    guesser = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
               "Referer": "https://localhost/login"}
    statuses = [client.post("/login", base_url="https://localhost", headers=guesser,
                            data={"email": f"g{number}@example.com", "password": "x" * 8,
                                  "csrf_token": token}).status_code for number in range(21)]
    assert statuses == [401] * 20 + [429]  # counted by the forwarded address
    other = behind_https_proxy.test_client()
    page = other.get("/login", base_url="https://localhost",
                     headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4"})
    response = other.post("/login", base_url="https://localhost",
                          headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.4",
                                   "Referer": "https://localhost/login"},
                          data={"email": "seeker@example.com", "password": "correct horse battery",
                                "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302  # another address behind the same proxy is not blocked
    assert "Secure" in response.headers.getlist("Set-Cookie")[0]
