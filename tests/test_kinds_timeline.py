"""Each timeline rule and the order in which the final verdict applies them."""

from datetime import datetime, timedelta

import pytest

from webapp.kinds import BOT, PERSON, PREVIEW, SCANNER, YOU, AgentVerdict, Click, classify
from webapp.kinds.networks import CLOUD, SECURITY
from webapp.kinds.request import RequestDetails, details_from_metadata
from webapp.kinds.timeline import bursts, double_taps, fan_in, fan_out, follow_ups, periodic

START = datetime(2025, 10, 22, 9, 0)
BROWSER = AgentVerdict(None, "browser")


def click(id, at, link="cv", ip="80.133.5.5", app=1, agent=BROWSER, network="Deutsche Telekom AG",
          role=None, **details):
    return Click(id=id, tracking_id=link, application_id=app,
                 clicked_at=START + timedelta(seconds=at), ip=ip, user_agent=f"agent {ip}",
                 agent=agent, network=network, network_role=role, **details)


def kinds(found):
    return {click_id: verdict.kind for click_id, verdict in found.items()}


def test_fan_out_one_network_several_links_of_one_application():
    clicks = [click(1, 0, "cv", "40.107.1.1", network="Microsoft", role=CLOUD),
              click(2, 0.5, "portfolio", "40.107.1.2", network="Microsoft", role=CLOUD),
              click(3, 1.2, "github", "104.47.1.3", network="Microsoft", role=CLOUD),
              click(4, 1.3, "site", "104.47.1.3", network="Microsoft", role=CLOUD)]
    found = fan_out(clicks)
    assert kinds(found) == {1: SCANNER, 2: SCANNER, 3: SCANNER, 4: SCANNER}
    assert found[1].reason == ("Microsoft network opened 4 links of one application within "
                               "1 s: mail security scan")


@pytest.mark.parametrize("clicks, judged", [
    # one address, two links of two applications within 2 s
    ([click(1, 0, "cv", app=1), click(2, 1.5, "letter", app=2)], {1, 2}),
    # the same two links a minute apart: a person reading
    ([click(1, 0, "cv"), click(2, 60, "letter")], set()),
    # one link twice: a double tap, not a fan-out
    ([click(1, 0, "cv"), click(2, 1, "cv")], set()),
    # two links from two addresses of an ISP (no role): two people, not one network
    ([click(1, 0, "cv", "80.1.1.1"), click(2, 1, "letter", "80.1.1.2")], set()),
])
def test_fan_out_cases(clicks, judged):
    assert set(fan_out(clicks)) == judged


def test_fan_in_one_link_from_several_addresses_within_seconds():
    clicks = [click(1, 0, ip="52.95.1.1"), click(2, 1.2, ip="38.104.1.1"),
              click(3, 900, ip="24.1.1.1")]
    found = fan_in(clicks)
    assert kinds(found) == {1: SCANNER, 2: SCANNER}
    assert found[1].reason == "opened from 2 addresses within 1 s: mail security scan"


def test_fan_in_ignores_previews_next_to_a_person():
    preview = AgentVerdict(PREVIEW, "LinkedIn link preview (LinkedInBot)")
    assert fan_in([click(1, 0, ip="108.174.1.1", agent=preview), click(2, 1, ip="73.1.1.1")]) == {}


@pytest.mark.parametrize("count, seconds, judged", [(30, 1, True), (5, 2, True), (4, 1, False),
                                                     (6, 60, False)])
def test_bursts(count, seconds, judged):
    clicks = [click(i, i * seconds / count) for i in range(count)]
    found = bursts(clicks)
    assert bool(found) is judged
    if judged:
        assert found[0] == (BOT, f"{count} requests in {seconds} s from one address")


@pytest.mark.parametrize("gaps, judged", [
    ([300] * 5, True),
    ([300, 301, 299, 300], True),
    ([60, 60, 60], True),
    ([300, 300], False),  # three clicks: too few to call a period
    ([300, 120, 800, 40], False),  # a person coming back now and then
    ([1, 1, 1, 1], False),  # too fast for a monitor: the burst rule's business
])
def test_periodic(gaps, judged):
    times = [0]
    for gap in gaps:
        times.append(times[-1] + gap)
    found = periodic([click(i, at) for i, at in enumerate(times)])
    assert bool(found) is judged
    if judged:
        assert found[0].reason == f"repeats every {gaps[0]} s from one address: a monitor"


