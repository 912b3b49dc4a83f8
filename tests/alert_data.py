"""Clicks settled by hand for alert tests: insert a click, then hand decide() its kind, as
the fold will once click kinds exist."""

import time
from datetime import datetime

from sqlalchemy import insert, select, update

from tests.dashboard_data import add_application
from webapp.alerts.channels import create_channel
from webapp.alerts.decide import decide
from webapp.alerts.models import AlertDelivery
from webapp.database.db import get_db
from webapp.models import Application, LinkClick
from webapp.stats.verdicts import Settled

CHROME = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/131.0.0.0 Safari/537.36")


def application(app, company="Acme", status="applied") -> tuple[int, str]:
    """(application id, its one tracking id)."""
    tracking_id = f"{company.lower()}-linkedin"
    application_id = add_application(app, company, "Backend engineer", {tracking_id: "linkedin"})
    if status != "applied":
        with app.app_context(), get_db().write_transaction() as connection:
            connection.execute(update(Application).where(Application.id == application_id)
                               .values(status=status))
    return application_id, tracking_id


def click(app, tracking_id: str, clicked_at: datetime, user_agent: str = CHROME) -> int:
    with app.app_context(), get_db().write_transaction() as connection:
        return connection.execute(insert(LinkClick).values(
            tracking_id=tracking_id, clicked_at=clicked_at, received_at=clicked_at,
            ip_address="198.51.100.7", user_agent=user_agent, click_source="linkedin",
            kind="person", reason="browser")).inserted_primary_key[0]


def settle(app, *settled: Settled) -> int:
    """decide() in its own write transaction, as the fold's; the number of rows queued."""
    with app.app_context(), get_db().write_transaction() as connection:
        return decide(connection, settled)


def settled(click_id, tracking_id, application_id, clicked_at, kind="person", **more):
    return Settled(click_id=click_id, tracking_id=tracking_id, clicked_at=clicked_at,
                        application_id=application_id, kind=kind, **more)


def channel(app, name: str, url: str, **rules):
    """A channel with the default rule plus any given; (id, signing secret)."""
    with app.app_context(), get_db().write_sessions() as session, session.begin():
        created, secret = create_channel(session, app.config["SECRET_KEY"], name, url)
        for rule, value in rules.items():
            setattr(created, rule, value)
        return created.id, secret


def deliveries(app) -> list:
    """The outbox, oldest first."""
    with app.app_context(), get_db().engine.connect() as connection:
        return connection.execute(select(AlertDelivery).order_by(AlertDelivery.id)).all()


def wait_until(condition, timeout: float = 30.0):
    """condition()'s first truthy value, polled; fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return found
