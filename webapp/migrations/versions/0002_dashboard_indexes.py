"""dashboard indexes: covering indexes for the read side

Each dashboard question reads one index in the order it groups by, so a million clicks
are counted without touching the table or sorting. All lead with is_bot, which every
dashboard query fixes (bots are out unless asked for):
- per source and per local day: (is_bot, click_source, clicked_at, tracking_id);
- per link and application: (is_bot, tracking_id, clicked_at, click_source), which
  replaces (tracking_id, clicked_at);
- distinct visitors: (is_bot, ip_address, clicked_at, click_source, tracking_id).
The trailing columns let the source and application filters be checked in the index.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

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
            ["is_bot", "click_source", "clicked_at", "tracking_id"],
        )
        batch_op.create_index(
            "ix_link_clicks_bot_tracking_id_clicked_at",
            ["is_bot", "tracking_id", "clicked_at", "click_source"],
        )
        batch_op.create_index(
            "ix_link_clicks_bot_ip_clicked_at",
            ["is_bot", "ip_address", "clicked_at", "click_source", "tracking_id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("link_clicks", schema=None) as batch_op:
        batch_op.drop_index("ix_link_clicks_bot_ip_clicked_at")
        batch_op.drop_index("ix_link_clicks_bot_tracking_id_clicked_at")
        batch_op.drop_index("ix_link_clicks_bot_source_clicked_at")
        batch_op.create_index("ix_link_clicks_tracking_id_clicked_at", ["tracking_id", "clicked_at"])
