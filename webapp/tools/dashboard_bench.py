"""`tracking-ingest bench-dashboard`: how fast the dashboard page and each region answer a
signed-in person, timed over real HTTP against a running server."""

import http.cookiejar
import re
import statistics
import time
import urllib.parse
import urllib.request

import click

from webapp.tools.bench import percentile

# /partials/changes carries the cards' own counts (any will do for timing).
CHANGES = "/partials/changes?clicks=1&visitors=1&applications=1&unmatched=1"
REGIONS = ("/", "/partials/cards", CHANGES, "/partials/per-day", "/partials/by-source",
           "/partials/by-application", "/partials/clicks", "/applications")
RANGES = ("", "range=24h", "range=90d", "range=all")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in(base_url: str, email: str, password: str) -> urllib.request.OpenerDirector:
    """An opener holding a signed-in session, got through the real login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    page = opener.open(f"{base_url}/login").read().decode()
    token = _TOKEN.search(page)
    if token is None:
        raise click.ClickException("The login page carries no CSRF token.")
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf_token": token.group(1)}
    )
    try:
        opener.open(f"{base_url}/login", data=form.encode())
    except urllib.error.HTTPError as answer:
        if answer.code != 302 or "/login" in answer.headers.get("Location", ""):
            raise click.ClickException("Login failed: check the email and password.") from None
    else:
        raise click.ClickException("Login failed: check the email and password.")
    return opener


def time_url(opener, url: str, runs: int) -> list[float]:
    """Milliseconds per request, after one untimed warm-up."""
    opener.open(url).read()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with opener.open(url) as response:
            response.read()
            if response.status != 200:
                raise click.ClickException(f"{url} answered {response.status}")
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def run(url: str, email: str, password: str, runs: int, echo) -> None:
    """Time the dashboard page and each region (default filters, 90 days, all time)."""
    base = url.rstrip("/")
    opener = sign_in(base, email, password)
    echo(f"{'URL':<44} {'median ms':>10} {'p95 ms':>8}")
    worst = 0.0
    for query in RANGES:
        for path in REGIONS:
            target = f"{path}{'&' if '?' in path else '?'}{query}" if query else path
            if path == CHANGES and query == "range=all":
                continue  # all time has no previous period
            timings = time_url(opener, base + target, runs)
            median = statistics.median(timings)
            worst = max(worst, median)
            echo(f"{target:<44} {median:>10.1f} {percentile(timings, 95):>8.1f}")
    echo(f"Slowest median: {worst:.1f} ms over {runs} runs each.")
