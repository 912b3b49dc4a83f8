"""visitor days by link: archived applications leave the default view, people included

visitor_days gains the tracking id, so a distinct-visitor count can follow the application
filter and leave archived applications' links out, still from the rollups. The table is
rebuilt and refilled from the clicks already folded (those up to the rollups' mark), so the
dashboard does not have to fold every click again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_FOLDED = "id <= (SELECT last_id FROM read_marks WHERE name = 'rollups') AND ip_address IS NOT NULL"


def _visitor_days(*key: str) -> None:
    """visitor_days keyed by kind, address, day and the given columns, refilled."""
    op.drop_table("visitor_days")
    extra = [sa.Column(name, sa.String(length=100), nullable=False) for name in key]
    op.create_table(
        "visitor_days",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *extra,
        sa.PrimaryKeyConstraint("kind", "ip_address", "day", *key,
                                name=op.f("pk_visitor_days")),
    )
    columns = ", ".join(["kind", "ip_address", "day", *key])
    selected = ", ".join(["kind", "ip_address", "date(clicked_at)", *key])
    op.execute(f"INSERT INTO visitor_days ({columns}) "
               f"SELECT DISTINCT {selected} FROM link_clicks WHERE {_FOLDED}")


def upgrade() -> None:
    _visitor_days("tracking_id")


def downgrade() -> None:
    _visitor_days()
