"""`tracking-ingest demo-data`: a realistic job search in seconds, to try the dashboard and
to measure it at scale (a million clicks load in well under a minute)."""

import random
import secrets
import time
from datetime import date, datetime, timedelta
from itertools import chain

from sqlalchemy import insert

from webapp.kinds import PERSON, agent_verdict
from webapp.models import Application, Job, LinkClick, TrackingLink
from webapp.stats.settle import reclassify
from webapp.timeutil import utcnow

CHUNK = 20_000
LOAD_CACHE_KIB = 256 * 1024
# A checkpoint every 200,000 clicks keeps the WAL to a few hundred MB during a load.
CHUNKS_PER_CHECKPOINT = 10

COMPANIES = (
    "Acme Robotics", "Northwind Analytics", "Globex", "Initech", "Umbrella Health",
    "Stark Mobility", "Wayne Logistics", "Hooli", "Pied Piper", "Soylent Foods",
    "Cyberdyne Systems", "Vandelay Industries", "Wonka Labs", "Tyrell Biotech", "Aperture Science",
    "Massive Dynamic", "Blue Sun", "Oscorp", "Gringotts Fintech", "Monarch Solutions",
    "Nakatomi Trading", "Dunder Mifflin", "Prestige Worldwide", "Sterling Cooper", "Zorg Energy",
    "Veridian Dynamics", "Bluth Company", "Los Pollos Tech", "Gekko & Co", "Rekall Media",
)
TITLES = (
    "Senior Backend Engineer", "Staff Software Engineer", "Platform Engineer",
    "Data Engineer", "Engineering Manager", "Site Reliability Engineer",
    "Full-Stack Developer", "Python Developer", "Solutions Architect", "Tech Lead",
)
STATUSES = ("applied",) * 6 + ("interviewing",) * 3 + ("offer", "rejected", "rejected", "withdrawn")
SOURCES = ("linkedin", "resume", "portfolio", "email", "calendly", "github")

BROWSER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.6 Safari/605.1.15",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/128.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Safari/537.36 Edg/129.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/129.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
)
BOT_AGENTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "curl/8.5.0", "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/129.0.0.0 Safari/537.36",
)
# Link previews fetched when a link is pasted into a message (their vendors' agents).
PREVIEW_AGENTS = (
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
)
# Microsoft Defender Safe Links opens every link of an e-mail from Microsoft's network with a
# browser's agent within a second or two (addresses in Microsoft's 40.107.0.0/16 and
# 104.47.0.0/16, as edalzell/laravel-passwordless-login#79 quotes them).
SCAN_NETWORKS = ("40.107", "104.47")
SCAN_AGENT = BROWSER_AGENTS[0]
REFERRERS = (
    "https://www.linkedin.com/", "https://mail.google.com/", "https://outlook.office.com/",
    "https://www.google.com/", None, None,
)
# Recruiters click in office hours on weekdays (hour of day in US Eastern, roughly UTC-5).
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 1, 2, 4, 9, 14, 16, 15, 12, 13, 15, 14, 11, 8, 5, 4, 3, 2, 1, 1)
WEEKDAY_WEIGHTS = (10, 11, 11, 10, 8, 2, 2)
BOT_SHARE = 0.06
UNMATCHED_SHARE = 0.02
EASTERN_OFFSET = timedelta(hours=5)


def _tracking_id() -> str:
    """Random even under a seed, so demo data can be added twice to one database."""
    return secrets.token_urlsafe(9)


