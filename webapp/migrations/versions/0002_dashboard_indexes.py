"""dashboard read side: covering indexes, and visitor days folded from the clicks

Each dashboard question reads one index in the order it needs, so a million clicks are
counted without touching the table or sorting. Both indexes lead with is_bot, which every
dashboard query fixes, and grow at a few insertion points (a source, a link), so the
ingest door pays little for them:
- per source and per local day: (is_bot, click_source, clicked_at, tracking_id, ip_address);
- per link and application: (is_bot, tracking_id, clicked_at, click_source), which
  replaces (tracking_id, clicked_at).
Distinct visitors need addresses in order; an IP-ordered index on link_clicks would be
written at random places by every batch and halve ingest throughput, so the dashboard
folds (UTC day, address) pairs into visitor_days instead, remembering how far it got in
read_marks.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("link_clicks", schema=None) as batch_op:
        batch_op.drop_index("ix_link_clicks_tracking_id_clicked_at")
        batch_op.create_index(
            "ix_link_clicks_bot_source_clicked_at",
            ["is_bot", "click_source", "clicked_at", "tracking_id", "ip_address"],
        )
        batch_op.create_index(
            "ix_link_clicks_bot_tracking_id_clicked_at",
            ["is_bot", "tracking_id", "clicked_at", "click_source"],
        )
    op.create_table(
        "visitor_days",
        sa.Column("is_bot", sa.Boolean(), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("is_bot", "ip_address", "day", name=op.f("pk_visitor_days")),
    )
    op.create_table(
        "read_marks",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("last_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_read_marks")),
    )


def downgrade() -> None:
    op.drop_table("read_marks")
    op.drop_table("visitor_days")
    with op.batch_alter_table("link_clicks", schema=None) as batch_op:
        batch_op.drop_index("ix_link_clicks_bot_tracking_id_clicked_at")
        batch_op.drop_index("ix_link_clicks_bot_source_clicked_at")
        batch_op.create_index(
            "ix_link_clicks_tracking_id_clicked_at", ["tracking_id", "clicked_at"]
        )
