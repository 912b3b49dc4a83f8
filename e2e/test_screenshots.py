"""Screenshots for the README, taken from demo data the way a person would see them.
They rewrite docs/screenshots, so they run only when asked: `make screenshots`."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import tracking_ingest

SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


@pytest.mark.screenshots
def test_dashboard_and_application_screenshots(signed_in: Page, server, server_database):
    tracking_ingest("demo-data", "--clicks", "20000", "--seed", "3", database_url=server_database)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in
    page.set_viewport_size({"width": 1280, "height": 1400})

    page.goto(f"{server}/?range=90d")
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    expect(page.locator("#ranked-by_application .ranked li")).to_have_count(8)
    expect(page.locator("#change-clicks")).not_to_be_empty()
    expect(page.locator("#clicks tbody tr")).to_have_count(25)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=False)

    page.goto(f"{server}/applications")
    expect(page.locator("svg.sparkline").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "applications.png", full_page=False)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/")
    expect(page.locator("#change-clicks")).not_to_be_empty()
    page.screenshot(path=SCREENSHOTS / "dashboard-phone.png", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 1400})

    page.goto(f"{server}/?range=90d")
    page.locator("#clicks tbody tr a").first.click()
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    expect(page.get_by_role("heading", name="Tracked links")).to_be_visible()
    expect(page.locator("#clicks tbody tr").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "application.png", full_page=False)
