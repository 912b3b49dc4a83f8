"""The outbox's reads and writes: what is due, how a try went, what a person sees."""

import random
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update

from webapp.alerts.decide import new_delivery_id, queue
from webapp.alerts.models import AlertChannel, AlertDelivery

deliveries = AlertDelivery.__table__
channels = AlertChannel.__table__
GIVE_UP_AFTER = timedelta(hours=24)


def due(connection: Connection, now: datetime, limit: int = 20) -> list:
    """Pending deliveries whose time has come, oldest due first, with their channel."""
    return connection.execute(
        select(deliveries, channels.c.kind, channels.c.sealed, channels.c.name)
        .join(channels, channels.c.id == deliveries.c.channel_id)
        .where(deliveries.c.status == "pending", deliveries.c.next_attempt_at <= now)
        .order_by(deliveries.c.next_attempt_at).limit(limit)
    ).all()


def backoff(attempts: int, base: float, cap: float = 3600.0) -> float:
    """Exponential backoff with "equal jitter" (half fixed, half random), so retries of many
    deliveries spread out instead of arriving together (AWS Architecture Blog,
    "Exponential Backoff And Jitter", 2015)."""
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)


def record(connection: Connection, row, error: str | None, now: datetime,
           retry_base: float) -> None:
    """Delivered, or failed for now (retried with backoff), or failed for good after 24 h.
    Only a pending row changes: a second sender can never undo a delivery."""
    values = {"attempts": deliveries.c.attempts + 1, "last_attempt_at": now,
              "last_error": error}
    if error is None:
        values["status"] = "delivered"
    elif now - row.created_at >= GIVE_UP_AFTER:
        values["status"] = "failed"
    else:
        values["next_attempt_at"] = now + timedelta(seconds=backoff(row.attempts + 1,
                                                                    retry_base))
    connection.execute(update(deliveries).where(
        deliveries.c.id == row.id, deliveries.c.status == "pending").values(**values))


def queue_test(connection: Connection, channel_id: int) -> str:
    """A test message through the same outbox and dispatcher as real alerts; its id."""
    delivery_id = new_delivery_id()
    queue(connection, [{"delivery_id": delivery_id, "channel_id": channel_id,
                        "event_key": f"test:{delivery_id}", "what": "test", "payload": {}}])
    return delivery_id


def recent(connection: Connection, channel_id: int, limit: int = 10) -> list:
    return connection.execute(
        select(deliveries).where(deliveries.c.channel_id == channel_id)
        .order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc()).limit(limit)
    ).all()


def failing_channels(connection: Connection) -> list[str]:
    """Names of the channels whose latest tried delivery did not get through (failing now
    or given up): what the dashboard flags."""
    failing = []
    for channel_id, name in connection.execute(
            select(channels.c.id, channels.c.name).order_by(channels.c.name)):
        latest = connection.execute(
            select(deliveries.c.status).where(deliveries.c.channel_id == channel_id,
                                              deliveries.c.attempts > 0)
            .order_by(deliveries.c.last_attempt_at.desc()).limit(1)).scalar()
        if latest is not None and latest != "delivered":
            failing.append(name)
    return failing
