"""Fixtures in the Flask tutorial's shape: app, client, runner, plus real databases."""

import pytest
from argon2 import PasswordHasher

from tests import databases
from webapp import create_app
from webapp.accounts import apikeys, users
from webapp.accounts.users import create_user
from webapp.database.db import get_db

TEST_PASSWORD = "correct horse battery"
TEST_EMAIL = "seeker@example.com"


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Tests need Argon2id, not its production cost (~0.2 s a hash here)."""
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                         parallelism=1))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_url():
    return databases.prepare_postgres()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request, tmp_path, sqlite_template):
    """Each integration test runs once on a fresh SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return databases.fresh_sqlite_url(sqlite_template, tmp_path)
    url = request.getfixturevalue("postgres_url")
    databases.empty_postgres(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "INGEST_RATE_LIMIT": "10000/minute",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["db"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def api_key(app):
    """The plain value of a fresh stored key."""
    with app.app_context():
        with get_db().write_sessions() as session, session.begin():
            _key, plain = apikeys.create_key(session, "test sender")
    return plain


@pytest.fixture
def user(app):
    with app.app_context():
        with get_db().write_sessions() as session, session.begin():
            create_user(session, TEST_EMAIL, TEST_PASSWORD)
    return TEST_EMAIL


class AuthActions:
    """Log in and out through the real forms, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def login(self, email=TEST_EMAIL, password=TEST_PASSWORD):
        from tests.forms import csrf_token_from

        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_token_from(page)},
        )

    def logout(self):
        from tests.forms import csrf_token_from

        page = self._client.get("/")
        return self._client.post("/logout", data={"csrf_token": csrf_token_from(page)})


@pytest.fixture
def auth(client, user):
    return AuthActions(client)
