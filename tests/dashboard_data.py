"""Rows for dashboard tests, written straight to the database with Core inserts."""

from datetime import datetime
from itertools import count

from sqlalchemy import insert

from webapp.database.db import get_db
from webapp.models import Application, Job, LinkClick, TrackingLink

_ids = count(1)


def add_application(app, company: str, title: str, links: dict[str, str]) -> int:
    """An application with one link per {tracking_id: source}; returns its id."""
    with app.app_context(), get_db().write_transaction() as connection:
        job_id = connection.execute(
            insert(Job).values(company=company, title=title)
        ).inserted_primary_key[0]
        application_id = connection.execute(
            insert(Application).values(job_id=job_id, status="applied")
        ).inserted_primary_key[0]
        for tracking_id, source in links.items():
            connection.execute(
                insert(TrackingLink).values(tracking_id=tracking_id, job_id=job_id, source=source)
            )
    return application_id


def add_clicks(app, *clicks: dict) -> None:
    """Clicks given as dicts with at least tracking_id and clicked_at (received_at, unless
    given, is clicked_at: long due, so the settler settles them and the fold folds them)."""
    rows = []
    for click in clicks:
        moment: datetime = click["clicked_at"]
        rows.append({
            "tracking_id": click["tracking_id"], "clicked_at": moment,
            "received_at": click.get("received_at", moment),
            "ip_address": click.get("ip_address", f"192.0.2.{next(_ids) % 250 + 1}"),
            "user_agent": click.get("user_agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"),
            "click_source": click.get("click_source"), "referrer_url": click.get("referrer_url"),
            "session_id": None, "metadata": None, "event_id": None, "dedup_key": None,
            "kind": click.get("kind", "person"), "reason": click.get("reason"),
            "rules_version": click.get("rules_version"), "api_key_id": None,
        })
    with app.app_context(), get_db().write_transaction() as connection:
        connection.execute(insert(LinkClick.__table__), rows)
