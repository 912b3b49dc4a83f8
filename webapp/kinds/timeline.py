"""Rules over a group of clicks that no single click shows: a mail gateway opening every link
of an e-mail within seconds, a script's burst, a monitor's fixed period, a preview's own
follow-up fetch, a person's double tap. Each rule returns the clicks it judges, with a reason;
verdict.py decides which rule wins."""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from webapp.kinds.agents import NO_AGENT
from webapp.kinds.kinds import BOT, PERSON, PREVIEW, SCANNER, AgentVerdict, Verdict
from webapp.kinds.networks import SECURITY

# Mail gateways open all links of a message within a second or two (Microsoft Defender Safe
# Links: edalzell/laravel-passwordless-login#79; onetimesecret/onetimesecret#359 "two link
# reads in quick succession"); a person needs longer than this between two different links.
SCAN_WINDOW = timedelta(seconds=2)
# Clicks on one link from one address: this many within BURST_WINDOW is a script, fewer is a
# person tapping twice or reloading.
BURST_CLICKS = 5
BURST_WINDOW = timedelta(seconds=2)
DOUBLE_TAP = timedelta(seconds=5)
# A monitor repeats at a fixed period: this many clicks, gaps of at least PERIOD_MIN, equal
# within PERIOD_TOLERANCE (or 2 % of the period).
PERIOD_CLICKS = 4
PERIOD_MIN = timedelta(seconds=10)
PERIOD_TOLERANCE = timedelta(seconds=2)
# A previewer or scanner often fetches again with a browser's agent right after its own.
FOLLOW_UP = timedelta(seconds=10)
# How far from a click the rules look (the longest above is FOLLOW_UP; a scan or burst window
# needs the click before it too), but for periodic(): a monitor's clicks on one link from one
# address count over any span, so the settler passes those from the whole hour around.
REACH = timedelta(minutes=1)


@dataclass(frozen=True)
class Click:
    """One click as the rules see it; None in a request detail means the sender did not say."""

    id: int
    tracking_id: str
    application_id: int | None
    clicked_at: datetime
    ip: str | None
    user_agent: str | None
    agent: AgentVerdict
    network: str | None = None
    network_role: str | None = None  # networks.SECURITY, networks.CLOUD or None
    method: str | None = None
    accept_language: bool | None = None
    sec_fetch_mode: bool | None = None


def _grouped(clicks: Iterable[Click], key: Callable[[Click], Hashable]) -> list[list[Click]]:
    """Clicks sorted by time within groups of equal key; a None key joins no group."""
    groups = defaultdict(list)
    for click in clicks:
        if (value := key(click)) is not None:
            groups[value].append(click)
    return [sorted(group, key=lambda c: (c.clicked_at, c.id)) for group in groups.values()]


def _seconds(delta: timedelta) -> str:
    return f"{max(1, round(delta.total_seconds()))} s"


def fan_out(clicks: list[Click]) -> dict[int, Verdict]:
    """One address, or one cloud or security network, opening several different links within
    SCAN_WINDOW: a mail gateway or link scanner checking a message."""
    found: dict[int, Verdict] = {}
    by_address = _grouped(clicks, lambda c: c.ip)
    by_network = _grouped(clicks, lambda c: c.network if c.network_role else None)
    for groups, who in ((by_address, None), (by_network, "network")):
        for group in groups:
            for window in _windows(group, SCAN_WINDOW):
                links = {c.tracking_id for c in window}
                if len(links) < 2:
                    continue
                source = f"{window[0].network} network" if who else "One address"
                reason = (f"{source} opened {len(links)} links{_of_applications(window)} "
                          f"within {_seconds(window[-1].clicked_at - window[0].clicked_at)}: "
                          "mail security scan")
                for click in window:
                    found.setdefault(click.id, Verdict(SCANNER, reason))
    return found


def _of_applications(window: list[Click]) -> str:
    applications = {c.application_id for c in window if c.application_id is not None}
    if not applications:
        return ""
    if len(applications) == 1:
        return " of one application"
    return f" of {len(applications)} applications"


def _windows(group: list[Click], span: timedelta) -> Iterable[list[Click]]:
    """Each maximal run of the time-sorted group that fits within span."""
    end = 0
    for start in range(len(group)):
        if end < start + 1:
            end = start + 1
        reached = end
        while end < len(group) and group[end].clicked_at - group[start].clicked_at <= span:
            end += 1
        if end > reached or start == 0:
            yield group[start:end]


