"""alerts: channels, the outbox of deliveries, settled kinds by application, a lease

The outbox is written in the transaction that settles click kinds; a (channel, event)
unique constraint keeps a re-settle from alerting twice. alert_settled_clicks keeps each
matched click's kind led by application, which link_clicks has no index for. One
alert_leases row names the single dispatcher allowed to send.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("masked", sa.String(length=200), nullable=False),
        sa.Column("first_person", sa.Boolean(), nullable=False),
        sa.Column("every_active_click", sa.Boolean(), nullable=False),
        sa.Column("came_back", sa.Boolean(), nullable=False),
        sa.Column("digest_hour", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_channels")),
        sa.UniqueConstraint("name", name=op.f("uq_alert_channels_name")),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", BigId, nullable=False),
        sa.Column("delivery_id", sa.String(length=40), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=100), nullable=False),
        sa.Column("what", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(["channel_id"], ["alert_channels.id"], ondelete="CASCADE",
                                name=op.f("fk_alert_deliveries_channel_id_alert_channels")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("channel_id", "event_key", name="uq_alert_deliveries_channel_event"),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_alert_deliveries_delivery_id")),
    )
    op.create_index("ix_alert_deliveries_status_due", "alert_deliveries",
                    ["status", "next_attempt_at"])
    op.create_index("ix_alert_deliveries_channel_created", "alert_deliveries",
                    ["channel_id", "created_at"])
    op.create_table(
        "alert_settled_clicks",
        sa.Column("click_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("clicked_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("click_id", name=op.f("pk_alert_settled_clicks")),
    )
    op.create_index("ix_alert_settled_clicks_app_kind_at", "alert_settled_clicks",
                    ["application_id", "kind", "clicked_at"])
    op.create_index("ix_alert_settled_clicks_clicked_at", "alert_settled_clicks",
                    ["clicked_at"])
    op.create_table(
        "alert_leases",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_alert_leases")),
    )


def downgrade() -> None:
    op.drop_table("alert_leases")
    op.drop_index("ix_alert_settled_clicks_clicked_at", table_name="alert_settled_clicks")
    op.drop_index("ix_alert_settled_clicks_app_kind_at", table_name="alert_settled_clicks")
    op.drop_table("alert_settled_clicks")
    op.drop_index("ix_alert_deliveries_channel_created", table_name="alert_deliveries")
    op.drop_index("ix_alert_deliveries_status_due", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_channels")
