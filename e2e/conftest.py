"""Playwright against a real `tracking-ingest serve` and Debian's Chromium.

Every request the browser makes is checked: anything not bound for 127.0.0.1 is
aborted and fails the test."""

import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.databases import IN_CI
from webapp.tools.liveserver import running_server

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
E2E_EMAIL = "owner@example.com"
E2E_PASSWORD = "a long enough passphrase"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost"}
# Issue 9's two screens: every page must work on a laptop and on a phone.
SCREENS = {"laptop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}; run `make test`, which installs it"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(params=list(SCREENS))
def screen(request, page) -> str:
    """The test once on each screen: the page at a laptop's and at a phone's size."""
    page.set_viewport_size(SCREENS[request.param])
    return request.param


@pytest.fixture
def server(tmp_path):
    """A fresh app on a fresh SQLite file, served by the real production server."""
    with running_server(f"sqlite:///{tmp_path / 'e2e.db'}", tmp_path) as (url, _pid):
        yield url


def tracking_ingest(*args: str, database_url: str, stdin: str | None = None) -> str:
    """Run the real console script against the server's database; return its stdout."""
    script = Path(sys.executable).with_name("tracking-ingest")
    result = subprocess.run(
        [str(script), *args], input=stdin, capture_output=True, text=True, check=True,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "live-server-secret"},
    )
    return result.stdout


@pytest.fixture
def server_database(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'e2e.db'}"


@pytest.fixture(autouse=True)
def only_loopback(context):
    """Abort and record any request that would leave 127.0.0.1."""
    outside = []

    def guard(route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in LOOPBACK_HOSTS:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    yield
    assert outside == [], f"the page tried to reach outside 127.0.0.1: {outside}"


@pytest.fixture
def owner(server, server_database):
    """An owner account made with the real create-user command."""
    tracking_ingest(
        "create-user", E2E_EMAIL, "--password-stdin",
        database_url=server_database, stdin=E2E_PASSWORD + "\n",
    )
    return E2E_EMAIL


@pytest.fixture
def signed_in(page, server, owner):
    """A page signed in through the login form, as a person would."""
    page.goto(f"{server}/login")
    page.get_by_label("Email").fill(E2E_EMAIL)
    page.get_by_label("Password").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{server}/")
    return page
