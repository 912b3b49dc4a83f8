"""The database lease that lets one process at a time settle kinds or send alerts, on SQLite
and PostgreSQL."""

from datetime import timedelta

from webapp.database import lease as lease_module
from webapp.database.db import get_db
from webapp.database.lease import Lease


def test_one_holder_at_a_time_until_the_lease_runs_out(app, monkeypatch):
    with app.app_context():
        first, second = Lease(get_db(), "settler", 60), Lease(get_db(), "settler", 60)
        assert first.take() and not second.take()
        assert first.hold()
        first.release()
        assert second.take() and not first.take()
        clock = [lease_module.utcnow()]
        monkeypatch.setattr(lease_module, "utcnow", lambda: clock[0])
        clock[0] += timedelta(seconds=61)  # the holder died without giving it back
        assert first.take() and not second.hold()
        clock[0] += timedelta(seconds=21)  # a third has passed: the holder renews
        assert first.hold() and not second.take(wait_seconds=0.5)
        clock[0] += timedelta(seconds=59)  # renewed 59 s ago: still held
        assert not second.hold()
