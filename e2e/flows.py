"""Steps several e2e tests take the way a person does: first-run setup, adding work."""

import re

from playwright.sync_api import Page, expect

OWNER_EMAIL = "first@example.com"
OWNER_PASSWORD = "first run passphrase"


OWNER_SITE = "jane-doe.dev"


def first_run_setup(page: Page, server: str, site: str = OWNER_SITE) -> str:
    """Create the owner on a fresh server through the setup page; return the key shown."""
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/setup")
    page.get_by_label("Email").fill(OWNER_EMAIL)
    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label("Repeat password").fill(OWNER_PASSWORD)
    page.get_by_label("Your site's address").fill(site)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="You are set up")).to_be_visible()
    key_field = page.get_by_label("New API key")
    expect(key_field).to_have_value(re.compile(r"^ti_[A-Za-z0-9_-]{40,}$"))
    return key_field.input_value()


def add_application(page: Page, server: str, company: str, title: str) -> None:
    page.goto(f"{server}/applications")
    page.get_by_label("Company").fill(company)
    page.get_by_label("Job title").fill(title)
    page.get_by_label("Applied on").fill("2025-10-20")
    page.get_by_role("button", name="Add application").click()
    expect(page.get_by_role("heading", name=f"{company} – {title}")).to_be_visible()


def add_link(page: Page, source: str) -> str:
    """Add a tracked link on the application's page; return its ready-to-paste URL."""
    page.get_by_label("Source").fill(source)
    page.get_by_role("button", name="Add link").click()
    url_field = page.get_by_label(f"Tracked URL for {source}")
    expect(url_field).to_have_value(
        re.compile(rf"^https://[a-z0-9.-]+/{source}\?tid=[A-Za-z0-9_-]{{22}}$"))
    return url_field.input_value()
