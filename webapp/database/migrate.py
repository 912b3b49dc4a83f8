"""Apply the Alembic migrations shipped inside the package.

Alembic is imported only when migrating, so serving workers never carry it."""

from pathlib import Path

from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent; serve runs it on every start)."""
    from alembic import command

    with engine.execution_options(sqlite_immediate=True).begin() as connection:
        command.upgrade(alembic_config(connection), "head")
