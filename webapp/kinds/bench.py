"""Per-agent cost of the verdict on unseen agents, and realistic_agents() for the ingest
benchmark's "every event a new agent" scenario: python -m webapp.kinds.bench"""

import random
import time
from collections.abc import Callable, Iterator

_PLATFORMS = [
    "Windows NT 10.0; Win64; x64", "Macintosh; Intel Mac OS X 10_15_7", "X11; Linux x86_64",
    "Linux; Android 14; Pixel 8", "Linux; Android 13; SM-S911B", "Linux; Android 10; K",
]


def realistic_agents(count: int, seed: int = 1) -> Iterator[str]:
    """count distinct agents shaped like today's Chrome, Edge, Firefox, Safari and Samsung
    Internet builds (each build number a new string, as in real traffic)."""
    rnd = random.Random(seed)
    for number in range(count):
        major, build = rnd.randint(110, 140), f"{rnd.randint(1000, 9999)}.{number}"
        platform = rnd.choice(_PLATFORMS)
        mobile = "Mobile " if "Android" in platform else ""
        webkit = f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko)"
        yield rnd.choice([
            f"{webkit} Chrome/{major}.0.{build} {mobile}Safari/537.36",
            f"{webkit} Chrome/{major}.0.{build} {mobile}Safari/537.36 Edg/{major}.0.{build}",
            f"{webkit} SamsungBrowser/{major - 96}.{number % 10} Chrome/{major}.0.{build} "
            f"{mobile}Safari/537.36",
            f"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:{major}.{number}) Gecko/20100101 "
            f"Firefox/{major}.{number}",
            f"Mozilla/5.0 (iPhone; CPU iPhone OS 17_{number % 7} like Mac OS X) AppleWebKit/"
            f"605.1.15 (KHTML, like Gecko) Version/17.{number % 7}.{number} Mobile/15E148 "
            f"Safari/604.1",
        ])


def per_call_ms(function: Callable, items: list) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    return (time.perf_counter() - start) / len(items) * 1000


def main() -> None:
    from crawlerdetect import CrawlerDetect

    from webapp.kinds import agent_verdict, network_of
    from webapp.kinds.browsers import looks_like_browser

    start = time.perf_counter()
    agent_verdict("Mozilla/5.0 (compatible; Googlebot/2.1)")
    print(f"first catalogue use (loads Matomo's lists): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    start = time.perf_counter()
    network_of("8.8.8.8")
    print(f"first network lookup (loads the AS data): "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    agents = list(realistic_agents(20000))
    print(f"first pass, unseen realistic agent: {per_call_ms(looks_like_browser, agents):.4f} ms")
    print(f"agent_verdict, unseen realistic agent: {per_call_ms(agent_verdict, agents):.4f} ms")
    print(f"agent_verdict, cached agent: {per_call_ms(agent_verdict, agents):.4f} ms")
    detector = CrawlerDetect()
    print(f"crawlerdetect alone (today's ingest), unseen agent: "
          f"{per_call_ms(detector.isCrawler, agents[:3000]):.4f} ms")
    hostile = ["x-" * 245 + "1", "Mozilla/5.0 (" * 38, "a" * 500, "(" * 250 + ")" * 250]
    agent_verdict.cache_clear()
    print(f"agent_verdict, hostile 500-char agents: {per_call_ms(agent_verdict, hostile):.4f} ms")
    addresses = [f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}."
                 f"{random.randint(1, 254)}" for _ in range(20000)]
    print(f"network_of, unseen address: {per_call_ms(network_of, addresses):.4f} ms")


if __name__ == "__main__":
    main()
