"""Issue 9's dashboard in a real browser, on a laptop (1,440x900) and a phone (390x844): the
numbers first with their change, the range button and chips, legends that stay as set,
ranked lists that filter, the click list's paging and cards, regions and filters that fail
out loud, a failing alert channel, the applications list, and an application's page in the
range its own range button picks. Every state is checked with axe-core (light and dark)
and for anything off-screen."""

import re
import socket

import pytest
from playwright.sync_api import Page, expect

from e2e.checks import GOOD_LAYOUT_SHIFT, assert_good, layout_shift
from e2e.conftest import SCREENS, tracking_ingest
from e2e.flows import add_application, add_link
from e2e.test_dashboard import FIREFOX, minutes_ago, post_batch

TEN_DAYS = 10 * 24 * 60  # in minutes

@pytest.fixture
def history(signed_in: Page, server, server_database, screen):
    """Two applications; Acme gets 30 people's clicks (with referrers) in the last hours."""
    add_application(signed_in, server, "Acme Corp", "Backend Engineer")
    acme = add_link(signed_in, "linkedin").split("tid=")[1]
    add_application(signed_in, server, "Globex", "Architect")
    globex = add_link(signed_in, "resume").split("tid=")[1]
    key = tracking_ingest("api-keys", "create", "e2e",
                          database_url=server_database).strip().splitlines()[-1]
    events = [{"tracking_id": acme, "clicked_at": minutes_ago(10 + minute),
               "click_source": "linkedin", "ip_address": f"198.51.100.{minute + 1}",
               "user_agent": FIREFOX, "referrer_url": "https://www.linkedin.com/feed/"}
              for minute in range(30)]
    events.append({"tracking_id": globex, "clicked_at": minutes_ago(200),
                   "click_source": "resume", "ip_address": "203.0.113.5", "user_agent": FIREFOX})
    assert post_batch(server, key, events)["success"] is True
    return key


def card(page: Page, name: str):
    return page.locator("article.stat").filter(
        has=page.get_by_role("heading", name=name, exact=True))


def test_numbers_first_with_their_change_range_button_and_chips(signed_in: Page, server, history,
                                                                screen):
    page = signed_in
    page.goto(f"{server}/")
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("31")
    expect(page.locator("#change-clicks")).to_have_text("none in the previous 30 days")
    expect(card(page, "People this week").locator(".stat-value")).to_contain_text("2")
    # The numbers are on the first screen, phone included.
    assert card(page, "People's clicks").bounding_box()["y"] < SCREENS[screen]["height"]
    expect(page.locator("#range-button")).to_have_text(re.compile(r"^Last 30 days: \d"))
    expect(page.locator("time").first).to_have_attribute("title", re.compile(r"^\d{4}-"))
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    assert_good(page)

    # A source switched off in the legend stays off when the chart refreshes itself, and
    # when the page is loaded again.
    page.locator("#chart-per_day g.traces", has_text="resume").locator("rect.legendtoggle").click()
    expect(page.locator("#chart-per_day g.traces", has_text="resume")).to_have_css(
        "opacity", "0.5")  # Plotly greys a hidden source's legend entry
    page.evaluate("() => { document.getElementById('chart-per_day').dataset.old = '1'; }")
    page.evaluate("() => htmx.trigger(document.body, 'kinds-changed')")  # what a refresh does
    expect(page.locator("#chart-per_day[data-old]")).to_have_count(0)  # a new region came
    expect(page.locator("#chart-per_day g.traces", has_text="resume")).to_have_css(
        "opacity", "0.5")
    expect(page.locator("#chart-per_day g.traces", has_text="linkedin")).to_have_css(
        "opacity", "1")
    page.reload()  # and a full reload too
    expect(page.locator("#chart-per_day g.traces", has_text="resume")).to_have_css(
        "opacity", "0.5")
    expect(page.locator("#chart-per_day g.traces", has_text="linkedin")).to_have_css(
        "opacity", "1")

    page.locator("#range-button").click()
    assert_good(page)  # the open range menu fits too
    page.get_by_label("24 hours").check()
    expect(page).to_have_url(re.compile(r"/\?range=24h$"))
    expect(page.locator("#range-button")).to_have_text(re.compile(r"^Last 24 hours: "))
    expect(page.get_by_role("heading", name="Clicks per hour")).to_be_visible()

    # A ranked row filters the dashboard; its chip takes the filter off again.
    page.locator("#ranked-by_application").get_by_role(
        "link", name="Acme Corp - Backend Engineer").click()
    expect(page).to_have_url(re.compile(r"application=1"))
    chip = page.get_by_role("link", name="Remove filter Application: Acme Corp - Backend Engineer")
    expect(chip).to_be_visible()
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("30")
    assert_good(page)
    chip.click()
    expect(page).to_have_url(re.compile(r"/\?range=24h$"))
    expect(chip).to_have_count(0)

    page.locator(".more-filters > summary").click()
    page.get_by_label("Who", exact=True).select_option("everyone")
    expect(page.get_by_role("link", name="Remove filter Who: Everyone")).to_be_visible()
    assert_good(page)

    # Custom dates wait for their button; without a date the range says why it fell back.
    page.locator("#range-button").click()
    page.get_by_label("Custom dates").check()
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_role("alert").filter(has_text="A custom range needs a From or a To date")
           ).to_be_visible()
    page.get_by_label("From", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Show these dates").click()
    expect(page).to_have_url(re.compile(r"range=custom&from=2025-01-01"))
    expect(page.locator("#range-button")).to_have_text(re.compile(r"^From 1 Jan 2025"))


def test_click_list_pages_keep_the_keyboard_and_rows_tell_their_story(signed_in: Page, server,
                                                                      history, screen):
    page = signed_in
    page.goto(f"{server}/")
    rows = page.locator("#clicks tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator(".pager-position")).to_have_text("1–25 of 31")
    first = rows.first
    expect(first).to_contain_text("from https://www.linkedin.com/feed/")
    agent = first.locator("details.user-agent")
    agent.locator("summary").click()
    expect(agent.get_by_text(FIREFOX)).to_be_visible()
    expect(first.get_by_role("link", name=re.compile("^Delete the click"))).to_have_attribute(
        "href", re.compile(r"^/clicks/\d+/delete$"))
    assert_good(page)

    older = page.locator("#pager-older")
    older.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".pager-position")).to_have_text("26–31 of 31")
    expect(page.locator("#pager-newer")).to_be_focused()  # "Older" is gone: the other one
    page.keyboard.press("Enter")
    expect(page.locator(".pager-position")).to_have_text("1–25 of 31")
    expect(page.locator("#pager-older")).to_be_focused()


