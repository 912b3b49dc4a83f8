"""A load generator for the ingest API: point it at any deployment and it reports
events per second, latency percentiles and every answer that was not 200."""

import http.client
import math
import random
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import orjson

BATCH_PATH = "/api/tracking-ingest/batch"
SOURCES = ("linkedin", "calendly", "portfolio", "resume", "email")
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
)


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile: a value that was measured, never an interpolation."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class BenchResult:
    events: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    @property
    def events_per_second(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def non_200(self) -> int:
        return sum(count for status, count in self.statuses.items() if status != 200)

    def report(self) -> str:
        return (
            f"events: {self.events}  requests: {len(self.latencies_ms)}  "
            f"time: {self.seconds:.2f} s  throughput: {self.events_per_second:,.0f} events/s\n"
            f"latency ms  p50: {self.median_ms:.2f}  p95: {percentile(self.latencies_ms, 95):.2f}  "
            f"p99: {percentile(self.latencies_ms, 99):.2f}  max: {max(self.latencies_ms, default=0):.2f}\n"
            f"non-200 answers: {self.non_200}  statuses: {dict(self.statuses)}"
        )


def make_bodies(total_events: int, batch_size: int, tracking_ids: int, seed: int,
                new_agents: bool = False) -> list[bytes]:
    """Distinct realistic batches, built before the clock starts so the client stays cheap.
    Every event has its own clicked_at, so none is a duplicate of another; with new_agents,
    every event carries a browser build's agent no earlier event had (as real traffic does)."""
    from webapp.kinds.bench import realistic_agents

    rng = random.Random(seed)
    fresh = realistic_agents(total_events, seed) if new_agents else None
    ids = [f"bench-{seed}-{n:04d}" for n in range(tracking_ids)]
    start = datetime.now(UTC) - timedelta(days=1)
    bodies, made = [], 0
    while made < total_events:
        size = min(batch_size, total_events - made)
        events = [
            {
                "tracking_id": rng.choice(ids),
                "clicked_at": (start + timedelta(microseconds=made + n)).isoformat(),
                "ip_address": f"203.0.{rng.randrange(256)}.{rng.randrange(1, 255)}",
                "user_agent": next(fresh) if fresh else rng.choice(AGENTS),
                "click_source": rng.choice(SOURCES),
            }
            for n in range(size)
        ]
        bodies.append(orjson.dumps({"events": events}))
        made += size
    return bodies


def _sender(url, key: str, bodies: list[bytes], result: BenchResult, lock: threading.Lock):
    parts = urlsplit(url)
    connection_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    connection = connection_class(parts.hostname, parts.port, timeout=60)
    headers = {"Content-Type": "application/json", "X-API-Key": key}
    path = parts.path.rstrip("/") + BATCH_PATH
    for body in bodies:
        started = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        with lock:
            result.latencies_ms.append(elapsed)
            result.statuses[response.status] += 1
    connection.close()


def run_benchmark(url: str, key: str, total_events: int, batch_size: int, senders: int,
                  tracking_ids: int = 300, seed: int | None = None,
                  new_agents: bool = False) -> BenchResult:
    """Post total_events in batches from `senders` concurrent keep-alive connections."""
    seed = int(time.time() * 1000) if seed is None else seed
    bodies = make_bodies(total_events, batch_size, tracking_ids, seed, new_agents)
    result = BenchResult(events=total_events, seconds=0.0)
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_sender, args=(url, key, bodies[n::senders], result, lock))
        for n in range(senders)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result
