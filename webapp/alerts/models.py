"""The alert tables, on the shared declarative Base so migrations and tests see them."""

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from webapp.models import Base, BigId
from webapp.timeutil import utcnow


class AlertChannel(Base):
    """Where alerts go, and which of them; the address is kept only sealed."""

    __tablename__ = "alert_channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # "apprise" (a notification URL) or "webhook" (a Standard Webhooks receiver)
    kind: Mapped[str] = mapped_column(String(10))
    # Fernet token of the URL (and a webhook's signing secret): see alerts/sealing.py
    sealed: Mapped[str] = mapped_column(Text)
    # What may be shown of the address: scheme and host, never credentials
    masked: Mapped[str] = mapped_column(String(200))
    first_person: Mapped[bool] = mapped_column(Boolean, default=True)
    every_active_click: Mapped[bool] = mapped_column(Boolean, default=False)
    came_back: Mapped[bool] = mapped_column(Boolean, default=False)
    # Local hour (0-23, the user's time zone) of the daily digest; None: no digest
    digest_hour: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class AlertDelivery(Base):
    """The outbox: one row per channel and event, written in the transaction that decided
    it, so a crash delays an alert but never drops or repeats it."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (
        # A re-settled click or a second digest pass finds the row and adds none.
        UniqueConstraint("channel_id", "event_key", name="uq_alert_deliveries_channel_event"),
        # The dispatcher's poll: pending rows in the order they fall due.
        Index("ix_alert_deliveries_status_due", "status", "next_attempt_at"),
        Index("ix_alert_deliveries_channel_created", "channel_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Stable across retries: a webhook's webhook-id, so receivers can de-duplicate
    delivery_id: Mapped[str] = mapped_column(String(40), unique=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("alert_channels.id", ondelete="CASCADE"))
    event_key: Mapped[str] = mapped_column(String(100))
    # first_person, person_click, came_back, digest or test
    what: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class AlertSettledClick(Base):
    """The settled kind of each matched click, led by application: the rules ask "when did a
    person last look at this application?", which link_clicks has no index to answer."""

    __tablename__ = "alert_settled_clicks"
    __table_args__ = (
        Index("ix_alert_settled_clicks_app_kind_at", "application_id", "kind", "clicked_at"),
        Index("ix_alert_settled_clicks_clicked_at", "clicked_at"),
    )

    click_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    application_id: Mapped[int] = mapped_column(Integer)
    clicked_at: Mapped[datetime] = mapped_column(DateTime)
    kind: Mapped[str] = mapped_column(String(10))
