"""Posting batches through the test client, and reading back what was stored."""

import gzip

import orjson
from sqlalchemy import func, select

from webapp.database.db import get_db
from webapp.models import LinkClick

BATCH = "/api/tracking-ingest/batch"
GUIDE_EVENT = {
    "tracking_id": "test-uuid-12345",
    "clicked_at": "2025-10-22T14:30:00Z",
    "ip_address": "192.168.1.1",
    "user_agent": "Mozilla/5.0 Test Agent",
    "click_source": "linkedin",
}


def post_batch(client, key, events=None, *, body=None, gzipped=False, headers=None, **kwargs):
    data = body if body is not None else orjson.dumps({"events": events})
    all_headers = {"X-API-Key": key, "Content-Type": "application/json", **(headers or {})}
    if gzipped:
        data = gzip.compress(data)
        all_headers["Content-Encoding"] = "gzip"
    return client.post(BATCH, data=data, headers=all_headers, **kwargs)


def stored_clicks(app) -> list[LinkClick]:
    with app.app_context(), get_db().read_sessions() as session:
        return list(session.scalars(select(LinkClick).order_by(LinkClick.id)))


def click_count(app) -> int:
    with app.app_context(), get_db().read_sessions() as session:
        return session.scalar(select(func.count(LinkClick.id)))
