"""The signed-in test console: a realistic sample batch, the names its answer is told in,
and removing what it sent. Its clicks carry metadata {"test": true}."""

import json
import random

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from webapp.models import Application, Job, TrackingLink

SAMPLE_TRACKING_ID = "sample-tracking-id"
# How long a key issued to the signed-in console works.
KEY_MINUTES = 10
TEST_MARK = {"test": True, "sent_from": "test console"}
# Browsers people use (current user agents of Chrome on Windows, Safari on iPhone, Firefox
# on macOS, Edge on Windows, Chrome on Android), so the sample clicks count as people.
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
)
REFERRERS = {"linkedin": "https://www.linkedin.com/", "email": "https://mail.google.com/"}
# RFC 5737's documentation networks: realistic addresses that belong to nobody.
NETWORKS = ("192.0.2", "198.51.100", "203.0.113")


def sample_links(session: Session, limit: int = 3) -> list[tuple[str, str]]:
    """(tracking_id, source) of the newest link of the most recently added applications, so
    the answer names several companies."""
    newest = (
        select(TrackingLink.tracking_id, TrackingLink.source, TrackingLink.job_id,
               func.row_number().over(partition_by=TrackingLink.job_id,
                                      order_by=TrackingLink.id.desc()).label("rank"))
        .join(Application, Application.job_id == TrackingLink.job_id)
        .where(Application.archived_at.is_(None))
        .subquery()
    )
    rows = session.execute(
        select(newest.c.tracking_id, newest.c.source).where(newest.c.rank == 1)
        .order_by(newest.c.job_id.desc()).limit(limit)
    )
    return [tuple(row) for row in rows]


def sample_batch(pairs: list[tuple[str, str]], chance: random.Random | None = None) -> str:
    """A batch a sender could post: one person per link, with an address, a browser and the
    headers a browser sends, marked as a test."""
    chance = chance or random.Random()
    pairs = pairs or [(SAMPLE_TRACKING_ID, "linkedin")]
    events = []
    for number, (tracking_id, source) in enumerate(pairs):
        network = NETWORKS[number % len(NETWORKS)]
        events.append({
            "tracking_id": tracking_id,
            "click_source": source,
            "ip_address": f"{network}.{chance.randint(1, 254)}",
            "user_agent": BROWSERS[number % len(BROWSERS)],
            "referrer_url": REFERRERS.get(source, "https://www.google.com/"),
            "metadata": {**TEST_MARK, "method": "GET", "accept_language": "en-US,en;q=0.9",
                         "sec_fetch_mode": "navigate"},
        })
    return json.dumps({"events": events}, indent=2)


def companies_of(session: Session, tracking_ids: list[str]) -> dict[str, str]:
    """The company each known tracking id's application is for."""
    rows = session.execute(
        select(TrackingLink.tracking_id, Job.company)
        .join(Job, Job.id == TrackingLink.job_id).where(TrackingLink.tracking_id.in_(tracking_ids))
    )
    return dict(rows.all())


def test_click_condition(session: Session):
    """Clicks whose metadata says {"test": true} (a JSON true, not a string), per backend."""
    if session.get_bind().dialect.name == "postgresql":
        return text("CAST(link_clicks.metadata AS JSONB) @> '{\"test\": true}'")
    return text("json_type(link_clicks.metadata, '$.test') = 'true'")
