"""Sign-in: one-time setup, login with a safe next and throttled failures, POST-only logout."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.browsing import submit
from tests.conftest import TEST_EMAIL, TEST_PASSWORD
from tests.forms import csrf_token_from
from webapp.accounts import apikeys, login_throttle, users
from webapp.accounts.safe_redirect import safe_next
from webapp.database.db import get_db
from webapp.models import ApiKey, User

EVIL_NEXT = [
    "//evil.com",
    "//evil.com/path",
    "https://evil.com",
    "http://evil.com/",
    "/\\evil.com",
    "\\\\evil.com",
    "javascript:alert(1)",
    "evil.com",
    "/\tevil.com",
    "",
    None,
]


@pytest.mark.parametrize("target", ["/", "/applications", "/applications/3?x=1#links"])
def test_safe_next_keeps_local_paths(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", EVIL_NEXT)
def test_safe_next_refuses_everything_else(target):
    assert safe_next(target) is None


def _count(app, model) -> int:
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def _setup(client, email="owner@example.com", password="a good passphrase", again=None,
           site="https://www.jane-doe.dev", **more):
    return submit(client, "/setup", "/setup", {
        "email": email, "password": password,
        "password_again": password if again is None else again, "site": site, **more,
    })


def test_without_a_user_every_page_leads_to_setup(client):
    for path in ("/", "/login", "/applications", "/settings"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == "/setup"


def test_api_and_static_are_never_led_to_setup(client):
    assert client.get("/api/tracking-ingest/health").status_code == 200
    assert client.post("/api/tracking-ingest/test").status_code == 401
    assert client.get("/static/css/app.css").status_code == 200


def test_setup_creates_owner_and_shows_a_working_key_once(app, client):
    response = _setup(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    keys = re.findall(r'value="(ti_[A-Za-z0-9_-]+)"', page)
    assert len(keys) == 1
    assert "shown only this once" in page
    answer = client.post("/api/tracking-ingest/test", headers={"X-API-Key": keys[0]})
    assert answer.status_code == 200
    with app.app_context(), get_db().read_sessions() as session:
        key = session.scalar(select(ApiKey))
        assert key.name == "jane-doe.dev"  # named after the owner's site
        assert keys[0] not in (key.key_hash, key.prefix)
    assert client.get("/settings").status_code == 200  # the owner is logged in


def test_setup_does_not_create_a_key_when_one_is_active(app, client, api_key):
    page = _setup(client).get_data(as_text=True)
    assert "data-new-api-key" not in page and not re.search(r'value="ti_', page)
    assert "already exists" in page
    assert _count(app, ApiKey) == 1


def test_setup_is_refused_once_a_user_exists(app, client):
    token_page = client.get("/setup")
    _setup(client)
    assert client.get("/setup").headers["Location"] == "/login"
    again = client.post("/setup", data={
        "email": "intruder@example.com", "password": "another passphrase",
        "password_again": "another passphrase", "site": "https://intruder.example",
        "csrf_token": csrf_token_from(token_page),
    })
    assert again.status_code == 303
    assert again.headers["Location"] == "/login"
    assert _count(app, User) == 1


@pytest.mark.parametrize(("email", "password", "again", "message"), [
    ("not-an-email", "a good passphrase", None, "Enter a valid email address."),
    ("owner@example.com", "short", None, "at least 8 characters"),
    ("owner@example.com", "a good passphrase", "something else", "The two passwords differ."),
])
def test_setup_explains_bad_input_and_saves_nothing(app, client, email, password, again, message):
    response = _setup(client, email, password, again)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(app, User) == 0


def test_setup_without_csrf_token_is_rejected(app, client):
    client.get("/setup")
    response = client.post("/setup", data={
        "email": TEST_EMAIL, "password": TEST_PASSWORD, "password_again": TEST_PASSWORD,
    })
    assert response.status_code == 400
    assert _count(app, User) == 0


def test_login_without_csrf_token_is_rejected(client, user):
    client.get("/login")
    response = client.post("/login", data={"email": TEST_EMAIL, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert client.get("/settings").status_code == 302


def test_logout_without_csrf_token_is_rejected(client, auth):
    auth.login()
    assert client.post("/logout").status_code == 400
    assert client.get("/settings").status_code == 200


def test_login_page_has_labelled_fields(client, user):
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Email</label>' in page
    assert '<label for="password">Password</label>' in page
    assert ">Log in</button>" in page


def test_login_goes_to_dashboard_and_sets_a_strict_cookie(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def _login_with_next(client, next_value):
    return submit(client, "/login", "/login", {
        "email": TEST_EMAIL, "password": TEST_PASSWORD, "next": next_value,
    })


def test_login_follows_a_local_next(client, user):
    response = _login_with_next(client, "/applications?archived=1")
    assert response.headers["Location"] == "/applications?archived=1"


@pytest.mark.parametrize("target", [value for value in EVIL_NEXT if value])
def test_login_ignores_a_foreign_next(client, user, target):
    response = _login_with_next(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_form_carries_only_a_safe_next(client, user):
    assert 'name="next" value="/settings"' in client.get("/login?next=/settings").get_data(
        as_text=True)
    assert 'name="next"' not in client.get("/login?next=//evil.com").get_data(as_text=True)


def test_pages_need_login_and_come_back_after_it(client, user):
    response = client.get("/applications")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_wrong_password_is_refused_without_saying_which_part(client, auth):
    for email in (TEST_EMAIL, "nobody@example.com"):
        response = auth.login(email=email, password="wrong password")
        assert response.status_code == 401
        assert "Wrong email or password." in response.get_data(as_text=True)
    assert client.get("/settings").status_code == 302


def test_repeated_failures_for_one_email_are_slowed_down(client, auth):
    for _attempt in range(5):
        assert auth.login(password="wrong password").status_code == 401
    blocked = auth.login()  # even the right password waits now
    assert blocked.status_code == 429
    assert re.search(r"Too many attempts, try again in \d+ minutes", blocked.get_data(as_text=True))
    assert client.get("/settings").status_code == 302


def test_repeated_failures_from_one_address_are_slowed_down(app, client, auth):
    for number in range(login_throttle.PER_IP.limit):  # guesses at other emails
        response = auth.login(email=f"guess{number}@example.com", password="x" * 8)
        assert response.status_code == 401
    assert auth.login().status_code == 429


def test_the_owners_device_is_never_locked_out_by_guessing_elsewhere(app, client, auth):
    """A guesser's failures for the owner's email and from the owner's address (a shared
    proxy) used up the owner's attempts for 15 minutes."""
    assert auth.login().status_code == 302  # the owner's browser earns a device cookie
    submit(client, "/settings", "/logout")
    guesser = app.test_client()
    for number in range(login_throttle.PER_IP.limit):
        guesser_auth = type(auth)(guesser)
        guesser_auth.login(email=TEST_EMAIL if number < 6 else f"x{number}@example.com",
                           password="wrong password")
    assert type(auth)(guesser).login().status_code == 429  # the guesser is slowed down
    assert auth.login().status_code == 302  # the owner is not
    assert client.get("/settings").status_code == 200


