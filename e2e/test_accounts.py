"""First run, login and logout in a real browser against a real server."""

import re

from playwright.sync_api import Page, expect

from e2e.checks import assert_good
from e2e.conftest import E2E_EMAIL, E2E_PASSWORD
from e2e.flows import first_run_setup


def test_first_run_setup_shows_the_key_once_then_only_login(page: Page, server):
    first_run_setup(page, server)
    page.get_by_role("link", name="Open the dashboard").click()
    expect(page).to_have_url(f"{server}/")
    page.goto(f"{server}/settings")
    expect(page.get_by_role("cell", name="jane-doe.dev")).to_be_visible()  # named after the site
    expect(page.get_by_label("New API key")).to_have_count(0)  # never shown again
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{server}/login")
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    page.goto(f"{server}/setup")
    expect(page).to_have_url(f"{server}/login")


def test_login_returns_to_the_page_asked_for(page: Page, server, owner, screen):
    page.goto(f"{server}/settings")
    expect(page).to_have_url(re.compile(r"/login\?next=(/|%2F)settings$"))
    assert_good(page)
    page.get_by_label("Email").fill(E2E_EMAIL)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong email or password.")
    assert_good(page)
    page.get_by_label("Password").fill(E2E_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{server}/settings")
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()


def test_time_zone_is_chosen_from_the_list(signed_in: Page, server):
    signed_in.goto(f"{server}/settings")
    signed_in.get_by_label("Time zone").fill("America/Toronto")
    signed_in.get_by_role("button", name="Save time zone").click()
    expect(signed_in.get_by_role("status")).to_have_text("Time zone set to America/Toronto.")
    expect(signed_in.get_by_label("Time zone")).to_have_value("America/Toronto")
