"""The cheap first pass: an agent shaped exactly like a mainstream browser's, with no bot word
anywhere, is a browser; only the rest pays for the catalogues (every browser build is a new
string, so most unseen agents end here)."""

import re

import ahocorasick_rs

# Words no mainstream browser's agent contains, but most bots' do, often inside the platform
# parentheses that the shape below leaves open ("Mozilla/5.0 (compatible; Googlebot/2.1; ...").
_BOT_WORDS = ahocorasick_rs.AhoCorasick([
    "bot", "crawl", "spider", "slurp", "preview", "proxy", "http", "www.", ".co", "@",
    "compatible", "headless", "scan", "check", "fetch", "monitor", "phantom", "python",
    "java", "curl", "wget", "puppeteer", "playwright", "selenium", "lighthouse", "google",
    "twitter", "datanyze", "neustar", "screenshot", "whatsapp", "telegram", "discord", "skype",
    "slack",
    "outlook", "office", "teams", "barracuda", "mimecast", "proofpoint", "synthetic", "agent",
])

# The platform in parentheses, then one of the three engines' fixed layouts, then only
# tokens real browsers append (Chrome, Safari, Edge, Firefox, Opera, Samsung Internet and
# their iOS shells), then at most one in-app browser's tail (LinkedIn, Instagram, Facebook:
# people reading a post). Every part is bounded, so 500 characters cost one linear scan.
_PLATFORM = r"\((?:Windows NT|Macintosh|X11|Linux|iPhone|iPad|iPod|Android)[^()]{0,200}\)"
_TOKEN = (r"(?:Version|Chrome|Chromium|CriOS|FxiOS|EdgiOS|EdgA|Edg|OPR|OPT|OPiOS|"
          r"SamsungBrowser|YaBrowser|Vivaldi|Mobile|Safari|Firefox|Brave|DuckDuckGo|"
          r"MiuiBrowser|HuaweiBrowser|UCBrowser|GSA)(?:/[\w.]{1,30})?")
_IN_APP = (r"(?: \[LinkedInApp\]/[\d.]{1,20}| Instagram [\d.]{1,30} (?:Android )?\([^()]{0,200}\)"
           r"| \[FB[^\[\]]{0,300}\])?")
_SHAPE = re.compile(
    r"Mozilla/5\.0 " + _PLATFORM + r" (?:"
    r"AppleWebKit/[\d.]{1,20}\+? \(KHTML, like Gecko\)(?: " + _TOKEN + r"){1,8}"
    r"|Gecko/[\d.]{1,20} Firefox/[\d.]{1,20}"
    r")" + _IN_APP
)


def looks_like_browser(agent: str) -> bool:
    """True when the agent has a browser's exact shape and no bot word."""
    if _SHAPE.fullmatch(agent) is None:
        return False
    return not _BOT_WORDS.find_matches_as_indexes(agent.lower())