def test_a_device_cookie_for_another_account_or_forged_earns_nothing(app):
    secret = "test-secret"
    cookie = login_throttle.device_cookie(secret, "owner@example.com")
    assert login_throttle.trusted_device(secret, cookie, "owner@example.com")
    assert login_throttle.trusted_device(secret, cookie, "other@example.com") is None
    assert login_throttle.trusted_device("another-secret", cookie, "owner@example.com") is None
    assert login_throttle.trusted_device(secret, cookie[:-2] + "xx", "owner@example.com") is None


def test_concurrent_guesses_check_no_more_passwords_than_the_limit(app, user, monkeypatch):
    """Forty wrong passwords at once once had eight checked against a limit of five:
    counting came after the check."""
    checked = []
    original = users.check_password
    monkeypatch.setattr(users, "check_password",
                        lambda *args: checked.append(1) or original(*args))

    def guess(_n):
        guesser = app.test_client()
        token = csrf_token_from(guesser.get("/login"))
        return guesser.post("/login", data={"email": TEST_EMAIL, "password": "wrong password",
                                            "csrf_token": token}).status_code

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(guess, range(40)))
    assert statuses.count(401) == login_throttle.PER_EMAIL.limit
    assert statuses.count(429) == 40 - login_throttle.PER_EMAIL.limit
    assert len(checked) == login_throttle.PER_EMAIL.limit


def test_logout_is_post_only_and_ends_the_session(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    response = submit(client, "/settings", "/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert client.get("/settings").status_code == 302


def test_an_htmx_region_sends_the_whole_page_to_login(client, user):
    response = client.get("/applications/1/links", headers={
        "HX-Request": "true", "HX-Current-URL": "http://localhost/applications/1?range=7d"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/applications/1?range%3D7d"


def test_throttle_waits_until_the_window_ends(app):
    limits = login_throttle.buckets("someone@example.com", "10.0.0.1")
    start = 1_000 * login_throttle.PER_EMAIL.period_seconds + 10  # 10 s into a window
    with app.app_context(), get_db().counters_transaction() as connection:
        for _attempt in range(login_throttle.PER_EMAIL.limit):
            assert login_throttle.count_attempt(connection, limits, now=start) == 0
        assert login_throttle.count_attempt(connection, limits, now=start) == 890
        assert login_throttle.count_attempt(connection, limits, now=start + 890) == 0


def test_setup_names_the_first_key_beside_a_revoked_namesake(app, client):
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        apikeys.create_key(session, "steve-glen.com")
        apikeys.revoke_key(session, "steve-glen.com")
    assert "“steve-glen.com 2”" in _setup(client, site="steve-glen.com").get_data(as_text=True)


def test_a_form_posted_after_the_session_ended_leads_to_plain_login(client, user):
    token = csrf_token_from(client.get("/login"))  # a session with a token but no user
    response = client.post("/applications", data={"company": "Acme", "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"


def test_a_copied_session_cookie_stops_working_at_logout(app, client, auth):
    auth.login()
    copied = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/settings").status_code == 200
    submit(client, "/settings", "/logout")
    assert thief.get("/settings").status_code == 302
    auth.login()  # signing in again starts a new session; the copy stays dead
    assert thief.get("/settings").status_code == 302
    assert client.get("/settings").status_code == 200
