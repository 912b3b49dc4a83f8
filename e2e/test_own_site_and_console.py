"""Issue 9 as a person meets it, on a laptop (1,440x900) and a phone (390x844): setup with
their own site, the console's first test, editing and deleting, CSV import, password change,
error pages. Every page is checked with axe-core (light and dark) and for off-screen parts."""

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import assert_good
from e2e.conftest import E2E_PASSWORD
from e2e.flows import OWNER_PASSWORD, add_application, add_link

BROWSER_ZONE = "America/Toronto"


@pytest.fixture
def browser_context_args(browser_context_args):
    """A browser in Toronto, so the zone detected on first login is not the server's UTC."""
    return {**browser_context_args, "timezone_id": BROWSER_ZONE}


def test_setup_asks_for_the_own_site_and_previews_a_link(page: Page, server, screen):
    page.goto(f"{server}/")
    expect(page).to_have_url(f"{server}/setup")
    assert_good(page)
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There are 3 problems")
    expect(page.get_by_label("Your site's address")).to_have_attribute("aria-invalid", "true")
    assert_good(page)
    summary.get_by_role("link", name=re.compile("Enter the address of your site")).click()
    expect(page.get_by_label("Your site's address")).to_be_focused()

    page.get_by_label("Email").fill("jane@example.com")
    page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    page.get_by_label("Repeat password").fill(OWNER_PASSWORD)
    page.get_by_label("Your site's address").fill("jane-doe.dev")
    expect(page.locator("[data-site-preview]")).to_have_text(
        "https://jane-doe.dev/linkedin?tid=AbC123")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Your API key “jane-doe.dev”.")).to_be_visible()
    assert_good(page)

    page.goto(f"{server}/settings")
    expect(page.get_by_label("Time zone")).to_have_value(BROWSER_ZONE)  # from the browser
    assert_good(page)
    add_application(page, server, "Acme Corp", "Backend Engineer")
    assert add_link(page, "linkedin").startswith("https://jane-doe.dev/linkedin?tid=")
    assert_good(page)

    page.goto(f"{server}/settings")
    page.get_by_label("Your site's address").fill("https://www.jane.work")
    page.get_by_role("button", name="Save site").click()
    expect(page.get_by_role("status")).to_have_text(
        "Tracked links now point at https://www.jane.work.")
    page.goto(f"{server}/applications/1/edit")
    expect(page.get_by_label("Tracked URL for linkedin")).to_have_value(
        re.compile(r"^https://www\.jane\.work/linkedin\?tid="))


def test_the_console_works_signed_in_and_says_what_happened(signed_in: Page, server, screen):
    page = signed_in
    expect(page.locator(".flash")).to_have_text(
        f"Times are shown in {BROWSER_ZONE}, your browser's time zone. Change it in Settings.")
    add_application(page, server, "Acme Corp", "Backend Engineer")
    add_link(page, "linkedin")
    add_application(page, server, "Globex", "Data Engineer")
    add_link(page, "resume")
    page.goto(f"{server}/settings/console")
    assert_good(page)
    page.get_by_role("button", name="Send test batch").click()
    status = page.locator("#console-status")
    expect(status).to_have_text(
        "2 clicks stored for Globex and Acme Corp: see them on the dashboard.")
    answer = page.locator("#console-response")
    expect(answer).to_be_hidden()  # the JSON is one click away
    page.get_by_text("HTTP 200 OK and the JSON answer").click()
    expect(answer).to_contain_text('"message": "Processed 2 events"')
    expect(page.locator("[data-test-count]")).to_have_text("2")
    assert_good(page)

    status.get_by_role("link", name="see them on the dashboard").click()
    expect(page).to_have_url(f"{server}/")
    page.goto(f"{server}/settings/console")
    page.get_by_role("button", name="Delete all test clicks").click()
    expect(page.get_by_role("status").first).to_have_text("Deleted 2 test clicks.")
    expect(page.locator("[data-test-count]")).to_have_text("0")


