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
    expect(page.locator(".js-plotly-plot")).to_have_count(3)
    expect(page.locator("#clicks tbody tr")).to_have_count(25)
    page.screenshot(path=SCREENSHOTS / "dashboard.png", full_page=False)

    page.locator("#clicks tbody tr a").first.click()
    expect(page.locator(".js-plotly-plot")).to_be_visible()
    expect(page.get_by_role("heading", name="Tracked links")).to_be_visible()
    expect(page.locator("#clicks tbody tr").first).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "application.png", full_page=False)
