"""Crawler detection by user agent (crawlerdetect's maintained patterns), cached per agent:
senders post the same few agents over and over."""

from functools import lru_cache

from crawlerdetect import CrawlerDetect

_detector = CrawlerDetect()


@lru_cache(maxsize=4096)
def is_bot(user_agent: str | None) -> bool:
    if not user_agent:
        return False
    return bool(_detector.isCrawler(user_agent))