def test_edit_a_link_then_delete_it_and_the_application(signed_in: Page, server, screen):
    page = signed_in
    add_application(page, server, "Acme Corp", "Backend Engineer")
    add_link(page, "linkedin")
    page.get_by_role("link", name="Edit the linkedin link").click()
    page.get_by_label("Source").fill("")
    page.get_by_label("Destination URL").fill("ftp://nowhere")
    page.get_by_role("button", name="Save link").click()
    expect(page.get_by_role("alert")).to_contain_text("There are 2 problems")
    expect(page.get_by_label("Source")).to_have_attribute("aria-invalid", "true")
    assert_good(page)
    page.get_by_label("Source").fill("portfolio")
    page.get_by_label("Label").fill("footer of my site")
    page.get_by_label("Destination URL").fill("https://jane.dev/work")
    page.get_by_role("button", name="Save link").click()
    expect(page.get_by_role("status").first).to_have_text("Saved the portfolio link.")
    expect(page.get_by_label("Tracked URL for portfolio")).to_be_visible()
    assert_good(page)

    page.get_by_role("link", name="Delete the portfolio link").click()
    expect(page.get_by_role("heading", name="Delete the portfolio link?")).to_be_visible()
    assert_good(page)
    page.get_by_role("button", name="Delete link and 0 clicks").click()
    expect(page.get_by_role("status").first).to_have_text("Deleted the portfolio link and its 0 clicks.")

    page.get_by_role("link", name="Delete application…").click()
    assert_good(page)
    page.get_by_role("link", name="Keep it").click()
    expect(page).to_have_url(f"{server}/applications/1/edit")
    page.get_by_role("link", name="Delete application…").click()
    page.get_by_role("button", name="Delete application").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Deleted Acme Corp – Backend Engineer and its 0 clicks.")
    expect(page.get_by_role("link", name="Acme Corp", exact=True)).to_have_count(0)


def test_csv_import_previews_counts_rows_and_takes_semicolons(signed_in: Page, server, screen,
                                                             tmp_path):
    page = signed_in
    page.goto(f"{server}/applications/import")
    assert_good(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download a template").click()
    assert download.value.path().read_text().startswith("company,title,")
    sheet = tmp_path / "applications.csv"
    sheet.write_text("company;title;applied_on;status\n"
                     "Initech;Platform Engineer;2025-10-01;applied\n"
                     ";;someday;ghosted\n"
                     "Umbrella;SRE, on call;2025-10-02;interviewing\n", encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(sheet)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("status")).to_have_text(
        "3 rows read: 2 rows ready to import, 1 row with problems that will be left out.")
    expect(page.get_by_role("cell", name="SRE, on call")).to_be_visible()
    assert_good(page)
    page.get_by_role("button", name="Import 2 applications").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Imported 2 applications. 1 row had problems and was not imported.")
    page.get_by_role("link", name="See your applications").click()
    expect(page.get_by_role("link", name="Umbrella", exact=True)).to_be_visible()
    assert_good(page)


def test_password_change_and_error_pages(signed_in: Page, server, screen):
    page = signed_in
    page.goto(f"{server}/settings")
    page.get_by_label("Current password").fill("not it")
    page.get_by_label("New password", exact=True).fill("a new long passphrase")
    page.get_by_label("Repeat new password").fill("a new long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("The current password is not right.")
    expect(page.get_by_label("Current password")).to_have_attribute("aria-invalid", "true")
    assert_good(page)
    page.get_by_label("Current password").fill(E2E_PASSWORD)
    page.get_by_label("New password", exact=True).fill("a new long passphrase")
    page.get_by_label("Repeat new password").fill("a new long passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status").first).to_have_text("Your password is changed.")

    page.goto(f"{server}/applications/4242")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_good(page)
    page.get_by_role("link", name="Back to the dashboard").click()
    expect(page).to_have_url(f"{server}/")
