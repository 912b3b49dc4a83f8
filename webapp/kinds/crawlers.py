"""Crawler-Detect's catalogue of crawler, script and tool patterns, matched safely.

It uses crawlerdetect's maintained patterns, matched the way its
`CrawlerDetect.is_crawler` does (strip, remove the exclusions, search the crawler list),
but with RE2, whose matching time is linear in the agent's length: Python's backtracking
`re` spends ~30 ms on one 500-character agent such as "x-" * 245 (the generic
`[a-z0-9\\-_]*(bot|crawl|...)` pattern retries from every position), so 1,000 distinct ones
held a batch, and every other sender behind it, for seconds. RE2 has no look-around: the
few patterns that use it are literal-led and stay with `re`, where they cost microseconds."""

import re

import re2
from crawlerdetect.providers.crawlers import data as CRAWLER_PATTERNS
from crawlerdetect.providers.exclusions import data as EXCLUSION_PATTERNS

# Every agent the door stores is at most 500 characters (the contract's limit); the bound
# is repeated here so that no caller can make one verdict cost more than that.
MAX_ANALYSED_CHARACTERS = 500
_LOOK_AROUND = re.compile(r"\(\?<?[=!]")


def _re2_options() -> "re2.Options":
    options = re2.Options()
    options.case_sensitive = False
    return options


def _compiled_patterns():
    linear = [pattern for pattern in CRAWLER_PATTERNS if not _LOOK_AROUND.search(pattern)]
    looking_around = [pattern for pattern in CRAWLER_PATTERNS if _LOOK_AROUND.search(pattern)]
    return (
        re2.compile("|".join(EXCLUSION_PATTERNS), _re2_options()),
        re2.compile("|".join(linear), _re2_options()),
        re.compile("|".join(looking_around), re.IGNORECASE) if looking_around else None,
    )


_EXCLUSIONS, _CRAWLERS, _CRAWLERS_LOOKING_AROUND = _compiled_patterns()


def crawler_match(agent: str) -> str | None:
    """The crawler pattern's match in the agent (what names the crawler), or None."""
    agent = _EXCLUSIONS.sub("", agent[:MAX_ANALYSED_CHARACTERS].strip())
    if not agent:
        return None
    found = _CRAWLERS.search(agent) or (
        _CRAWLERS_LOOKING_AROUND.search(agent) if _CRAWLERS_LOOKING_AROUND is not None else None)
    return found.group(0) if found else None
