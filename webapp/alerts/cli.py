"""`tracking-ingest channels ...` for scripted installs, and `tracking-ingest dispatch`."""

import time

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from webapp.alerts import channels as channel_store
from webapp.alerts import dispatcher, outbox
from webapp.alerts.models import AlertDelivery
from webapp.database import migrate
from webapp.database.db import get_db


def _write(work):
    """work(session) in one committed write transaction, migrated first."""
    database = get_db()
    migrate.upgrade(database.engine)
    with database.write_sessions() as session, session.begin():
        return work(session)


@click.group("channels")
def channels_group():
    """Alert channels: Apprise notification URLs and signed webhooks."""


@channels_group.command("add")
@click.argument("name")
@click.argument("url")
@with_appcontext
def add_command(name, url):
    """Add a channel with the default rule (the first person on an application). An
    http(s) URL is a signed webhook: its secret is printed once, alone on the last line."""
    secret_key = current_app.config["SECRET_KEY"]
    try:
        channel, secret = _write(
            lambda session: channel_store.create_channel(session, secret_key, name, url))
    except ValueError as problem:
        raise click.ClickException(str(problem)) from problem
    kind = "webhook" if secret else "Apprise"
    click.echo(f"Added {kind} channel {channel.name!r} ({channel.masked}); it alerts on the "
               "first person on an application.")
    if secret:
        click.echo("Receivers verify its requests with this signing secret. It is shown only "
                   "now; store it safely:")
        click.echo(secret)


@channels_group.command("list")
@with_appcontext
def list_command():
    """Names, kinds, masked addresses and rules; never a full address or secret."""
    migrate.upgrade(get_db().engine)
    with get_db().read_sessions() as session:
        found = channel_store.list_channels(session)
        failing = set(outbox.failing_channels(session.connection()))
    if not found:
        click.echo("No channels yet. Add one with: tracking-ingest channels add NAME URL")
        return
    row = "{:<20} {:<8} {:<40} {:<8} {}"
    click.echo(row.format("NAME", "KIND", "ADDRESS", "STATE", "RULES"))
    for channel in found:
        click.echo(row.format(channel.name, channel.kind, channel.masked,
                              "failing" if channel.name in failing else "ok",
                              channel_store.rules_summary(channel)))


@channels_group.command("remove")
@click.argument("name")
@with_appcontext
def remove_command(name):
    """Remove a channel and its delivery history."""
    def work(session):
        channel_store.remove_channel(session, channel_store.find_channel(session, name))

    try:
        _write(work)
    except LookupError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Removed channel {name!r}.")


@channels_group.command("test")
@click.argument("name")
@click.option("--wait", default=0.0, type=float,
              help="Seconds to wait for the dispatcher's answer (0: only queue it).")
@with_appcontext
def test_command(name, wait):
    """Queue a test message through the outbox; the running dispatcher sends it."""
    def work(session):
        channel = channel_store.find_channel(session, name)
        return outbox.queue_test(session.connection(), channel.id)

    try:
        delivery_id = _write(work)
    except LookupError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Queued test {delivery_id} for {name!r}.")
    if wait <= 0:
        click.echo("It is sent by the dispatcher (`tracking-ingest serve` or `dispatch`).")
        return
    status, error = _wait_for(delivery_id, wait)
    if status == "delivered":
        click.echo("Delivered.")
        return
    raise click.ClickException(
        f"Not delivered yet ({error})" if error else
        f"No dispatcher sent it within {wait:g} s: is `tracking-ingest serve` running?")


def _wait_for(delivery_id: str, seconds: float):
    deadline = time.monotonic() + seconds
    while True:
        with get_db().engine.connect() as connection:
            status, error = connection.execute(
                select(AlertDelivery.status, AlertDelivery.last_error)
                .where(AlertDelivery.delivery_id == delivery_id)).one()
        if status != "pending" or error or time.monotonic() >= deadline:
            return status, error
        time.sleep(0.2)


@click.command("dispatch")
@click.option("--poll", default=1.0, show_default=True, type=click.FloatRange(0.05),
              help="Seconds between polls of the outbox.")
@click.option("--lease-seconds", default=30.0, show_default=True, type=click.FloatRange(1),
              help="How long a silent dispatcher keeps the lease before another takes over.")
@click.option("--retry-base", default=10.0, show_default=True, type=click.FloatRange(0.01),
              help="First retry delay in seconds; it doubles per try, with jitter.")
@with_appcontext
def dispatch_command(poll, lease_seconds, retry_base):
    """Send alerts from the outbox until stopped (one active across processes and hosts)."""
    migrate.upgrade(get_db().engine)
    click.echo("Alerts dispatcher running.")
    dispatcher.run_until_signalled(current_app._get_current_object(), poll=poll,
                                   lease_seconds=lease_seconds, retry_base=retry_base,
                                   announce=lambda message: click.echo(message, err=True))


def init_app(app) -> None:
    app.cli.add_command(channels_group)
    app.cli.add_command(dispatch_command)
