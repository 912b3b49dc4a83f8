"""Browser and OS names for the click list; cached because senders repeat a few agents."""

from functools import lru_cache

from ua_parser import parse


@lru_cache(maxsize=4096)
def describe(user_agent: str | None) -> tuple[str, str]:
    """(browser, operating system), "Unknown" where the agent does not say."""
    if not user_agent:
        return "Unknown", "Unknown"
    result = parse(user_agent)
    browser = result.user_agent.family if result.user_agent else "Unknown"
    system = result.os.family if result.os else "Unknown"
    if result.os and result.os.major and system not in ("Mac OS X", "iOS"):
        system = f"{system} {result.os.major}"
    return browser, system
