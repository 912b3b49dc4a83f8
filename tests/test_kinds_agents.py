"""The user-agent verdict: curated previewers first, catalogues next, a cheap first pass for
plain browsers, and bounded cost on hostile strings."""

import csv
import time
from pathlib import Path

import pytest
import yaml_rs

from webapp.kinds import BOT, PREVIEW, SCANNER, agent_verdict
from webapp.kinds.browsers import looks_like_browser

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0.0.0 Safari/537.36")


@pytest.mark.parametrize("agent, kind, reason", [
    ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
     PREVIEW, "LinkedIn link preview (LinkedInBot)"),
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", PREVIEW,
     "Slack link preview (Slackbot)"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) "
     "Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0", PREVIEW,
     "iMessage link preview (Apple)"),
    ("Microsoft Office Existence Discovery", PREVIEW,
     "Microsoft Office looked the link up before opening it"),
    ("Mozilla/5.0 (compatible; Barracuda Sentinel (EE))", SCANNER, "Barracuda mail security check"),
    ("python-requests/2.31.0", BOT, "script or HTTP library (python-requests)"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
     "HeadlessChrome/120.0.0.0 Safari/537.36", BOT,
     "headless (automated) browser (HeadlessChrome)"),
    ("Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; "
     "+https://openai.com/gptbot)", BOT, "AI training crawler (GPTBot)"),
    ("Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)", SCANNER,
     "security scanner (CensysInspect)"),
    ("", BOT, "no user agent"),
    (None, BOT, "no user agent"),
    (CHROME, None, "browser"),
])
def test_verdict_and_reason(agent, kind, reason):
    assert agent_verdict(agent) == (kind, reason)


def test_agents_past_the_contract_limit_are_judged_on_their_first_500_characters():
    long = CHROME + " " + "x" * 600
    assert agent_verdict(long) == agent_verdict(long[:500])


FIXTURES = Path(__import__("device_detector").__file__).parent / "tests" / "fixtures" / "upstream"


def test_no_bot_of_matomos_catalogue_passes_the_first_pass():
    bots = yaml_rs.loads((FIXTURES / "bots.yml").read_text())
    assert len(bots) > 1000
    assert [b["user_agent"] for b in bots if looks_like_browser(b["user_agent"])] == []


def test_no_bot_of_the_labelled_set_passes_the_first_pass():
    rows = (Path(__file__).parent / "data" / "kinds" / "agents.csv").read_text().splitlines()
    leaked = [r["user_agent"] for r in csv.DictReader(rows)
              if r["kind"] != "person" and looks_like_browser(r["user_agent"])]
    assert leaked == []


@pytest.mark.parametrize("agent", [
    CHROME,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
    CHROME + " Edg/124.0.0.0",
])
def test_mainstream_browsers_are_settled_by_the_first_pass(agent):
    assert looks_like_browser(agent)


@pytest.mark.parametrize("agent", [
    "x-" * 245 + "1",
    "Mozilla/5.0 (" * 38,
    "Mozilla/5.0 (Windows NT 10.0" + ";" * 480,
    "Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko)" + " Chrome/1" * 49,
    "a" * 500,
    "(" * 250 + ")" * 250,
])
def test_hostile_agents_cost_little(agent):
    agent_verdict("Mozilla/5.0 (compatible; Googlebot/2.1)")  # loads the catalogues
    agent_verdict.cache_clear()
    start = time.perf_counter()
    agent_verdict(agent)
    assert time.perf_counter() - start < 0.05
