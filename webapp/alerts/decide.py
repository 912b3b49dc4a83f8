"""Deciding to alert, inside the transaction that settles click kinds: the outbox rows
commit or roll back with the kinds, so no alert is lost or doubled by a crash between."""

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, func, select

from webapp.alerts.models import AlertChannel, AlertDelivery, AlertSettledClick
from webapp.database.db import dialect_insert
from webapp.models import Application, Job, LinkClick, TrackingLink
from webapp.presentation.useragents import describe
from webapp.stats.verdicts import Settled
from webapp.timeutil import utcnow

settled_table = AlertSettledClick.__table__
deliveries = AlertDelivery.__table__
channels = AlertChannel.__table__
QUIET = timedelta(days=7)
ACTIVE_STATUSES = ("applied", "interviewing")
# Bound parameters per IN list: well under SQLite's limit of 32,766 variables.
CHUNK = 500


@dataclass(frozen=True)
class Event:
    what: str  # first_person, came_back or person_click
    key: str
    click: Settled


def decide(connection: Connection, settled: Iterable[Settled]) -> int:
    """Record every settled click's kind and queue the alerts its people call for, one row
    per channel and event (a re-settle queues nothing twice); the number queued."""
    matched = [click for click in settled if click.application_id is not None]
    if not matched:
        return 0
    before = _kinds_before(connection, [click.click_id for click in matched])
    _record(connection, matched)
    newly = sorted((c for c in matched if c.kind == "person" and before.get(c.click_id) != "person"),
                   key=lambda click: (click.clicked_at, click.click_id))
    listening = connection.execute(select(channels)).all()
    if not newly or not listening:
        return 0
    events = _events(connection, newly)
    payloads = _payloads(connection, newly)
    rows = []
    for channel in listening:
        for click_events in events:
            chosen = next((event for event in click_events if _wants(channel, event.what)), None)
            if chosen is not None:
                rows.append({"delivery_id": new_delivery_id(), "channel_id": channel.id,
                             "event_key": chosen.key, "what": chosen.what,
                             "payload": payloads[chosen.click.click_id]})
    return queue(connection, rows)


def queue(connection: Connection, rows: list[dict]) -> int:
    """Insert outbox rows; one whose (channel, event) is already there is skipped."""
    if not rows:
        return 0
    statement = dialect_insert(connection, deliveries).on_conflict_do_nothing(
        index_elements=["channel_id", "event_key"]).returning(deliveries.c.id)
    # One at a time, counting the ids returned: rowcount is -1 here on PostgreSQL.
    return sum(connection.execute(statement.values(**_fresh(row))).first() is not None
               for row in rows)


def _fresh(row: dict) -> dict:
    now = utcnow()
    return {"status": "pending", "attempts": 0, "created_at": now, "next_attempt_at": now, **row}


def new_delivery_id() -> str:
    """msg_ and 24 random characters: unique, and opaque to the receiver."""
    return "msg_" + secrets.token_urlsafe(18)


def _wants(channel, what: str) -> bool:
    return {"first_person": channel.first_person, "came_back": channel.came_back,
            "person_click": channel.every_active_click}[what]


def _chunks(values: Sequence) -> Iterable[Sequence]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _kinds_before(connection: Connection, ids: list[int]) -> dict[int, str]:
    found = {}
    for part in _chunks(ids):
        found.update(connection.execute(
            select(settled_table.c.click_id, settled_table.c.kind)
            .where(settled_table.c.click_id.in_(part))).all())
    return found


def _record(connection: Connection, matched: list[Settled]) -> None:
    statement = dialect_insert(connection, settled_table)
    statement = statement.on_conflict_do_update(
        index_elements=["click_id"],
        set_={"kind": statement.excluded.kind,
              "application_id": statement.excluded.application_id,
              "clicked_at": statement.excluded.clicked_at},
    )
    connection.execute(statement, [
        {"click_id": c.click_id, "application_id": c.application_id,
         "clicked_at": c.clicked_at, "kind": c.kind} for c in matched])


def _events(connection: Connection, newly: list[Settled]) -> list[list[Event]]:
    """Per new person click, the events it triggers, most telling first (a channel gets one
    message per click: the first event it listens to)."""
    new_ids = {click.click_id for click in newly}
    apps = {click.application_id for click in newly}
    statuses = dict(connection.execute(
        select(Application.id, Application.status).where(Application.id.in_(apps))).all())
    seen_before = {app: _had_person(connection, app, new_ids) for app in apps}
    result = []
    for click in newly:
        found = []
        if not seen_before[click.application_id]:
            seen_before[click.application_id] = True
            found.append(Event("first_person", f"first:{click.application_id}", click))
        previous = _previous_person(connection, click)
        if previous is not None and click.clicked_at - previous >= QUIET:
            found.append(Event("came_back", f"back:{click.click_id}", click))
        if statuses.get(click.application_id) in ACTIVE_STATUSES:
            found.append(Event("person_click", f"click:{click.click_id}", click))
        result.append(found)
    return result


def _had_person(connection: Connection, application_id: int, new_ids: set[int]) -> bool:
    s = settled_table.c
    others = select(s.click_id).where(s.application_id == application_id, s.kind == "person")
    return any(click_id not in new_ids
               for click_id in connection.scalars(others.limit(len(new_ids) + 1)))


def _previous_person(connection: Connection, click: Settled) -> datetime | None:
    s = settled_table.c
    return connection.scalar(
        select(func.max(s.clicked_at)).where(
            s.application_id == click.application_id, s.kind == "person",
            s.clicked_at <= click.clicked_at, s.click_id != click.click_id))


def _payloads(connection: Connection, newly: list[Settled]) -> dict[int, dict]:
    """What a message says about each click, fixed when decided, so retries say the same."""
    ids = [click.click_id for click in newly]
    details = {row.id: row for row in connection.execute(
        select(LinkClick.id, LinkClick.user_agent, LinkClick.click_source,
               LinkClick.referrer_url).where(LinkClick.id.in_(ids)))}
    links = {row.tracking_id: row for row in connection.execute(
        select(TrackingLink.tracking_id, TrackingLink.source, TrackingLink.label)
        .where(TrackingLink.tracking_id.in_({click.tracking_id for click in newly})))}
    jobs = {row.id: row for row in connection.execute(
        select(Application.id, Application.status, Job.company, Job.title)
        .join(Job, Job.id == Application.job_id)
        .where(Application.id.in_({click.application_id for click in newly})))}
    payloads = {}
    for click in newly:
        detail, link, job = details.get(click.click_id), links.get(click.tracking_id), \
            jobs.get(click.application_id)
        browser, system = describe(detail.user_agent if detail else None)
        payloads[click.click_id] = {
            "application": {"id": click.application_id,
                            "company": job.company if job else None,
                            "title": job.title if job else None,
                            "status": job.status if job else None},
            "link": {"tracking_id": click.tracking_id,
                     "source": (link.source if link else None)
                     or (detail.click_source if detail else None),
                     "label": link.label if link else None},
            "click": {"id": click.click_id,
                      "clicked_at": click.clicked_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                      "browser": browser, "os": system, "network": click.network,
                      "country": click.country, "reason": click.reason,
                      "referrer": detail.referrer_url if detail else None},
        }
    return payloads
