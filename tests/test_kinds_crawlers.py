"""Crawler-Detect's patterns matched with RE2: its answer, at a cost bounded per agent."""

import time

import pytest
from crawlerdetect import CrawlerDetect
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.kinds.crawlers import crawler_match


def is_crawler(agent: str) -> bool:
    return crawler_match(agent) is not None

AGENTS = [
    "Googlebot/2.1 (+http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "YandexSearch/1.0",  # the one pattern with a look-ahead: Yandex(?!Search)
    "Yandex/1.01.001 (compatible; Win16; I)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "HeadlessChrome/120.0.0.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 Test Agent",
    "   ",
    "x-" * 245 + "1",
]


@pytest.mark.parametrize("agent", AGENTS)
def test_the_verdict_is_crawlerdetects(agent):
    assert is_crawler(agent) is CrawlerDetect().is_crawler(agent)


def test_no_agent_is_no_crawler():
    assert not is_crawler("") and not is_crawler("   ")


@pytest.mark.parametrize("shape", [
    lambda n: ("x-" * 245 + str(n))[:500],  # the reproduction: 30 ms each with `re`
    lambda n: ("Java " * 100 + str(n))[:500],
    lambda n: ("a" * 499 + str(n % 10)),
    lambda n: ("1_" * 250)[: 500 - len(str(n))] + str(n),
])
def test_a_thousand_distinct_long_agents_cost_well_under_a_second(shape):
    agents = [shape(n) for n in range(1000)]
    started = time.perf_counter()
    for agent in agents:
        crawler_match(agent)
    assert time.perf_counter() - started < 0.5


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.sampled_from(["Mozilla/5.0", "(compatible;", "bot", "Bot", "crawl", "Yandex",
                                 "Search", "Chrome/120.0", "Safari/537.36", "spider", "x-", " ",
                                 "Google", "+http://", "fetch", "1.2"]), max_size=12)
       .map("".join))
def test_the_verdict_agrees_on_agents_made_of_telling_pieces(agent):
    assert is_crawler(agent) is CrawlerDetect().is_crawler(agent)
