"""Alembic environment: runs on a connection handed over by webapp.database.migrate."""

from alembic import context

import webapp.alerts.models  # noqa: F401 - its tables join Base.metadata
from webapp.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
