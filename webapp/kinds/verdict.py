"""One final kind and reason per click, from the agent's verdict, the request details, the
timeline rules and the network, in a fixed order of strength."""

from collections.abc import Collection, Iterable, Mapping

from webapp.kinds.agents import NO_AGENT
from webapp.kinds.kinds import PERSON, SCANNER, YOU, Verdict
from webapp.kinds.networks import same_company
from webapp.kinds.timeline import (
    Click,
    bursts,
    double_taps,
    fan_in,
    fan_out,
    follow_ups,
    periodic,
    security_networks,
)

# Strongest first: a rule earlier in the list wins over the ones after it.
_TIMELINE_RULES = (bursts, periodic, fan_out, fan_in, follow_ups, security_networks)


def classify(clicks: Iterable[Click], your_devices: Collection[tuple[str | None, str | None]] = (),
             companies: Mapping[int, str] | None = None) -> dict[int, Verdict]:
    """Verdict per click id. Pass every click that can bear on the ones to settle (every
    click within timeline.REACH of them, and their addresses' clicks on the same links over
    the last hour or so); your_devices holds (ip, user_agent) pairs marked as you; companies
    maps application ids to the company applied to."""
    clicks = list(clicks)
    timeline = [rule(clicks) for rule in _TIMELINE_RULES]
    taps = double_taps(clicks)
    devices = set(your_devices)
    return {click.id: _one(click, devices, timeline, taps, companies or {}) for click in clicks}


def _one(click: Click, devices: set, timeline: list[dict[int, Verdict]],
         taps: dict[int, Verdict], companies: Mapping[int, str]) -> Verdict:
    if (click.ip, click.user_agent) in devices:
        return Verdict(YOU, "marked as you")
    if click.agent.kind is not None and click.agent.reason != NO_AGENT:
        return Verdict(click.agent.kind, click.agent.reason)
    if (click.method or "").upper() == "HEAD":
        return Verdict(SCANNER, "HEAD request: a link check, not a page view")
    for found in timeline:
        if click.id in found:
            return found[click.id]
    if click.agent.kind is not None:
        # No agent at all: a gateway's scan when the timeline shows one (Safe Links sends
        # none at times: edalzell/laravel-passwordless-login#79), a bot otherwise.
        return Verdict(click.agent.kind, click.agent.reason)
    if click.accept_language is False:
        missing = "Accept-Language or Sec-Fetch-Mode headers" if click.sec_fetch_mode is False \
            else "Accept-Language header"
        return Verdict(SCANNER, f"no {missing}, which browsers send: an automated check")
    reason = taps[click.id].reason if click.id in taps else click.agent.reason
    company = companies.get(click.application_id) if click.application_id is not None else None
    if click.network and company and same_company(click.network, company):
        reason = f"{reason}, from {company}'s own network"
    return Verdict(PERSON, reason)
