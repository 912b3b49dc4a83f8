"""Every page a person reaches, in the states no other e2e test checks, on a laptop
(1,440x900) and a phone (390x844): axe-core finds nothing in the light or the dark theme, and
nothing sticks out of the screen. Signed out: the logged-out message and a 404 (the login
page and its refusal: test_accounts.py). A new account's empty pages and refused forms.
Alerts with each kind of channel. A click's delete confirmation, "This was me" devices and
unmatched registration."""

import re

from playwright.sync_api import Page, expect

from e2e.checks import assert_good
from e2e.conftest import tracking_ingest
from e2e.flows import add_application, add_link
from e2e.test_dashboard import FIREFOX, minutes_ago, post_batch


def loaded(page: Page) -> Page:
    """The page once every lazy region has come in."""
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    return page


def test_signed_out_pages(signed_in: Page, server, screen):
    page = signed_in
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("status")).to_have_text("You are logged out.")
    assert_good(page)
    page.goto(f"{server}/no-such-page")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert_good(page)


def test_a_new_accounts_empty_pages_and_refused_forms(signed_in: Page, server, screen,
                                                       tmp_path):
    page = signed_in
    page.goto(f"{server}/")
    assert_good(loaded(page))  # no applications, no clicks: the next step
    page.goto(f"{server}/applications")
    expect(page.get_by_text("No active applications.")).to_be_visible()
    assert_good(page)
    page.get_by_role("button", name="Add application").click()
    expect(page.get_by_role("alert")).to_contain_text("problem")
    assert_good(page)
    page.goto(f"{server}/unmatched")
    expect(page.get_by_text("Every click belongs to a registered link.")).to_be_visible()
    assert_good(page)
    page.goto(f"{server}/applications/import")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    page.get_by_label("CSV file").set_input_files(empty)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#file-error")).to_be_visible()
    assert_good(page)

    add_application(page, server, "Acme Corp", "Backend Engineer")
    page.get_by_label("Company").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("alert")).to_contain_text("problem")
    assert_good(page)
    page.goto(f"{server}/applications/1")
    expect(page.get_by_text("No clicks on this application's links yet.")).to_be_visible()
    assert_good(loaded(page))
    page.goto(f"{server}/applications/1?range=24h")
    expect(page.get_by_text("No clicks on this application's links in this range.")
           ).to_be_visible()
    assert_good(loaded(page))

    page.goto(f"{server}/applications/1/edit")
    page.get_by_role("button", name="Archive application").click()
    page.get_by_role("link", name="Show archived").click()
    expect(page.get_by_text("archived", exact=True)).to_be_visible()
    assert_good(page)

    page.goto(f"{server}/settings")
    page.get_by_label("New key name").fill("laptop script")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_label("New API key")).to_be_visible()
    assert_good(page)
    page.get_by_role("button", name="Revoke…").first.click()
    assert_good(page)  # the open confirmation fits too


def test_alerts_page_with_each_kind_of_channel(signed_in: Page, server, screen):
    page = signed_in
    page.goto(f"{server}/settings/alerts")
    expect(page.get_by_text("No channels yet.")).to_be_visible()
    assert_good(page)
    page.get_by_label("Name").fill("broken")
    page.get_by_label("Notification URL or webhook address").fill("mailto://")
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_text("Apprise cannot use this mailto:// URL")).to_be_visible()
    assert_good(page)

    page.get_by_label("Name").fill("my phone")
    page.get_by_label("Notification URL or webhook address").fill(
        "ntfy://a-topic-name-that-is-rather-long-for-a-phone-screen-2025")
    page.get_by_role("button", name="Add channel").click()
    page.get_by_label("Name").fill("hook")
    page.get_by_label("Notification URL or webhook address").fill(
        "https://hooks.example.com/services/T000/B000/a-long-webhook-path")
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_label("Signing secret")).to_have_value(re.compile(r"^whsec_"))
    assert_good(loaded(page))
    card = page.locator("article.alert-channel", has_text="my phone")
    card.get_by_role("button", name="Send test").click()
    expect(page.locator("article.alert-channel", has_text="my phone").get_by_text("Test queued")
           ).to_be_visible()
    assert_good(loaded(page))


def test_click_confirmation_devices_and_unmatched_states(signed_in: Page, server,
                                                          server_database, screen):
    page = signed_in
    add_application(page, server, "Acme Corp", "Backend Engineer")
    tid = add_link(page, "linkedin").split("tid=")[1]
    key = tracking_ingest("api-keys", "create", "e2e",
                          database_url=server_database).strip().splitlines()[-1]
    assert post_batch(server, key, [
        {"tracking_id": tid, "clicked_at": minutes_ago(5), "click_source": "linkedin",
         "ip_address": "198.51.100.7", "user_agent": FIREFOX},
        {"tracking_id": "an-old-flyer-link", "clicked_at": minutes_ago(9),
         "click_source": "email", "ip_address": "198.51.100.9", "user_agent": FIREFOX},
    ])["success"] is True

    page.goto(f"{server}/?who=everyone")
    row = page.locator("#clicks tbody tr").filter(has_text="Acme Corp")
    row.get_by_role("link", name=re.compile("^Delete the click")).click()
    expect(page.get_by_role("heading", name="Delete this click?")).to_be_visible()
    assert_good(page)

    page.goto(f"{server}/?who=everyone")
    with page.expect_response(re.compile(r"/clicks/\d+/me")):
        page.locator("#clicks tbody tr").filter(has_text="Acme Corp").get_by_role(
            "button", name="This was me").click()
    page.goto(f"{server}/settings")
    expect(page.get_by_role("button", name="Remove device 198.51.100.7")).to_be_visible()
    assert_good(page)

    page.goto(f"{server}/unmatched")
    page.get_by_label("Application for an-old-flyer-link").select_option(
        label="Acme Corp - Backend Engineer")
    page.get_by_label("Source for an-old-flyer-link").fill("   ")  # blank, past `required`
    page.get_by_role("button", name="Register").click()
    expect(page.locator(".field-error")).to_be_visible()
    assert_good(page)
    page.get_by_label("Application for an-old-flyer-link").select_option(
        label="Acme Corp - Backend Engineer")
    page.get_by_label("Source for an-old-flyer-link").fill("email")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status").filter(has_text="Registered an-old-flyer-link")
           ).to_be_visible()
    assert_good(page)
