"""The daily digest: yesterday's people per application, with the previews, scans and bots
beside them, queued at the hour each channel asked for in the user's time zone."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, select

from webapp.alerts.decide import new_delivery_id, queue
from webapp.alerts.models import AlertChannel, AlertDelivery, AlertSettledClick
from webapp.models import Application, Job, User

settled = AlertSettledClick.__table__
COLUMNS = {"person": "people", "preview": "previews", "scanner": "scanners", "bot": "bots"}


def user_time_zone(connection: Connection) -> str:
    """The job seeker's zone (the first account's; the dashboard has one owner)."""
    return connection.scalar(select(User.time_zone).order_by(User.id).limit(1)) or "UTC"


def utc_range(day: date, zone: str) -> tuple[datetime, datetime]:
    """[midnight, next midnight) of a local day, as naive UTC (23 or 25 hours across DST)."""
    local = ZoneInfo(zone)

    def utc(moment: date) -> datetime:
        start = datetime.combine(moment, time(), tzinfo=local)
        return start.astimezone(UTC).replace(tzinfo=None)

    return utc(day), utc(day + timedelta(days=1))


def payload(connection: Connection, day: date, zone: str) -> dict | None:
    """The digest of one local day; None when no person, preview or scan happened."""
    start, end = utc_range(day, zone)
    counts = connection.execute(
        select(settled.c.application_id, settled.c.kind, func.count())
        .where(settled.c.clicked_at >= start, settled.c.clicked_at < end,
               settled.c.kind.in_(list(COLUMNS)))
        .group_by(settled.c.application_id, settled.c.kind)).all()
    by_application: dict[int, dict] = {}
    for application_id, kind, count in counts:
        row = by_application.setdefault(application_id, dict.fromkeys(COLUMNS.values(), 0))
        row[COLUMNS[kind]] = count
    if not any(row["people"] or row["previews"] or row["scanners"]
               for row in by_application.values()):
        return None
    names = {row.id: row for row in connection.execute(
        select(Application.id, Job.company, Job.title).join(Job, Job.id == Application.job_id)
        .where(Application.id.in_(list(by_application))))}
    rows = [{"id": application_id,
             "company": names[application_id].company if application_id in names else None,
             "title": names[application_id].title if application_id in names else None,
             **values} for application_id, values in by_application.items()]
    rows.sort(key=lambda row: (-row["people"], row["company"] or ""))
    return {"day": day.isoformat(), "time_zone": zone, "applications": rows}


def queue_due(connection: Connection, now: datetime, checked: dict) -> int:
    """Queue yesterday's digest for each channel whose local hour has come. checked maps a
    channel to the last day found empty or queued, so a quiet day is computed once."""
    zone = user_time_zone(connection)
    local_now = now.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
    day = local_now.date() - timedelta(days=1)
    waiting = [channel for channel in connection.execute(
        select(AlertChannel.id, AlertChannel.digest_hour)
        .where(AlertChannel.digest_hour.is_not(None))).all()
        if local_now.hour >= channel.digest_hour and checked.get(channel.id) != day]
    if not waiting:
        return 0
    queued_before = set(connection.scalars(
        select(AlertDelivery.channel_id).where(AlertDelivery.event_key == f"digest:{day}")))
    todo = [channel.id for channel in waiting if channel.id not in queued_before]
    content = payload(connection, day, zone) if todo else None
    for channel in waiting:
        checked[channel.id] = day
    if content is None:
        return 0
    return queue(connection, [{"delivery_id": new_delivery_id(), "channel_id": channel_id,
                               "event_key": f"digest:{day}", "what": "digest",
                               "payload": content} for channel_id in todo])
