"""The dashboard in a real browser: a click posted through the API shows up in the cards,
the charts and the list; filters live in the URL; export; an XSS user agent stays text."""

import csv
import io
import json
import re
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import tracking_ingest
from e2e.flows import add_application, add_link

XSS = "<img src=x onerror=alert(1)>"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def post_batch(server: str, key: str, events: list[dict]) -> dict:
    request = urllib.request.Request(
        f"{server}/api/tracking-ingest/batch", data=json.dumps({"events": events}).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": key}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def minutes_ago(minutes: int) -> str:
    return (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def dialogs(signed_in: Page) -> list[str]:
    """Every alert/confirm/prompt the page opens: an XSS payload that ran would show here."""
    opened = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    signed_in.on("dialog", record)
    return opened


@pytest.fixture
def clicks_posted(signed_in: Page, server, server_database):
    """An application with two links, and three clicks posted through the real API."""
    add_application(signed_in, server, "Acme Corp", "Backend Engineer")
    linkedin = add_link(signed_in, "linkedin").split("tid=")[1]
    resume = add_link(signed_in, "resume").split("tid=")[1]
    created = tracking_ingest("api-keys", "create", "e2e", database_url=server_database)
    key = created.strip().splitlines()[-1]
    answer = post_batch(server, key, [
        {"tracking_id": linkedin, "clicked_at": minutes_ago(5), "click_source": "linkedin",
         "ip_address": "198.51.100.7", "user_agent": XSS},
        {"tracking_id": linkedin, "clicked_at": minutes_ago(50), "click_source": "linkedin",
         "ip_address": "198.51.100.8",
         "user_agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                       "(KHTML, like Gecko) Version/17.6 Safari/605.1.15"},
        {"tracking_id": resume, "clicked_at": minutes_ago(90), "click_source": "resume",
         "ip_address": "198.51.100.9", "user_agent": FIREFOX},
        # No user agent at all: a bot, left out of the counts unless Who asks for it.
        {"tracking_id": resume, "clicked_at": minutes_ago(100), "click_source": "resume",
         "ip_address": "198.51.100.10"},
    ])
    assert answer["success"] is True
    return key


def stat(page: Page, name: str):
    # The clicks card says "People's clicks" while it counts people (the default).
    heading = (page.get_by_role("heading", name=re.compile(r"^(People's clicks|Clicks)$"))
               if name == "Clicks" else page.get_by_role("heading", name=name, exact=True))
    return page.locator("article.stat").filter(has=heading).locator(".stat-value")


def test_posted_clicks_show_up_in_cards_charts_and_list(
    signed_in: Page, server, clicks_posted, dialogs
):
    page = signed_in
    page.goto(f"{server}/")
    expect(stat(page, "Clicks")).to_have_text("3")
    expect(stat(page, "Unique visitors")).to_have_text("3")
    expect(stat(page, "Applications clicked")).to_have_text("1")
    expect(page.locator("article.stat .left-out")).to_have_text("+ 1 bot")
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    expect(page.locator("#ranked-by_source .ranked-count")).to_have_text(["2", "1"])
    clicks = page.locator("#clicks tbody tr")
    expect(clicks).to_have_count(3)
    expect(clicks.first).to_contain_text("Acme Corp - Backend Engineer")
    # The XSS agent is shown literally (behind its summary), and never ran.
    clicks.first.locator("details.user-agent > summary").click()
    expect(page.locator("#clicks").get_by_text(XSS, exact=True)).to_be_visible()
    assert page.locator("#clicks img").count() == 0
    assert dialogs == []


def test_who_filter_shows_the_bot_and_this_was_me_marks_a_device(
    signed_in: Page, server, clicks_posted
):
    page = signed_in
    page.goto(f"{server}/")
    page.locator(".more-filters > summary").click()
    page.get_by_label("Who", exact=True).select_option("everyone")
    expect(page).to_have_url(re.compile(r"/\?who=everyone$"))
    expect(page.locator("#clicks tbody tr")).to_have_count(4)
    expect(stat(page, "Clicks")).to_have_text("4")
    page.locator(".more-filters > summary").click()  # the bar came back closed
    bot = page.locator("#clicks tbody tr").filter(has_text="198.51.100.10")
    expect(bot.locator(".badge-bot")).to_have_text("bot")
    expect(bot.locator(".reason")).to_have_text("no user agent")
    page.get_by_label("Who", exact=True).select_option("person")
    expect(stat(page, "Clicks")).to_have_text("3")
    mine = page.locator("#clicks tbody tr").filter(has_text="198.51.100.8")
    mine.get_by_role("button", name="This was me").click()
    expect(page.locator("#clicks tbody tr").filter(has_text="198.51.100.8")).to_have_count(0)
    expect(stat(page, "Clicks")).to_have_text("2")  # the cards refresh on their own
    page.goto(f"{server}/settings")
    expect(page.locator("#your-devices")).to_contain_text("198.51.100.8")
    page.locator("#your-devices").get_by_role("button", name=re.compile("Remove")).click()
    expect(page.locator("#your-devices")).to_contain_text("No devices marked as yours.")
    page.goto(f"{server}/")
    expect(stat(page, "Clicks")).to_have_text("3")


def test_filter_by_source_changes_the_url_and_the_regions(signed_in: Page, server, clicks_posted):
    page = signed_in
    page.goto(f"{server}/")
    expect(page.locator("#clicks tbody tr")).to_have_count(3)
    page.locator(".more-filters > summary").click()
    page.get_by_label("Source", exact=True).select_option("resume")
    expect(page).to_have_url(re.compile(r"/\?source=resume$"))
    expect(page.locator("#clicks tbody tr")).to_have_count(1)
    expect(stat(page, "Clicks")).to_have_text("1")
    page.locator("#range-button").click()
    page.get_by_label("7 days").check()
    expect(page).to_have_url(re.compile(r"range=7d"))
    page.reload()  # the URL alone brings the view back
    expect(page.get_by_role("link", name="Remove filter Source: resume")).to_be_visible()
    expect(page.get_by_label("Source", exact=True)).to_have_value("resume")
    expect(page.locator("#clicks tbody tr")).to_have_count(1)


def test_an_archived_applications_clicks_leave_the_dashboard_until_included(
    signed_in: Page, server, clicks_posted
):
    page = signed_in
    page.goto(f"{server}/applications/1/edit")
    page.get_by_role("button", name="Archive application").click()
    page.goto(f"{server}/")
    expect(stat(page, "Clicks")).to_have_text("0")
    expect(page.locator("#clicks tbody tr")).to_have_count(0)
    page.locator(".more-filters > summary").click()
    page.get_by_label("Include archived applications").check()
    expect(page).to_have_url(re.compile(r"/\?archived=1$"))
    expect(stat(page, "Clicks")).to_have_text("3")
    expect(page.locator("#clicks tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Remove filter Archived applications: included").click()
    expect(stat(page, "Clicks")).to_have_text("0")
    page.goto(f"{server}/applications/1")  # its own page still tells its story
    expect(page.locator("#clicks tbody tr")).to_have_count(3)


def test_open_the_application_page_and_export_csv(signed_in: Page, server, clicks_posted):
    page = signed_in
    page.goto(f"{server}/?source=linkedin")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export these clicks as CSV").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text())))
    assert len(rows) == 2 and {row["source"] for row in rows} == {"linkedin"}
    assert rows[0]["user_agent"] == XSS

    page.locator("#clicks").get_by_role("link", name="Acme Corp - Backend Engineer").first.click()
    expect(page).to_have_url(f"{server}/applications/1?range=30d")  # the dashboard's range
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme Corp")
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    expect(page.locator("#clicks tbody tr")).to_have_count(3)
    expect(page.locator("#first-look")).to_contain_text("A person first opened")
    expect(page.get_by_role("heading", name="Tracked links")).to_be_visible()


def test_register_an_unmatched_id(signed_in: Page, server, clicks_posted):
    page = signed_in
    post_batch(server, clicks_posted, [
        {"tracking_id": "old-flyer-link", "clicked_at": minutes_ago(20), "click_source": "email",
         "user_agent": FIREFOX},
    ])
    page.goto(f"{server}/unmatched")
    application = page.get_by_label("Application for old-flyer-link")
    application.select_option(label="Acme Corp - Backend Engineer")
    page.get_by_label("Source for old-flyer-link").fill("email")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("status").filter(has_text="Registered old-flyer-link")).to_be_visible()
    page.goto(f"{server}/")
    expect(stat(page, "Unmatched clicks")).to_have_text("0")
    expect(stat(page, "Clicks")).to_have_text("4")
