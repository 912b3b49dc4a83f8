"""click kinds: person, preview, scanner, bot or you, with a reason, replace the bot flag

link_clicks gains kind, reason, rules_version (NULL: not settled yet), network and country;
is_bot goes. Existing clicks keep what they were (a bot stays a bot, the rest are people)
with rules_version NULL, so the settler settles every one of them. The covering index is
led by kind instead of is_bot. The day rollups are keyed by kind: they are emptied with
their mark, and the fold refills them from settled clicks (until then counts read
link_clicks, exact but slower). your_devices holds the devices marked as you.

Plain ALTER TABLE on both backends (SQLite 3.35+ drops a column in place): a batch copy
of the click table would have to carry its partial unique index over by reflection.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ROLLUP_MARK = "rollups"


def _rollup_tables(flag) -> None:
    """link_days and visitor_days keyed by flag(), a fresh copy of the key column each."""
    op.create_table(
        "link_days",
        flag(),
        sa.Column("tracking_id", sa.String(length=100), nullable=False),
        sa.Column("click_source", sa.String(length=50), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("first_click", sa.DateTime(), nullable=False),
        sa.Column("last_click", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint(flag().name, "tracking_id", "click_source", "day",
                                name=op.f("pk_link_days")),
    )
    op.create_table(
        "visitor_days",
        flag(),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint(flag().name, "ip_address", "day", name=op.f("pk_visitor_days")),
    )


def _restart_rollups(flag) -> None:
    op.drop_table("link_days")
    op.drop_table("visitor_days")
    _rollup_tables(flag)
    op.execute(sa.text("DELETE FROM read_marks WHERE name = :mark").bindparams(
        mark=_ROLLUP_MARK))


def upgrade() -> None:
    op.execute("DROP INDEX ix_link_clicks_bot_source_clicked_at")
    op.add_column("link_clicks", sa.Column("kind", sa.String(length=10), nullable=False,
                                           server_default="person"))
    op.add_column("link_clicks", sa.Column("reason", sa.String(length=300), nullable=True))
    op.add_column("link_clicks", sa.Column("rules_version", sa.Integer(), nullable=True))
    op.add_column("link_clicks", sa.Column("network", sa.String(length=100), nullable=True))
    op.add_column("link_clicks", sa.Column("country", sa.String(length=2), nullable=True))
    op.execute("UPDATE link_clicks SET kind = 'bot' WHERE is_bot")
    op.execute("ALTER TABLE link_clicks DROP COLUMN is_bot")
    op.create_index("ix_link_clicks_kind_source_clicked_at", "link_clicks",
                    ["kind", "click_source", "clicked_at", "tracking_id", "ip_address"])
    _restart_rollups(lambda: sa.Column("kind", sa.String(length=10), nullable=False))
    op.create_table(
        "your_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_your_devices")),
        sa.UniqueConstraint("ip_address", "user_agent",
                            name="uq_your_devices_ip_address_user_agent"),
    )


def downgrade() -> None:
    op.drop_table("your_devices")
    op.drop_index("ix_link_clicks_kind_source_clicked_at", table_name="link_clicks")
    op.add_column("link_clicks", sa.Column("is_bot", sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.execute("UPDATE link_clicks SET is_bot = (kind <> 'person')")
    for column in ("country", "network", "rules_version", "reason", "kind"):
        op.execute(f"ALTER TABLE link_clicks DROP COLUMN {column}")
    op.create_index("ix_link_clicks_bot_source_clicked_at", "link_clicks",
                    ["is_bot", "click_source", "clicked_at", "tracking_id", "ip_address"])
    _restart_rollups(lambda: sa.Column("is_bot", sa.Boolean(), nullable=False))
