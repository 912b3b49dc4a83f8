"""The typed data model, shared by the ingest door and the dashboard."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from webapp.timeutil import utcnow

# Stable constraint names, so migrations can refer to them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants room to grow.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Job(Base):
    """What was applied to."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    posting_url: Mapped[str | None] = mapped_column(String(1000))
    location: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped["Application | None"] = relationship(back_populates="job")
    links: Mapped[list["TrackingLink"]] = relationship(
        back_populates="job", order_by="TrackingLink.created_at"
    )


APPLICATION_STATUSES = ("applied", "interviewing", "offer", "rejected", "withdrawn")


class Application(Base):
    """One application to one job: the guide's tracking_id -> job_id -> application_id."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), unique=True)
    applied_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(30), default="applied")
    notes: Mapped[str | None] = mapped_column(Text)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    job: Mapped[Job] = relationship(back_populates="application")


class TrackingLink(Base):
    """One link handed out; its tracking_id is what senders post."""

    __tablename__ = "tracking_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(100), unique=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id"), index=True)
    source: Mapped[str] = mapped_column(String(50))
    destination_url: Mapped[str | None] = mapped_column(String(1000))
    label: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    job: Mapped[Job] = relationship(back_populates="links")


class ApiKey(Base):
    """An ingest key, kept only as a hash plus a short prefix a person can recognise."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)


class LinkClick(Base):
    """One click. tracking_id is deliberately no foreign key: unknown ids are kept and
    attributed by a join at read time once their link is registered."""

    __tablename__ = "link_clicks"
    __table_args__ = (
        # De-duplication of clicks without event_id, and every time-range query. Led by
        # clicked_at, so fresh clicks append at the index's end instead of scattering.
        UniqueConstraint("clicked_at", "dedup_key", name="uq_link_clicks_clicked_at_dedup_key"),
        # A re-sent event_id is stored once. Partial: most senders post no event_id, and an
        # index entry per NULL would cost every insert for nothing.
        Index("uq_link_clicks_event_id", "event_id", unique=True,
              sqlite_where=text("event_id IS NOT NULL"),
              postgresql_where=text("event_id IS NOT NULL")),
        # The dashboard's covering index (migration 0003), led by kind, which every
        # dashboard query fixes. It grows at a few insertion points (one per kind and
        # source), so it costs ingest little; per-link counts come from link_days instead.
        Index("ix_link_clicks_kind_source_clicked_at",
              "kind", "click_source", "clicked_at", "tracking_id", "ip_address"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(100))
    clicked_at: Mapped[datetime] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    click_source: Mapped[str | None] = mapped_column(String(50))
    referrer_url: Mapped[str | None] = mapped_column(String(1000))
    session_id: Mapped[str | None] = mapped_column(String(100))
    event_metadata: Mapped[dict | None] = mapped_column("metadata", JSON)
    # The sender's id for the click: unique, so a re-sent event is stored once.
    event_id: Mapped[str | None] = mapped_column(String(100))
    # 64-bit hash of tracking_id, ip, agent and source for clicks that came without event_id
    # but with their own clicked_at; NULL (never equal) otherwise.
    dedup_key: Mapped[int | None] = mapped_column(BigInteger)
    # Who clicked (webapp.kinds.KINDS) and why, in words a person can check. Ingest stores
    # the agent's verdict; the settler (webapp.stats.settle) the final one, with the rules'
    # version (NULL: not settled yet) and the address's network owner and country.
    kind: Mapped[str] = mapped_column(String(10), default="person", server_default="person")
    reason: Mapped[str | None] = mapped_column(String(300))
    rules_version: Mapped[int | None] = mapped_column(Integer)
    network: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))


class User(Base):
    """The job seeker who signs in to the dashboard."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # flask-login's user protocol. The id a session carries names the login session too
    # (flask-login's alternative tokens), so logging out can end it on the server.
    is_active = True
    is_authenticated = True
    is_anonymous = False
    session_token = None  # a str, set on the instance by webapp.accounts.sessions

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class RateLimitWindow(Base):
    """Requests counted per key and fixed window, shared by every worker process. On SQLite
    they live in a side file beside the database (Database.counters_transaction)."""

    __tablename__ = "rate_limit_windows"

    bucket: Mapped[str] = mapped_column(String(150), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)


class VisitorDay(Base):
    """Which addresses clicked which link on which UTC day, folded from link_clicks by the
    dashboard: distinct visitors come from this IP-ordered table, an index the ingest door
    would pay for on every insert if link_clicks carried it. The link lets a count follow
    the application filter and leave archived applications out."""

    __tablename__ = "visitor_days"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    ip_address: Mapped[str] = mapped_column(String(45), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(100), primary_key=True)


class LinkDay(Base):
    """Clicks per link, source and UTC day, folded from link_clicks by the dashboard: a
    tracking-led index on link_clicks would be written at hundreds of places per batch."""

    __tablename__ = "link_days"

    kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    # '' stands for "no source": primary keys cannot hold NULL on PostgreSQL.
    click_source: Mapped[str] = mapped_column(String(50), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer)
    first_click: Mapped[datetime] = mapped_column(DateTime)
    last_click: Mapped[datetime] = mapped_column(DateTime)


class YourDevice(Base):
    """An address and browser the job seeker marked as their own ("This was me"): its clicks
    are settled as `you`, never counted as a person."""

    __tablename__ = "your_devices"
    __table_args__ = (UniqueConstraint("ip_address", "user_agent",
                                       name="uq_your_devices_ip_address_user_agent"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ReadMark(Base):
    """How far a read-side table has folded link_clicks (or the settler settled them), by
    click id."""

    __tablename__ = "read_marks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger, default=0)


class HeldLease(Base):
    """Who does a job that one process at a time may do (settling, sending alerts), across
    processes and hosts, and until when (webapp.database.lease)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class LoginSession(Base):
    """A signed-in browser: its session cookie names the token, and logout deletes the row,
    so a copied cookie stops working."""

    __tablename__ = "login_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# --- Added by the ux work (issue 9): kept at the end so the model edits above merge apart. ---


class SiteSetting(Base):
    """A setting a person changes in the dashboard (the address of their own site), kept
    beside the environment's defaults, which stay the fallback for scripted installs."""

    __tablename__ = "site_settings"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(1000))


# Columns appended to mapped classes after their definition, as SQLAlchemy documents
# ("Appending additional columns to an existing Declarative mapped class",
# https://docs.sqlalchemy.org/en/20/orm/declarative_tables.html).
# A key the test console issues to a signed-in browser stops working at this time.
ApiKey.expires_at = mapped_column(DateTime, nullable=True)
# When the owner's time zone was chosen (or taken from the browser); NULL: never.
User.time_zone_chosen_at = mapped_column(DateTime, nullable=True)
