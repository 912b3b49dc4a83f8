"""leases: one table for every job one process at a time may do

alert_leases held the alerts dispatcher's lease and a read_marks row the settler's, each
with its own code; webapp.database.lease now keeps both in `leases` (name, holder, expires_at). The
dispatcher's row moves over; the settler's read_marks row is dropped (a running settler
holds it for a pass at most, and takes its new lease on the next).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _lease_table(name: str) -> None:
    op.create_table(
        name,
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f(f"pk_{name}")),
    )


def upgrade() -> None:
    _lease_table("leases")
    op.execute("INSERT INTO leases (name, holder, expires_at) "
               "SELECT name, holder, expires_at FROM alert_leases")
    op.drop_table("alert_leases")
    op.execute("DELETE FROM read_marks WHERE name = 'settler'")


def downgrade() -> None:
    _lease_table("alert_leases")
    op.execute("INSERT INTO alert_leases (name, holder, expires_at) "
               "SELECT name, holder, expires_at FROM leases WHERE name = 'alerts-dispatcher'")
    op.drop_table("leases")