def test_a_failing_region_says_so_and_retries_a_failing_filter_keeps_its_value(
        signed_in: Page, server, history, screen):
    page = signed_in
    page.route("**/partials/by-source*", lambda route: route.fulfill(status=500, body="boom"))
    page.goto(f"{server}/")
    region = page.locator("#ranked-by_source")
    expect(region.get_by_role("alert")).to_contain_text("could not load (the server answered 500)")
    assert_good(page)
    page.unroute("**/partials/by-source*")
    region.get_by_role("button", name="Retry").click()
    expect(page.locator("#ranked-by_source").get_by_role("link", name="linkedin")).to_be_visible()

    page.route(re.compile(r".*/\?.*who=bot.*"), lambda route: route.abort())
    page.locator(".more-filters > summary").click()
    page.get_by_label("Who", exact=True).select_option("bot")
    expect(page.locator("#filter-problem")).to_contain_text("That filter could not be applied")
    expect(page.get_by_label("Who", exact=True)).to_have_value("person")
    expect(page).to_have_url(f"{server}/")
    assert_good(page)


def test_a_failing_alert_channel_is_flagged_on_the_dashboard(signed_in: Page, server, history,
                                                             screen):
    page = signed_in
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nobody listens once the socket is closed
    page.goto(f"{server}/settings/alerts")
    page.get_by_label("Name").fill("my hook")
    page.get_by_label("Notification URL or webhook address").fill(f"http://127.0.0.1:{port}/hook")
    page.get_by_role("button", name="Add channel").click()
    page.locator("article.alert-channel", has_text="my hook").get_by_role(
        "button", name="Send test").click()
    banner = page.locator(".failing-channels")
    for _attempt in range(20):
        page.goto(f"{server}/")
        page.locator("#cards").get_by_role("heading", name="People this week").wait_for()
        if banner.count():
            break
        page.wait_for_timeout(1000)
    expect(banner).to_contain_text("Alerts are not getting through on my hook")
    expect(banner.get_by_role("link")).to_have_attribute("href", "/settings/alerts")
    assert_good(page)


def test_applications_list_answers_the_question(signed_in: Page, server, history, screen):
    page = signed_in
    page.goto(f"{server}/applications")
    names = page.locator("td.application-name > a")
    expect(names).to_have_text(["Acme Corp", "Globex"])  # most recently active first
    acme = page.locator("tbody tr").filter(has_text="Acme Corp")
    expect(acme.locator("td[data-label=People]")).to_contain_text("30")
    expect(acme.locator("svg.sparkline polyline")).to_have_count(1)
    expect(acme.locator("td[data-label='Last person'] time")).to_have_text("10 min ago")
    expect(acme.get_by_text("new since you applied")).to_be_visible()
    assert_good(page)

    if screen == "laptop":  # column headers sort, a second click turns the order
        page.get_by_role("link", name="Application", exact=True).click()
        expect(names).to_have_text(["Acme Corp", "Globex"])
        page.get_by_role("link", name="Application", exact=True).click()
        expect(names).to_have_text(["Globex", "Acme Corp"])
    else:  # a phone's cards have no header row: the Sort by menu
        page.get_by_label("Sort by").select_option("applied")
        page.get_by_role("button", name="Show").click()
        expect(page).to_have_url(re.compile(r"sort=applied"))
    page.get_by_label("Search", exact=True).fill("architect")
    page.get_by_role("button", name="Show").click()
    expect(names).to_have_text(["Globex"])
    assert_good(page)


