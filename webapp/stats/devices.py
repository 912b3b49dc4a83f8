"""The job seeker's own devices ("This was me"): marking or forgetting one re-settles its
clicks, whose kind becomes `you` (never a person) or what the rules say again."""

from sqlalchemy import Connection, delete, select

from webapp.database.db import Database, dialect_insert
from webapp.models import YourDevice
from webapp.stats.scope import clicks
from webapp.stats.settle import resettle_device

devices = YourDevice.__table__


def list_devices(connection: Connection) -> list:
    return connection.execute(select(devices).order_by(devices.c.created_at.desc(),
                                                       devices.c.id.desc())).all()


def mark_click_as_you(database: Database, click_id: int) -> bool:
    """Mark the device (address and agent) of a click as yours; False for an unknown click."""
    with database.read() as connection:
        found = connection.execute(select(clicks.c.ip_address, clicks.c.user_agent)
                                   .where(clicks.c.id == click_id)).one_or_none()
    if found is None:
        return False
    with database.write_transaction() as connection:
        connection.execute(dialect_insert(connection, devices)
                           .values(ip_address=found.ip_address, user_agent=found.user_agent)
                           .on_conflict_do_nothing())
    resettle_device(database, found.ip_address, found.user_agent)
    return True


def forget_device(database: Database, device_id: int) -> bool:
    """The device is not yours after all: its clicks are judged by the rules again."""
    with database.write_transaction() as connection:
        found = connection.execute(delete(devices).where(devices.c.id == device_id)
                                   .returning(devices.c.ip_address, devices.c.user_agent)
                                   ).one_or_none()
    if found is None:
        return False
    resettle_device(database, found.ip_address, found.user_agent)
    return True
