"""`tracking-ingest demo-data`: a realistic job search in seconds, to try the dashboard and
to measure it at scale (a million clicks load in well under a minute)."""

import random
import secrets
import time
from datetime import date, datetime, timedelta

from sqlalchemy import insert

from webapp.models import Application, Job, LinkClick, TrackingLink
from webapp.stats.fold import fold
from webapp.timeutil import utcnow

CHUNK = 20_000
LOAD_CACHE_KIB = 256 * 1024
# A checkpoint every 200,000 clicks keeps the WAL near 100 MB during a load.
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
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
)
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


def _make_applications(connection, rng: random.Random, days: int, today: date) -> dict:
    """Jobs, applications and their links; returns each link's source by tracking id."""
    count = min(len(COMPANIES), max(3, days // 6))
    sources = {}
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
        for source in rng.sample(SOURCES[:5], rng.randint(2, 4)):
            tracking_id = _tracking_id()
            sources[tracking_id] = source
            connection.execute(
                insert(TrackingLink).values(
                    tracking_id=tracking_id, job_id=job_id, source=source, created_at=created,
                    destination_url=f"https://steve-glen.com/{source}?tid={tracking_id}",
                )
            )
    return sources


def _visitors(rng: random.Random, count: int) -> list[tuple[str, str, bool]]:
    """A pool of (ip, user agent, is_bot) visitors; a few come back often."""
    pool = []
    for _ in range(count):
        bot = rng.random() < BOT_SHARE
        agent = rng.choice(BOT_AGENTS if bot else BROWSER_AGENTS)
        if rng.random() < 0.15:
            ip = f"2001:db8:{rng.randrange(0xffff):x}::{rng.randrange(0xffff):x}"
        else:
            octets = (rng.randint(11, 223), rng.randrange(256), rng.randrange(256),
                      rng.randint(1, 254))
            ip = ".".join(map(str, octets))
        pool.append((ip, agent, bot))
    return pool


def _click_times(rng: random.Random, count: int, days: int, now: datetime) -> list[datetime]:
    """Click times over the period following weekday and office-hour patterns."""
    start_day = (now - timedelta(days=days)).date()
    day_list = [start_day + timedelta(days=offset) for offset in range(days + 1)]
    day_weights = [WEEKDAY_WEIGHTS[day.weekday()] * (1 + offset / days)
                   for offset, day in enumerate(day_list)]
    chosen_days = rng.choices(day_list, weights=day_weights, k=count)
    hours = rng.choices(range(24), weights=HOUR_WEIGHTS, k=count)
    moments = []
    for day, hour in zip(chosen_days, hours):
        moment = (datetime(day.year, day.month, day.day, hour) + EASTERN_OFFSET
                  + timedelta(seconds=rng.random() * 3600))
        moments.append(moment if moment <= now else now - timedelta(seconds=rng.random() * 3600))
    return moments


def _click_rows(rng, count, days, now, sources_by_id):
    """Yield click rows in chunks, so memory stays flat for any count."""
    tracking_ids = list(sources_by_id)
    unknown_ids = [f"unknown-{_tracking_id()}" for _ in range(6)]
    link_weights = [rng.paretovariate(1.2) for _ in tracking_ids]
    visitors = _visitors(rng, max(20, count // 6))
    visitor_weights = [rng.paretovariate(1.5) for _ in visitors]
    for first in range(0, count, CHUNK):
        size = min(CHUNK, count - first)
        times = _click_times(rng, size, days, now)
        links = rng.choices(tracking_ids, weights=link_weights, k=size)
        people = rng.choices(visitors, weights=visitor_weights, k=size)
        rows = []
        for moment, tracking_id, (ip, agent, bot) in zip(times, links, people):
            if rng.random() < UNMATCHED_SHARE:
                tracking_id = rng.choice(unknown_ids)
            rows.append({
                "tracking_id": tracking_id, "clicked_at": moment,
                "received_at": moment + timedelta(seconds=rng.randint(1, 90)),
                "ip_address": ip, "user_agent": agent,
                "click_source": sources_by_id.get(tracking_id, rng.choice(SOURCES)),
                "referrer_url": rng.choice(REFERRERS), "session_id": f"s{rng.getrandbits(48):x}",
                "metadata": None, "event_id": None, "dedup_key": None, "is_bot": bot,
                "api_key_id": None,
            })
        yield rows


def fill(database, clicks: int, days: int, seed: int | None) -> float:
    """Insert demo applications, links and clicks; returns the seconds the fold into the
    dashboard's rollups took (paid here, not by the first dashboard read)."""
    rng = random.Random(seed)
    now = utcnow()
    with database.write_transaction() as connection:
        sources = _make_applications(connection, rng, days, now.date())
    for number, rows in enumerate(_click_rows(rng, clicks, days, now, sources), start=1):
        with database.write_transaction() as connection:
            if database.is_sqlite:
                # Room for the indexes' hot pages: random inserts would thrash a 2 MB cache.
                connection.exec_driver_sql(f"PRAGMA cache_size = -{LOAD_CACHE_KIB}")
            connection.execute(insert(LinkClick.__table__), rows)
        if number % CHUNKS_PER_CHECKPOINT == 0:
            database.checkpoint_wal()
    started = time.perf_counter()
    fold(database)
    database.checkpoint_wal()
    folded = time.perf_counter() - started
    with database.write_transaction() as connection:
        # Fresh statistics after a bulk load, so the query planner knows the new shape.
        connection.exec_driver_sql("ANALYZE")
    return folded
