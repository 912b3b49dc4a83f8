"""Channels: bad addresses refused with a clear message, addresses sealed and masked, the
command line, and the Settings -> Alerts page."""

import re

import pytest
from sqlalchemy import select

from tests.alert_data import channel
from tests.forms import csrf_token_from
from webapp.alerts import addresses, sealing
from webapp.alerts.models import AlertChannel, AlertDelivery
from webapp.database.db import get_db


@pytest.mark.parametrize("url, message", [
    ("", "Paste a notification URL"),
    ("   ", "Paste a notification URL"),
    ("example.com/hook", "has no scheme"),
    ("ftp://example.com/hook", "ftp:// is neither a webhook"),
    ("javascript://alert(1)", "javascript:// is neither a webhook"),
    ("https://", "has no host name"),
    ("https://example.com:99999/hook", "malformed"),
    ("https://user:pw@example.com/hook", "no user name or password"),
    ("https://example.com/a b", "spaces"),
    ("mailto://", "Apprise cannot use this mailto:// URL"),
    ("https://example.com/" + "x" * 2000, "longer than 2000"),
])
def test_bad_addresses_are_refused_with_a_reason(url, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        addresses.parse(url)


@pytest.mark.parametrize("url, kind, masked", [
    ("https://hooks.example.com/in/T0K3N?sig=abc", "webhook", "https://hooks.example.com/…"),
    ("http://127.0.0.1:8080", "webhook", "http://127.0.0.1:8080"),
    ("mailtos://me:s3cret@smtp.example.com?to=me@example.com", "apprise",
     "mailtos://smtp.example.com…"),
    ("ntfy://my-secret-topic", "apprise", "ntfy://…"),
])
def test_good_addresses_and_what_is_shown_of_them(url, kind, masked):
    parsed = addresses.parse(url)
    assert (parsed.kind, parsed.masked) == (kind, masked)


def test_an_address_is_stored_sealed_and_needs_the_same_secret_key(app):
    url = "mailtos://me:s3cret@smtp.example.com?to=me@example.com"
    channel(app, "mail", url)
    with app.app_context(), get_db().read_sessions() as session:
        stored = session.scalar(select(AlertChannel))
    assert "s3cret" not in stored.sealed and "smtp.example.com" not in stored.sealed
    assert sealing.unseal("test-secret", stored.sealed) == {"url": url}
    with pytest.raises(sealing.CannotUnseal, match="another SECRET_KEY"):
        sealing.unseal("another-secret", stored.sealed)


def test_cli_add_prints_a_webhook_secret_alone_on_the_last_line(app, runner):
    result = runner.invoke(args=["channels", "add", "hook", "https://hooks.example.com/in/x"])
    assert result.exit_code == 0, result.output
    last = result.output.rstrip("\n").split("\n")[-1]
    assert re.fullmatch(r"whsec_[A-Za-z0-9+/]{43}=", last)
    listing = runner.invoke(args=["channels", "list"])
    assert "hook" in listing.output and "https://hooks.example.com/…" in listing.output
    assert "first person" in listing.output
    assert last not in listing.output and "/in/x" not in listing.output


def test_cli_add_apprise_prints_no_secret_and_refuses_bad_input(app, runner):
    result = runner.invoke(args=["channels", "add", "phone", "ntfy://my-topic"])
    assert result.exit_code == 0 and "whsec_" not in result.output
    assert "my-topic" not in result.output
    twice = runner.invoke(args=["channels", "add", "phone", "ntfy://other"])
    assert twice.exit_code == 1 and "already exists" in twice.output
    bad = runner.invoke(args=["channels", "add", "x", "gopher://example.com"])
    assert bad.exit_code == 1 and "gopher:// is neither a webhook" in bad.output


def test_cli_remove_and_test_unknown_names(app, runner):
    channel(app, "phone", "ntfy://my-topic")
    queued = runner.invoke(args=["channels", "test", "phone"])
    assert queued.exit_code == 0 and "Queued test msg_" in queued.output
    assert runner.invoke(args=["channels", "remove", "phone"]).exit_code == 0
    with app.app_context(), get_db().read_sessions() as session:
        assert session.scalars(select(AlertDelivery)).all() == []  # cascaded
    for command in ("remove", "test"):
        missing = runner.invoke(args=["channels", command, "phone"])
        assert missing.exit_code == 1 and "No channel named 'phone'" in missing.output


def test_the_alerts_page_adds_a_webhook_and_shows_its_secret_once(client, auth):
    auth.login()
    page = client.get("/settings/alerts")
    assert page.status_code == 200 and b"No channels yet" in page.data
    added = client.post("/settings/alerts/channels", data={
        "name": "hook", "url": "https://hooks.example.com/in/T0K3N",
        "csrf_token": csrf_token_from(page)})
    secret = re.search(r'value="(whsec_[^"]+)"', added.get_data(as_text=True)).group(1)
    again = client.get("/settings/alerts").get_data(as_text=True)
    assert secret not in again and "T0K3N" not in again
    assert "https://hooks.example.com/…" in again
    assert "<script>" not in again and " onclick=" not in again  # the CSP allows no inline script


def test_the_alerts_page_refuses_a_malformed_url_and_a_missing_csrf_token(client, auth):
    auth.login()
    page = client.get("/settings/alerts")
    refused = client.post("/settings/alerts/channels", data={
        "name": "mail", "url": "mailto://", "csrf_token": csrf_token_from(page)})
    assert refused.status_code == 400
    assert b"Apprise cannot use this mailto:// URL" in refused.data
    forged = client.post("/settings/alerts/channels", data={"name": "x", "url": "ntfy://t"})
    assert forged.status_code == 400 and b'class="alert-channel' not in client.get("/settings/alerts").data


def test_rules_and_test_button_swap_the_channel_card(app, client, auth):
    auth.login()
    channel_id, _ = channel(app, "phone", "ntfy://my-topic")
    token = csrf_token_from(client.get("/settings/alerts"))
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    saved = client.post(f"/settings/alerts/channels/{channel_id}/rules", headers=headers,
                        data={"came_back": "on", "digest_hour": "8"})
    assert saved.status_code == 200 and b"Rules saved." in saved.data
    with app.app_context(), get_db().read_sessions() as session:
        stored = session.get(AlertChannel, channel_id)
    assert (stored.first_person, stored.came_back, stored.digest_hour) == (False, True, 8)
    bad = client.post(f"/settings/alerts/channels/{channel_id}/rules", headers=headers,
                      data={"digest_hour": "25"})
    assert bad.status_code == 400 and b"between 0 and 23" in bad.data
    tested = client.post(f"/settings/alerts/channels/{channel_id}/test", headers=headers)
    assert b"Test queued" in tested.data and b"pending" in tested.data
    listed = client.get(f"/settings/alerts/channels/{channel_id}/deliveries")
    assert b"Test" in listed.data and b"pending" in listed.data


def test_removing_a_channel_and_signing_in_first(app, client, auth):
    channel_id, _ = channel(app, "phone", "ntfy://my-topic")
    assert client.get("/settings/alerts").status_code in (302, 303)
    auth.login()
    token = csrf_token_from(client.get("/settings/alerts"))
    removed = client.post(f"/settings/alerts/channels/{channel_id}/remove",
                          data={"csrf_token": token}, follow_redirects=True)
    assert b"Removed the channel phone." in removed.data
    assert client.post(f"/settings/alerts/channels/{channel_id}/test",
                       data={"csrf_token": token}).status_code == 404