def test_follow_up_within_the_previewers_cloud_network_is_the_preview():
    preview = AgentVerdict(PREVIEW, "Slack link preview (Slackbot)")
    clicks = [click(1, 0, ip="54.236.1.1", agent=preview, network="Amazon (AWS)", role=CLOUD),
              click(2, 3, ip="54.236.1.2", network="Amazon (AWS)", role=CLOUD),
              click(3, 3, ip="73.1.1.1", network="Comcast")]
    assert kinds(follow_ups(clicks)) == {2: PREVIEW}


def test_follow_up_on_a_home_network_is_the_reader_after_their_own_apps_preview():
    office = AgentVerdict(PREVIEW, "Microsoft Office looked the link up before opening it")
    assert follow_ups([click(1, 0, agent=office), click(2, 1)]) == {}


def test_double_tap_is_one_person():
    found = double_taps([click(1, 0), click(2, 1.5), click(3, 90)])
    assert found == {2: (PERSON, "clicked again within 2 s")}


@pytest.mark.parametrize("metadata, details", [
    (None, RequestDetails(None, None, None)),
    ({}, RequestDetails(None, None, None)),
    ({"method": "head"}, RequestDetails("HEAD", None, None)),
    ({"accept_language": "en-GB", "sec_fetch_mode": "navigate"},
     RequestDetails(None, True, True)),
    ({"accept_language": "", "sec_fetch_mode": None}, RequestDetails(None, False, False)),
    ("not an object", RequestDetails(None, None, None)),
])
def test_details_from_metadata(metadata, details):
    assert details_from_metadata(metadata) == details


@pytest.mark.parametrize("one, kind, reason", [
    (click(1, 0), PERSON, "browser"),
    (click(1, 0, method="HEAD"), SCANNER, "HEAD request: a link check, not a page view"),
    (click(1, 0, accept_language=False), SCANNER,
     "no Accept-Language header, which browsers send: an automated check"),
    (click(1, 0, accept_language=False, sec_fetch_mode=False), SCANNER,
     "no Accept-Language or Sec-Fetch-Mode headers, which browsers send: an automated check"),
    (click(1, 0, sec_fetch_mode=False), PERSON, "browser"),  # Safari before 16.4 sends none
    (click(1, 0, ip="148.163.152.1", network="Proofpoint", role=SECURITY), SCANNER,
     "from Proofpoint's network: mail security check"),
    (click(1, 0, ip="13.107.6.152", network="Microsoft", role=CLOUD), PERSON, "browser"),
    (click(1, 0, agent=AgentVerdict(BOT, "no user agent")), BOT, "no user agent"),
])
def test_a_lone_click(one, kind, reason):
    assert classify([one])[1] == (kind, reason)


def test_you_wins_over_everything_and_is_per_device():
    mine = click(1, 0, method="HEAD")
    found = classify([mine, click(2, 30, ip="80.133.5.6")],
                     your_devices={(mine.ip, mine.user_agent)})
    assert found[1] == (YOU, "marked as you")
    assert found[2].kind == PERSON


def test_the_agents_verdict_wins_over_the_timeline():
    preview = AgentVerdict(PREVIEW, "LinkedIn link preview (LinkedInBot)")
    found = classify([click(1, 0, "cv", agent=preview), click(2, 0.5, "letter", agent=preview)])
    assert {v.kind for v in found.values()} == {PREVIEW}


def test_a_blank_agent_inside_a_scan_is_the_scan():
    blank = AgentVerdict(BOT, "no user agent")
    found = classify([click(1, 0, ip="104.47.1.254", agent=blank),
                      click(2, 0.8, ip="104.47.30.126", agent=blank)])
    assert {v.kind for v in found.values()} == {SCANNER}


def test_a_person_on_the_companys_own_network_is_told_so():
    found = classify([click(1, 0, network="ACME-CORP-AS")], companies={1: "Acme Corp"})
    assert found[1] == (PERSON, "browser, from Acme Corp's own network")


def test_the_done_story_of_issue_7():
    linkedin = AgentVerdict(PREVIEW, "LinkedIn link preview (LinkedInBot)")
    clicks = [click(1, 0, "li", "108.174.10.10", agent=linkedin, network="LinkedIn", role=CLOUD),
              click(2, 600, "cv", "20.72.100.79", network="Microsoft", role=CLOUD),
              click(3, 600.4, "portfolio", "40.107.22.35", network="Microsoft", role=CLOUD),
              click(4, 4200, "cv", "80.133.5.5")]
    assert kinds(classify(clicks)) == {1: PREVIEW, 2: SCANNER, 3: SCANNER, 4: PERSON}
