"""The `tracking-ingest` command (also `flask --app webapp ...`)."""

import sys
import time

import click
from flask.cli import FlaskGroup, with_appcontext

from webapp.accounts import apikeys, users
from webapp.alerts import cli as alerts_cli
from webapp.database import migrate
from webapp.database.db import get_db
from webapp.serving import command as server


def _in_write_session(work):
    """Run work(session) in one committed write transaction."""
    with get_db().write_sessions() as session, session.begin():
        return work(session)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
@click.option("--workers", default=server.default_workers, show_default="CPU count, at least 2", type=int)
@click.option("--threads", default=2, show_default=True, type=int,
              help="Threads per worker; more add GIL contention, not speed.")
@with_appcontext
def serve_command(host, port, workers, threads):
    """Apply migrations, then run the production server."""
    from webapp.kinds import networks

    migrate.upgrade(get_db().engine)
    networks.prepare()  # this process becomes gunicorn's master: the table goes with it
    click.echo(f"Serving on http://{host}:{port} with {workers} workers")
    server.exec_gunicorn(host, port, workers, threads)


@click.command("migrate")
@with_appcontext
def migrate_command():
    """Apply database migrations without starting the server."""
    migrate.upgrade(get_db().engine)
    click.echo("Database is up to date.")


@click.group("api-keys")
def api_keys_group():
    """Create, list and revoke ingest API keys."""


@api_keys_group.command("create")
@click.argument("name")
@with_appcontext
def create_key_command(name):
    """Create a key; its plain value is printed once, alone on the last line."""
    migrate.upgrade(get_db().engine)
    try:
        key, plain = _in_write_session(lambda session: apikeys.create_key(session, name))
    except ValueError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Created key {key.name!r} ({key.prefix}…). It is shown only now; store it safely:")
    click.echo(plain)


@api_keys_group.command("list")
@with_appcontext
def list_keys_command():
    """Names, visible prefixes and dates; never a full key."""
    migrate.upgrade(get_db().engine)
    with get_db().read_sessions() as session:
        keys = apikeys.list_keys(session)
    if not keys:
        click.echo("No API keys yet. Create one with: tracking-ingest api-keys create NAME")
        return
    row = "{:<24} {:<12} {:<20} {:<20} {}"
    click.echo(row.format("NAME", "PREFIX", "CREATED (UTC)", "LAST USED (UTC)", "REVOKED (UTC)"))
    for key in keys:
        click.echo(row.format(key.name, key.prefix, _when(key.created_at),
                              _when(key.last_used_at), _when(key.revoked_at)))


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


@api_keys_group.command("revoke")
@click.argument("name")
@with_appcontext
def revoke_key_command(name):
    """Revoke a key; it stops working at once, in every worker."""
    migrate.upgrade(get_db().engine)
    try:
        _in_write_session(lambda session: apikeys.revoke_key(session, name))
    except LookupError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Revoked key {name!r}.")


@click.command("create-user")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user_command(email, password_stdin):
    """Create a dashboard user. Every user shares the one workspace: they see and change
    the same applications, clicks, keys and alerts."""
    migrate.upgrade(get_db().engine)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _in_write_session(lambda session: users.create_user(session, email, password))
    except ValueError as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Created user {user.email}.")


