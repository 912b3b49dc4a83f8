"""The maintained catalogues, asked only about agents the first pass could not settle:
Matomo's Device Detector (bot names with categories) and Crawler-Detect (a broader net of
crawler, script and tool patterns, without categories)."""

from webapp.kinds.crawlers import crawler_match
from webapp.kinds.kinds import BOT, PREVIEW, SCANNER

# Matomo's bot categories (regexes/bots.yml), in the words a job seeker reads.
_CATEGORIES = {
    "Social Media Agent": (PREVIEW, "social media link preview"),
    "Security Checker": (SCANNER, "security scanner"),
    "Security search bot": (SCANNER, "security scanner"),
    "Search bot": (BOT, "search engine crawler"),
    "Crawler": (BOT, "crawler"),
    "Site Monitor": (BOT, "uptime monitor"),
    "Network Monitor": (BOT, "network monitor"),
    "Feed Fetcher": (BOT, "feed reader"),
    "Feed Reader": (BOT, "feed reader"),
    "Feed Parser": (BOT, "feed reader"),
    "AI Assistant": (BOT, "AI assistant fetching for its user"),
    "AI Agent": (BOT, "AI agent"),
    "AI Data Scraper": (BOT, "AI training crawler"),
    "AI Search Crawler": (BOT, "AI search crawler"),
    "Validator": (BOT, "validator"),
    "Benchmark": (BOT, "load test"),
    "Read-it-later Service": (BOT, "read-it-later service"),
    "Service Agent": (BOT, "automated service"),
    "Service bot": (BOT, "automated service"),
}
# Matomo files these previews and mail proxies under "Crawler" or "Service Agent".
_PREVIEW_NAMES = {
    "Gmail Image Proxy", "Yahoo! Mail Proxy", "Seznam Email Proxy", "RamblerMail Image Proxy",
    "UkrNet Mail Proxy", "Snapchat Proxy", "Chrome Privacy Preserving Prefetch Proxy",
    "Microsoft Preview", "Skype URI Preview", "Discord Bot", "Steam Chat URL Lookup",
}

def crawler_verdict(agent: str) -> tuple[str, str] | None:
    """(kind, reason) from Crawler-Detect alone: cheap (RE2, linear in the agent's length)
    and small, so the ingest door asks it without loading Matomo's catalogue."""
    name = crawler_match(agent)
    return (BOT, f"automated client ({name})") if name else None


def catalogue_verdict(agent: str) -> tuple[str, str] | None:
    """(kind, reason) from both catalogues, else None (neither knows the agent as a bot).
    Matomo's catalogue (~16 MB) is imported on first use: the settler's worker needs it,
    the ingest door does not."""
    from device_detector.parser import Bot

    bot = Bot(agent, None).parse()
    if bot.is_bot():
        name = bot.ua_data.get("name") or "unnamed"
        if name in _PREVIEW_NAMES:
            return PREVIEW, f"link preview ({name})"
        kind, words = _CATEGORIES.get(bot.ua_data.get("category") or "", (BOT, "bot"))
        return kind, f"{words} ({name})"
    return crawler_verdict(agent)
