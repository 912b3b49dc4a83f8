"""The test console posts through the real ingest API with the key shown at setup."""

import json
import re

from playwright.sync_api import Page, expect

from e2e.flows import add_application, add_link, first_run_setup

XSS = "<img src=x onerror=alert(1)>"


def test_send_a_test_batch_with_the_key_from_setup(page: Page, server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    first_run_setup(page, server)
    add_application(page, server, "Acme Corp", "Backend Engineer")
    url = add_link(page, "calendly")
    tracking_id = url.rsplit("=", 1)[1]

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Open the test console").click()
    expect(page.get_by_label("API key")).not_to_have_value("")  # remembered from setup
    batch = json.loads(page.get_by_label("Batch JSON").input_value())
    assert batch["events"][0]["tracking_id"] == tracking_id

    page.get_by_role("button", name="Test connection").click()
    expect(page.locator("#console-status")).to_have_text("The key works: the ingest API accepts it.")
    page.get_by_text("HTTP 200 OK and the JSON answer").click()
    expect(page.locator("#console-response")).to_contain_text('"authenticated": true')

    batch["events"][0]["user_agent"] = XSS
    page.get_by_label("Batch JSON").fill(json.dumps(batch))
    page.get_by_role("button", name="Send test batch").click()
    expect(page.locator("#console-status")).to_have_text(
        "1 click stored for Acme Corp: see them on the dashboard.")
    expect(page.locator("#console-http")).to_have_text(re.compile(r"^HTTP 200\b"))
    response = page.locator("#console-response")
    expect(response).to_contain_text('"message": "Processed 1 events"')
    expect(response).to_contain_text('"unmatched": 0')
    expect(page.locator("#console-response img")).to_have_count(0)

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{server}/login")
    assert dialogs == []


def test_a_wrong_key_is_answered_401(signed_in: Page, server):
    signed_in.goto(f"{server}/settings/console")
    signed_in.get_by_text("Use one of your own API keys instead").click()
    signed_in.get_by_label("API key").fill("ti_not-a-real-key")
    signed_in.get_by_role("button", name="Send test batch").click()
    expect(signed_in.locator("#console-status")).to_have_text(
        "The key was refused: nothing was stored.")
    expect(signed_in.locator("#console-http")).to_have_text(re.compile(r"^HTTP 401\b"))
    expect(signed_in.locator("#console-response")).to_contain_text('"error": "Unauthorized"')