@click.command("bench")
@click.option("--url", default="http://127.0.0.1:5001", show_default=True, help="Base URL of the server.")
@click.option("--key", envvar="BENCH_API_KEY", required=True, help="An ingest API key (or BENCH_API_KEY).")
@click.option("--events", "total_events", default=100_000, show_default=True, type=int)
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 1000))
@click.option("--senders", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option("--tracking-ids", default=300, show_default=True, type=click.IntRange(1))
def bench_command(url, key, total_events, batch_size, senders, tracking_ids):
    """Load-test an ingest API: events/s, latency percentiles, non-200 answers."""
    from webapp.tools.bench import run_benchmark

    result = run_benchmark(url, key, total_events, batch_size, senders, tracking_ids)
    click.echo(result.report())
    if result.non_200:
        raise SystemExit(1)


@click.command("bench-suite")
@click.option("--database-url", help="Benchmark this database instead of a fresh SQLite file.")
@click.option("--workers", type=int, help="Server workers (serve's default when omitted).")
@click.option("--pin-cpu", type=int, help="Pin server and load to this CPU and compare one "
              "1000-event request with the floor, alternately.")
def bench_suite_command(database_url, workers, pin_cpu):
    """The contract's ingest scenarios against a freshly started server."""
    from webapp.tools.bench_suite import run_suite

    run_suite(database_url, workers, pin_cpu, click.echo)


@click.command("demo-data")
@click.option("--clicks", default=5000, show_default=True, type=click.IntRange(min=0))
@click.option("--days", default=180, show_default=True, type=click.IntRange(min=1))
@click.option("--seed", default=None, type=int, help="Same seed, same pattern of clicks.")
@with_appcontext
def demo_data_command(clicks, days, seed):
    """Fill the database with realistic applications, links and clicks."""
    from webapp.tools.demo_data import fill

    database = get_db()
    migrate.upgrade(database.engine)
    started = time.perf_counter()
    folded = fill(database, clicks, days, seed)
    click.echo(f"Added {clicks} demo clicks over {days} days "
               f"in {time.perf_counter() - started:.1f} s (kinds settled and rollups folded in "
               f"{folded:.1f} s).")


@click.command("bench-dashboard")
@click.argument("url")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, envvar="BENCH_PASSWORD")
@click.option("--runs", default=20, show_default=True, type=click.IntRange(min=1))
def bench_dashboard_command(url, email, password, runs):
    """Time the dashboard page and each region (default filters, 90 days, all time)."""
    from webapp.tools.dashboard_bench import run

    run(url, email, password, runs, click.echo)


@click.command("settle")
@click.option("--loop", is_flag=True, help="Keep settling every few seconds until stopped "
              "(run it beside the web workers).")
@with_appcontext
def settle_command(loop):
    """Settle the kinds of clicks that are due, then fold them into the rollups."""
    import signal
    import threading

    from flask import current_app

    from webapp.stats.settle import run_settler, settle_and_fold

    database = get_db()
    migrate.upgrade(database.engine)
    if not loop:
        settle_and_fold(database, wait=True)
        click.echo("Settled every click that was due.")
        return
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    click.echo("Settling every few seconds; stop with Ctrl-C.")
    run_settler(current_app._get_current_object(), stop)


@click.command("export")
@click.option("--format", "form", type=click.Choice(["csv", "jsonl"]), default="csv",
              show_default=True)
@click.option("--since", help="Only clicks at or after this ISO 8601 date or time (UTC).")
@click.option("--until", help="Only clicks before this ISO 8601 date or time (UTC).")
@with_appcontext
def export_command(form, since, until):
    """Write every click (all kinds, matched or not) to standard output, oldest first."""
    from webapp.tools.export_clicks import export, parse_moment

    try:
        bounds = parse_moment(since), parse_moment(until)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from problem
    database = get_db()
    migrate.upgrade(database.engine)
    export(database, sys.stdout, form, *bounds)


@click.command("reclassify")
@click.option("--since", help="Only clicks at or after this ISO 8601 date (UTC).")
@with_appcontext
def reclassify_command(since):
    """Judge clicks again with the current rules, and recount the rollups (after an upgrade
    that changed the rules)."""
    from webapp.stats.settle import reclassify
    from webapp.tools.export_clicks import parse_moment

    try:
        start = parse_moment(since)
    except ValueError as problem:
        raise click.BadParameter(str(problem)) from problem
    database = get_db()
    migrate.upgrade(database.engine)
    started = time.perf_counter()
    changed = reclassify(database, start)
    click.echo(f"Reclassified: {changed} clicks changed in {time.perf_counter() - started:.1f} s.")


def init_app(app) -> None:
    for command in (
        serve_command, migrate_command, api_keys_group, create_user_command, bench_command,
        bench_suite_command, demo_data_command, bench_dashboard_command, settle_command,
        export_command, reclassify_command,
    ):
        app.cli.add_command(command)
    alerts_cli.init_app(app)


def _create_app():
    from webapp import create_app

    return create_app()


main = FlaskGroup(
    name="tracking-ingest",
    help="Click tracking for job seekers: ingest API and dashboard.",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=True,
)