def test_unmatched_registration_fits_a_phone(signed_in: Page, server, history, screen):
    post_batch(server, history, [{"tracking_id": "old-flyer-link-with-a-long-name-2025",
                                  "clicked_at": minutes_ago(20), "click_source": "email",
                                  "user_agent": FIREFOX}])
    page = signed_in
    page.goto(f"{server}/unmatched")
    expect(page.get_by_label("Application for old-flyer-link-with-a-long-name-2025")).to_be_visible()
    assert_good(page)


def test_thirty_applications_this_weeks_people_first_and_a_clicks_story_two_taps_away(
        signed_in: Page, server, server_database, screen):
    """The issue's finish line: on the first screen, which applications a person looked at
    this week against the week before; one tap opens one of them, where each click says who
    it was and why; a second tap shows its browser."""
    tracking_ingest("demo-data", "--clicks", "4000", "--days", "180", "--seed", "5",
                    database_url=server_database)
    page = signed_in
    page.goto(f"{server}/")
    week = card(page, "People this week")
    expect(week.locator(".change")).to_contain_text("the week before")
    looked = week.locator(".week-names a")
    expect(looked.first).to_be_visible()
    box = week.bounding_box()
    assert box["y"] + box["height"] <= SCREENS[screen]["height"]  # no scrolling to the answer
    assert_good(page)

    company = looked.first.inner_text().split(" - ")[0]
    looked.first.click()  # tap one
    expect(page.get_by_role("heading", level=1)).to_contain_text(company)
    expect(page.locator("#first-look")).to_contain_text("A person first opened")
    story = page.locator("#clicks tbody tr").first
    expect(story.locator(".badge-kind")).to_be_visible()
    expect(story.locator(".reason")).not_to_be_empty()
    story.locator("details.user-agent > summary").click()  # tap two
    expect(story.locator("details.user-agent")).to_have_attribute("open", "")
    assert_good(page)


def test_regions_arrive_without_moving_the_page(signed_in: Page, server, history, screen):
    """Each loading region holds the room its content will take: nothing jumps."""
    page = signed_in
    for path in ("/", "/applications/1"):
        page.goto(f"{server}{path}")
        shifted = layout_shift(page)
        assert shifted["total"] <= GOOD_LAYOUT_SHIFT, (path, shifted)


def test_the_range_button_picks_the_range_every_number_follows(signed_in: Page, server, history,
                                                               screen):
    page = signed_in
    page.goto(f"{server}/applications/1")
    acme = page.get_by_label("Tracked URL for linkedin").input_value().split("tid=")[1]
    assert post_batch(server, history, [{
        "tracking_id": acme, "clicked_at": minutes_ago(TEN_DAYS), "click_source": "linkedin",
        "ip_address": "198.51.100.200", "user_agent": FIREFOX}])["success"] is True

    page.reload()
    expect(page.locator("#range-button")).to_have_text("All time")
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("31")
    expect(page.locator(".pager-position")).to_have_text("1–25 of 31")
    expect(page.locator("#first-look")).to_contain_text("A person first opened")
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    assert_good(page)

    page.locator("#range-button").click()
    assert_good(page)  # the open range menu fits too
    page.get_by_label("7 days").check()
    expect(page).to_have_url(f"{server}/applications/1?range=7d")
    expect(page.locator("#range-button")).to_have_text(re.compile(r"^Last 7 days: \d"))
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("30")
    per_link = page.locator("section[aria-labelledby=per-link-title] tbody tr")
    expect(per_link.locator("td.numeric")).to_have_text("30")
    expect(page.locator(".pager-position")).to_have_text("1–25 of 30")
    expect(page.get_by_role("heading", name="First look in this range")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    assert_good(page)

    page.reload()  # the URL alone brings the range back
    expect(page.locator("#range-button")).to_have_text(re.compile(r"^Last 7 days: "))
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("30")

    # From the applications list, the page opens in the list's range.
    page.goto(f"{server}/applications?range=90d")
    page.get_by_role("link", name="Acme Corp", exact=True).click()
    expect(page).to_have_url(f"{server}/applications/1?range=90d")
    expect(card(page, "People's clicks").locator(".stat-value")).to_have_text("31")
