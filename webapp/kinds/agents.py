"""The user agent's verdict, known at ingest: cached per agent, and cheap for the plain
browsers that make most unseen agents."""

from functools import lru_cache

from webapp.kinds.browsers import looks_like_browser
from webapp.kinds.catalogue import catalogue_verdict, crawler_verdict
from webapp.kinds.curated import curated_verdict
from webapp.kinds.kinds import BOT, AgentVerdict

# The ingest contract caps agents at 500 characters; longer input is cut, never scanned whole.
MAX_AGENT = 500
NO_AGENT = "no user agent"


def _verdict(user_agent: str | None, catalogue) -> AgentVerdict:
    agent = (user_agent or "")[:MAX_AGENT].strip()
    if not agent:
        return AgentVerdict(BOT, NO_AGENT)
    if looks_like_browser(agent):
        return AgentVerdict(None, "browser")
    found = curated_verdict(agent) or catalogue(agent)
    if found:
        return AgentVerdict(*found)
    return AgentVerdict(None, "browser or app, not a known bot")


@lru_cache(maxsize=4096)
def agent_verdict(user_agent: str | None) -> AgentVerdict:
    """kind None: a browser or an app no list knows as automated (a person, unless the
    timeline says otherwise). The settler's verdict: both catalogues."""
    return _verdict(user_agent, catalogue_verdict)


@lru_cache(maxsize=4096)
def ingest_verdict(user_agent: str | None) -> AgentVerdict:
    """The provisional verdict the ingest door stores: the same, without Matomo's catalogue
    (about 25 MB in every worker that loads it); the settler's verdict follows within 30 s."""
    return _verdict(user_agent, crawler_verdict)