def _make_applications(connection, rng: random.Random, days: int, today: date):
    """Jobs, applications and their links; returns each link's source by tracking id, and
    each job's tracking ids and the moment it was applied for."""
    count = min(len(COMPANIES), max(3, days // 6))
    sources, links_by_job, sent_on = {}, {}, {}
    for company in rng.sample(COMPANIES, count):
        applied_on = today - timedelta(days=rng.randrange(max(1, days)))
        created = datetime.combine(applied_on, datetime.min.time()) + timedelta(hours=9)
        job_id = connection.execute(
            insert(Job).values(
                company=company, title=rng.choice(TITLES), created_at=created,
                posting_url=f"https://jobs.example.com/{rng.randrange(10**6)}",
                location=rng.choice(("Remote", "Berlin", "New York, NY", "London", "Toronto")),
            )
        ).inserted_primary_key[0]
        connection.execute(
            insert(Application).values(
                job_id=job_id, applied_on=applied_on, status=rng.choice(STATUSES),
                created_at=created, updated_at=created,
            )
        )
        sent_on[job_id], links_by_job[job_id] = created, []
        for source in rng.sample(SOURCES[:5], rng.randint(2, 4)):
            tracking_id = _tracking_id()
            sources[tracking_id] = source
            links_by_job[job_id].append(tracking_id)
            connection.execute(
                insert(TrackingLink).values(
                    tracking_id=tracking_id, job_id=job_id, source=source, created_at=created,
                    destination_url=f"https://steve-glen.com/{source}?tid={tracking_id}",
                )
            )
    return sources, links_by_job, sent_on


def _visitors(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """A pool of (ip, user agent) visitors, a few of them bots; a few come back often."""
    pool = []
    for _ in range(count):
        agent = rng.choice(BOT_AGENTS if rng.random() < BOT_SHARE else BROWSER_AGENTS)
        if rng.random() < 0.15:
            ip = f"2001:db8:{rng.randrange(0xffff):x}::{rng.randrange(0xffff):x}"
        else:
            octets = (rng.randint(11, 223), rng.randrange(256), rng.randrange(256),
                      rng.randint(1, 254))
            ip = ".".join(map(str, octets))
        pool.append((ip, agent))
    return pool


def _day_weights(days: int, now: datetime) -> tuple[list, list[float]]:
    """Every day of the period, weighted by weekday and growing towards today."""
    start_day = (now - timedelta(days=days)).date()
    day_list = [start_day + timedelta(days=offset) for offset in range(days + 1)]
    return day_list, [WEEKDAY_WEIGHTS[day.weekday()] * (1 + offset / days)
                      for offset, day in enumerate(day_list)]


def _chunk_days(day_list: list, weights: list[float], chunk: int, chunks: int) -> slice:
    """The days chunk number `chunk` of `chunks` draws from: consecutive chunks take
    consecutive stretches of equal weight, so a load appends to the clicked_at-led indexes
    instead of touching all of them every chunk (a 10M load wrote a WAL twice the database)."""
    total, running, first, last = sum(weights), 0.0, None, len(day_list) - 1
    low, high = total * chunk / chunks, total * (chunk + 1) / chunks
    for index, weight in enumerate(weights):
        if first is None and running + weight > low:
            first = index
        running += weight
        if running >= high:
            last = index
            break
    return slice(first or 0, last + 1)


def _click_times(rng: random.Random, count: int, day_list: list, weights: list[float],
                 now: datetime) -> list[datetime]:
    """Click times over the days following weekday and office-hour patterns, in order."""
    chosen_days = rng.choices(day_list, weights=weights, k=count)
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
    moments = []
    for day, hour in zip(chosen_days, hours):
        moment = (datetime(day.year, day.month, day.day, hour) + EASTERN_OFFSET
                  + timedelta(seconds=rng.random() * 3600))
        moments.append(moment if moment <= now else now - timedelta(seconds=rng.random() * 3600))
    return sorted(moments)


def _row(rng, tracking_id: str, moment: datetime, ip: str, agent: str, source: str) -> dict:
    """A click row as ingest stores it: the agent's verdict, not settled yet."""
    return {
        "tracking_id": tracking_id, "clicked_at": moment,
        "received_at": moment + timedelta(seconds=rng.randint(1, 90)),
        "ip_address": ip, "user_agent": agent, "click_source": source,
        "referrer_url": rng.choice(REFERRERS), "session_id": f"s{rng.getrandbits(48):x}",
        "metadata": None, "event_id": None, "dedup_key": None,
        "kind": agent_verdict(agent).kind or PERSON, "reason": agent_verdict(agent).reason,
        "api_key_id": None,
    }


def _sendings(rng, now, links_by_job: dict[int, list[str]], sources_by_id, sent_on):
    """When a job seeker sends an application's links: a chat app's preview of one link right
    away, and a mail gateway opening all of them within two seconds a little later."""
    rows = []
    for job, tracking_ids in links_by_job.items():
        for _ in range(rng.randint(1, 3)):
            sent = sent_on[job] + timedelta(minutes=rng.randrange(60 * 24 * 5))
            if sent + timedelta(minutes=2) > now:
                continue
            first = rng.choice(tracking_ids)
            rows.append(_row(rng, first, sent + timedelta(seconds=rng.uniform(0.5, 3)),
                             f"108.174.{rng.randrange(256)}.{rng.randint(1, 254)}",
                             rng.choice(PREVIEW_AGENTS), sources_by_id[first]))
            network = rng.choice(SCAN_NETWORKS)
            scanned = sent + timedelta(seconds=rng.randint(20, 90))
            for tracking_id in tracking_ids:
                ip = f"{network}.{rng.randrange(256)}.{rng.randint(1, 254)}"
                rows.append(_row(rng, tracking_id, scanned + timedelta(seconds=rng.uniform(0, 1.5)),
                                 ip, SCAN_AGENT, sources_by_id[tracking_id]))
    return rows


def _click_rows(rng, count, days, now, sources_by_id):
    """Yield click rows in chunks, so memory stays flat for any count."""
    tracking_ids = list(sources_by_id)
    unknown_ids = [f"unknown-{_tracking_id()}" for _ in range(6)]
    link_weights = [rng.paretovariate(1.2) for _ in tracking_ids]
    visitors = _visitors(rng, max(20, count // 6))
    visitor_weights = [rng.paretovariate(1.5) for _ in visitors]
    day_list, weights = _day_weights(days, now)
    chunks = -(-count // CHUNK)
    for number, first in enumerate(range(0, count, CHUNK)):
        size = min(CHUNK, count - first)
        days_of_chunk = _chunk_days(day_list, weights, number, chunks)
        times = _click_times(rng, size, day_list[days_of_chunk], weights[days_of_chunk], now)
        links = rng.choices(tracking_ids, weights=link_weights, k=size)
        people = rng.choices(visitors, weights=visitor_weights, k=size)
        rows = []
        for moment, tracking_id, (ip, agent) in zip(times, links, people):
            if rng.random() < UNMATCHED_SHARE:
                tracking_id = rng.choice(unknown_ids)
            rows.append(_row(rng, tracking_id, moment, ip, agent,
                             sources_by_id.get(tracking_id, rng.choice(SOURCES))))
        yield rows


def fill(database, clicks: int, days: int, seed: int | None) -> float:
    """Insert demo applications, links and clicks, then settle their kinds with the real
    classifier; returns the seconds settling and folding into the dashboard's rollups took
    (paid here, not by the first dashboard read)."""
    rng = random.Random(seed)
    now = utcnow()
    with database.write_transaction() as connection:
        sources, links_by_job, sent_on = _make_applications(connection, rng, days, now.date())
    # Previews and scans are a small part of the clicks, as in a real job search.
    sent = _sendings(rng, now, links_by_job, sources, sent_on)[: clicks // 10]
    chunks = _click_rows(rng, clicks - len(sent), days, now, sources)
    for number, rows in enumerate(chain([sent] if sent else [], chunks), start=1):
        with database.write_transaction() as connection:
            if database.is_sqlite:
                # Room for the indexes' hot pages: random inserts would thrash a 2 MB cache.
                connection.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
            connection.execute(insert(LinkClick.__table__), rows)
        if number % CHUNKS_PER_CHECKPOINT == 0:
            database.checkpoint_wal()
    started = time.perf_counter()
    reclassify(database)
    database.checkpoint_wal()
    settled = time.perf_counter() - started
    with database.write_transaction() as connection:
        # Fresh statistics after a bulk load, so the query planner knows the new shape.
        connection.exec_driver_sql("ANALYZE")
    return settled
