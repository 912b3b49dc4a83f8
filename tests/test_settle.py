"""Settling through the real doors, on SQLite and PostgreSQL: the issue's done-when story
(a link pasted into LinkedIn, e-mailed to a company behind a mail gateway, opened by the
recruiter), the settler loop's 30 s promise, "This was me", exports and reclassify."""

import csv
import io
import json
import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.dashboard_data import add_application
from tests.forms import csrf_token_from
from tests.ingest_helpers import post_batch, stored_clicks
from tests.test_rollups import assert_exact
from webapp.database.db import get_db
from webapp.models import LinkClick
from webapp.stats import settle as settle_module
from webapp.timeutil import utcnow

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/129.0.0.0 Safari/537.36")
LINKEDIN = "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)"


def at(minutes_ago: float) -> str:
    return (utcnow() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def story(minutes_ago: float = 0) -> list[dict]:
    """Pasted into a LinkedIn message (its preview fetches from LinkedIn's network), e-mailed
    to Acme behind Mimecast (its check comes from Mimecast's network with a browser's agent),
    then opened by the recruiter at home."""
    return [
        {"tracking_id": "acme-li", "clicked_at": at(minutes_ago + 90), "click_source": "linkedin",
         "ip_address": "108.174.10.10", "user_agent": LINKEDIN},
        {"tracking_id": "acme-li", "clicked_at": at(minutes_ago + 60), "click_source": "linkedin",
         "ip_address": "205.139.110.10", "user_agent": CHROME},
        {"tracking_id": "acme-li", "clicked_at": at(minutes_ago), "click_source": "linkedin",
         "ip_address": "80.133.5.5", "user_agent": CHROME},
    ]


@pytest.fixture
def acme(app):
    return add_application(app, "Acme Corp", "Backend Engineer", {"acme-li": "linkedin"})


@pytest.fixture
def no_lag(monkeypatch):
    monkeypatch.setattr(settle_module, "LAG", timedelta(0))


def kinds(app) -> list[tuple[str, str, int | None]]:
    return [(click.kind, click.reason, click.rules_version) for click in stored_clicks(app)]


def test_pasted_into_linkedin_emailed_past_a_gateway_then_opened(
        app, client, auth, api_key, acme, no_lag):
    assert post_batch(client, api_key, story()).status_code == 200
    auth.login()
    cards = client.get("/partials/cards").get_data(as_text=True)
    assert re.findall(r'class="stat-value[^"]*">([^<]+)<', cards)[1:3] == ["1", "1"]  # after People this week
    assert "+ 1 preview, 1 scanner check<" in cards
    assert kinds(app) == [
        ("preview", "LinkedIn link preview (LinkedInBot)", 1),
        ("scanner", "from Mimecast's network: mail security check", 1),
        ("person", "browser", 1),
    ]
    listing = client.get("/partials/clicks?who=everyone").get_data(as_text=True)
    for kind in ("preview", "scanner", "person"):
        assert f'<span class="badge badge-kind badge-{kind}">{kind}</span>' in listing
    assert "LinkedIn · US" in listing and "Mimecast · US" in listing
    assert "Deutsche Telekom AG · DE" in listing
    first = client.get(f"/partials/first-look?application={acme}").get_data(as_text=True)
    assert "A person first opened one of these links on" in first
    assert first.index("LinkedIn link preview") < first.index("Mimecast&#39;s network")


def test_the_settler_loop_settles_within_30_seconds_of_arrival(app, client, api_key, acme):
    stop = threading.Event()
    loop = threading.Thread(target=settle_module.run_settler, args=(app, stop, 0.2))
    loop.start()
    try:
        assert post_batch(client, api_key, story()).status_code == 200
        arrived = time.monotonic()
        while any(version is None for _kind, _reason, version in kinds(app)):
            assert time.monotonic() - arrived < 30, kinds(app)
            time.sleep(0.2)
    finally:
        stop.set()
        loop.join()
    assert [kind for kind, _reason, _version in kinds(app)] == ["preview", "scanner", "person"]


def test_a_late_batch_resettles_a_settled_click_and_its_rollups(app, client, api_key, no_lag):
    add_application(app, "Acme Corp", "Backend Engineer",
                    {"acme-li": "linkedin", "acme-cv": "resume"})
    first = {"tracking_id": "acme-li", "clicked_at": "2025-03-03T10:00:00Z",
             "click_source": "linkedin", "ip_address": "40.107.22.1", "user_agent": CHROME}
    assert post_batch(client, api_key, [first]).status_code == 200
    with app.app_context():
        settle_module.settle_and_fold(get_db())
    assert kinds(app)[0][0] == "person"
    late = {**first, "tracking_id": "acme-cv", "click_source": "resume",
            "clicked_at": "2025-03-03T10:00:01Z"}
    assert post_batch(client, api_key, [late]).status_code == 200
    with app.app_context():
        settle_module.settle_and_fold(get_db())
    assert [kind for kind, _reason, _version in kinds(app)] == ["scanner", "scanner"]
    assert "opened 2 links of one application within 1 s" in kinds(app)[0][1]
    import random
    assert_exact(app, random.Random(1), [1])


def test_this_was_me_marks_a_device_and_settings_can_forget_it(
        app, client, auth, api_key, acme, no_lag):
    assert post_batch(client, api_key, story()).status_code == 200
    auth.login()
    page = client.get("/partials/clicks")
    person = stored_clicks(app)[2]
    assert f'/clicks/{person.id}/me' in page.get_data(as_text=True)
    assert client.post(f"/clicks/{person.id}/me").status_code == 400  # no CSRF token
    response = client.post(f"/clicks/{person.id}/me?who=everyone",
                           headers={"HX-Request": "true",
                                    "X-CSRFToken": csrf_token_from(client.get("/"))})
    assert response.status_code == 200 and response.headers["HX-Trigger"] == "kinds-changed"
    body = response.get_data(as_text=True)
    assert '<span class="badge badge-kind badge-you">you</span>' in body
    assert "marked as you" in body
    assert kinds(app)[2][:2] == ("you", "marked as you")
    cards = client.get("/partials/cards").get_data(as_text=True)
    assert "+ 1 preview, 1 scanner check, 1 click of yours<" in cards
    settings = client.get("/settings")
    assert "80.133.5.5" in settings.get_data(as_text=True)
    device_id = int(re.search(r'/settings/devices/(\d+)/forget', settings.get_data(as_text=True))
                    .group(1))
    answer = client.post(f"/settings/devices/{device_id}/forget",
                         data={"csrf_token": csrf_token_from(settings)})
    assert answer.status_code == 303
    assert kinds(app)[2][0] == "person"
    assert "80.133.5.5" not in client.get("/settings").get_data(as_text=True)


def test_export_command_writes_every_click_with_its_kind(app, client, runner, api_key, acme,
                                                          no_lag):
    events = story() + [{"tracking_id": "ghost", "clicked_at": at(30), "ip_address": "91.64.1.1",
                         "user_agent": "=HYPERLINK(1)<script>alert(1)</script>"}]
    assert post_batch(client, api_key, events).status_code == 200
    lines = runner.invoke(args=["export", "--format", "jsonl"]).output.splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["kind"] for record in records] == ["preview", "scanner", "person", "person"]
    assert records[0]["clicked_at"].endswith("Z") and records[0]["application"] == (
        "Acme Corp - Backend Engineer")
    ghost = records[2]
    assert ghost["tracking_id"] == "ghost" and ghost["application"] is None
    assert (ghost["network"], ghost["country"]) == ("Vodafone GmbH", "DE")
    assert ghost["user_agent"] == "=HYPERLINK(1)<script>alert(1)</script>"  # JSON: as stored
    assert set(records[0]) == {
        "clicked_at", "tracking_id", "click_source", "ip_address", "user_agent",
        "referrer_url", "application", "kind", "reason", "network", "country"}
    since = records[1]["clicked_at"]
    table = runner.invoke(args=["export", "--since", since, "--until", records[3]["clicked_at"]])
    rows = list(csv.DictReader(io.StringIO(table.output)))
    assert [row["tracking_id"] for row in rows] == ["acme-li", "ghost"]
    assert rows[1]["user_agent"] == "'=HYPERLINK(1)<script>alert(1)</script>"  # CSV: text
    assert runner.invoke(args=["export", "--since", "yesterday"]).exit_code != 0


def test_reclassify_restores_kinds_and_rollups_after_a_rules_change(
        app, client, runner, api_key, acme, no_lag):
    assert post_batch(client, api_key, story(minutes_ago=60 * 24 * 3)).status_code == 200
    with app.app_context():
        settle_module.settle_and_fold(get_db())
        with get_db().write_transaction() as connection:  # as older rules had it
            connection.execute(update(LinkClick).values(kind="bot", reason="old rules"))
    result = runner.invoke(args=["reclassify", "--since", "2000-01-01"])
    assert result.exit_code == 0 and "3 clicks changed" in result.output, result.output
    assert [kind for kind, _reason, _version in kinds(app)] == ["preview", "scanner", "person"]
    with app.app_context(), get_db().read() as connection:
        assert connection.scalar(select(LinkClick.reason).where(LinkClick.kind == "bot")) is None