def fan_in(clicks: list[Click]) -> dict[int, Verdict]:
    """One link opened by browser-looking (or blank) agents from several addresses within
    SCAN_WINDOW: a gateway's check from its pool of addresses (onetimesecret#359)."""
    found: dict[int, Verdict] = {}
    browsers = [c for c in clicks
                if c.ip and (c.agent.kind is None or c.agent.reason == NO_AGENT)]
    for group in _grouped(browsers, lambda c: c.tracking_id):
        for window in _windows(group, SCAN_WINDOW):
            addresses = {c.ip for c in window}
            if len(addresses) >= 2:
                span = _seconds(window[-1].clicked_at - window[0].clicked_at)
                reason = (f"opened from {len(addresses)} addresses within {span}: "
                          "mail security scan")
                for click in window:
                    found.setdefault(click.id, Verdict(SCANNER, reason))
    return found


def security_networks(clicks: list[Click]) -> dict[int, Verdict]:
    """A browser-looking click from a mail gateway's own network is that gateway's check."""
    return {c.id: Verdict(SCANNER, f"from {c.network}'s network: mail security check")
            for c in clicks if c.network_role == SECURITY}


def bursts(clicks: list[Click]) -> dict[int, Verdict]:
    """BURST_CLICKS or more requests on one link from one address within BURST_WINDOW."""
    found: dict[int, Verdict] = {}
    for group in _grouped(clicks, lambda c: (c.ip, c.tracking_id) if c.ip else None):
        for window in _windows(group, BURST_WINDOW):
            if len(window) >= BURST_CLICKS:
                span = window[-1].clicked_at - window[0].clicked_at
                reason = f"{len(window)} requests in {_seconds(span)} from one address"
                for click in window:
                    found.setdefault(click.id, Verdict(BOT, reason))
    return found


def periodic(clicks: list[Click]) -> dict[int, Verdict]:
    """PERIOD_CLICKS or more clicks on one link from one address at a fixed period: a monitor."""
    found: dict[int, Verdict] = {}
    for group in _grouped(clicks, lambda c: (c.ip, c.tracking_id) if c.ip else None):
        start = 0
        while start + PERIOD_CLICKS <= len(group):
            period = group[start + 1].clicked_at - group[start].clicked_at
            tolerance = max(PERIOD_TOLERANCE, period * 0.02)
            end = start + 1
            while (end + 1 < len(group) and period >= PERIOD_MIN
                   and abs(group[end + 1].clicked_at - group[end].clicked_at - period)
                   <= tolerance):
                end += 1
            if end - start + 1 >= PERIOD_CLICKS:
                reason = f"repeats every {_seconds(period)} from one address: a monitor"
                for click in group[start:end + 1]:
                    found.setdefault(click.id, Verdict(BOT, reason))
                start = end
            else:
                start += 1
    return found


def follow_ups(clicks: list[Click]) -> dict[int, Verdict]:
    """A browser-looking fetch of the same link right after a preview or scan from the same
    cloud network belongs to that preview or scan. Not so on a home or office network: Office
    and iMessage preview from the reader's own device, whose browser then opens the link
    (webmasters.stackexchange.com/questions/71112)."""
    found: dict[int, Verdict] = {}
    automated = [c for c in clicks if c.agent.kind in (PREVIEW, SCANNER)]
    for click in clicks:
        if click.agent.kind is not None:
            continue
        for before in automated:
            gap = click.clicked_at - before.clicked_at
            same_cloud = click.network_role is not None and click.network == before.network
            if (before.tracking_id == click.tracking_id and same_cloud
                    and timedelta(0) <= gap <= FOLLOW_UP):
                found[click.id] = Verdict(
                    before.agent.kind, f"fetched again right after: {before.agent.reason}")
                break
    return found


def double_taps(clicks: list[Click]) -> dict[int, Verdict]:
    """A second click on one link from one address within seconds is the same person."""
    found: dict[int, Verdict] = {}
    for group in _grouped(clicks, lambda c: (c.ip, c.tracking_id) if c.ip else None):
        for first, second in zip(group, group[1:]):
            gap = second.clicked_at - first.clicked_at
            if gap <= DOUBLE_TAP:
                found[second.id] = Verdict(PERSON, f"clicked again within {_seconds(gap)}")
    return found
