"""Settings -> Alerts in a real browser against `serve`, with `dispatch` beside it and an
SMTP server on loopback: add an e-mail channel, send a test, see it delivered."""

import os
import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.flows import first_run_setup
from tests.alert_peers import smtp_server


def test_add_an_email_channel_send_a_test_and_see_it_delivered(page: Page, server,
                                                              server_database, tmp_path):
    first_run_setup(page, server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Set up alerts").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()

    page.get_by_label("Name").fill("broken")
    page.get_by_label("Notification URL or webhook address").fill("mailto://")
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_text("Apprise cannot use this mailto:// URL")).to_be_visible()

    script = Path(sys.executable).with_name("tracking-ingest")
    env = {**os.environ, "DATABASE_URL": server_database, "SECRET_KEY": "live-server-secret"}
    with smtp_server() as (mailbox, port), open(tmp_path / "dispatch.log", "w") as log:
        dispatcher = subprocess.Popen([str(script), "dispatch", "--poll", "0.2"], cwd=tmp_path,
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            page.get_by_label("Name").fill("my mail")
            page.get_by_label("Notification URL or webhook address").fill(
                f"mailto://127.0.0.1:{port}?from=alerts@example.com&to=me@example.com")
            page.get_by_role("button", name="Add channel").click()
            card = page.locator("article.alert-channel", has_text="my mail")
            expect(card.get_by_text("mailto://127.0.0.1…")).to_be_visible()
            card.get_by_role("button", name="Send test").click()
            expect(card.get_by_text("Test queued")).to_be_visible()
            # The deliveries region refreshes itself every 10 s.
            expect(card.locator(".badge-delivered")).to_be_visible(timeout=25_000)
            [message] = mailbox.wait_for(1)
        finally:
            dispatcher.terminate()
            dispatcher.wait(15)
    assert b"Subject: Test alert from your click tracking" in message.content

    page.get_by_label("Name").fill("hook")
    page.get_by_label("Notification URL or webhook address").fill("https://hooks.example.com/x")
    page.get_by_role("button", name="Add channel").click()
    expect(page.get_by_label("Signing secret")).to_have_value(re.compile(r"^whsec_"))
    page.goto(f"{server}/settings/alerts")
    expect(page.get_by_label("Signing secret")).to_have_count(0)
