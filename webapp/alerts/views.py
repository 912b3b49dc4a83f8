"""Settings -> Alerts: channels, their rules, a test button and recent deliveries."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from htmx_flask import request as htmx_request

from webapp.alerts import channels as channel_store
from webapp.alerts import outbox
from webapp.alerts.models import AlertChannel
from webapp.database.db import get_session

bp = Blueprint("alerts", __name__, url_prefix="/settings/alerts")

WHAT = {"first_person": "First person", "person_click": "Person on an active application",
        "came_back": "Came back after a quiet week", "digest": "Daily digest", "test": "Test"}


@bp.before_request
@login_required
def require_login():
    """Channels hold the owner's credentials."""


def _local(moment: datetime | None) -> str:
    if moment is None:
        return "–"
    zone = ZoneInfo(current_user.time_zone)
    return moment.replace(tzinfo=UTC).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _card(channel: AlertChannel, note: str | None = None, error: str | None = None) -> dict:
    connection = get_session().connection()
    return {"channel": channel, "deliveries": outbox.recent(connection, channel.id),
            "failing": channel.name in outbox.failing_channels(connection),
            "note": note, "rules_error": error, "local": _local, "what": WHAT}


def _render_index(values=None, error=None, new_secret=None, new_name=None, status=200):
    session = get_session()
    cards = [_card(channel) for channel in channel_store.list_channels(session)]
    return render_template("alerts/index.html", cards=cards, values=values or {},
                           error=error, new_secret=new_secret, new_name=new_name,
                           hours=range(24)), status


def _channel_or_404(channel_id: int) -> AlertChannel:
    channel = get_session().get(AlertChannel, channel_id)
    if channel is None:
        abort(404)
    return channel


def _answer(channel: AlertChannel, message: str, error: str | None = None):
    """htmx swaps the channel's card; a plain form post goes back to the page."""
    if htmx_request.htmx:
        return render_template("alerts/_channel.html", **_card(channel, message, error)), \
            400 if error else 200
    if error:
        flash(error, "error")
    else:
        flash(message, "success")
    return redirect(url_for("alerts.index", _anchor=f"channel-{channel.id}"), 303)


@bp.get("")
def index():
    """Every channel with its rules and recent deliveries, and the form to add one."""
    return _render_index()


@bp.post("/channels")
def add_channel():
    """Add a channel; a webhook's signing secret is shown this once."""
    values = {name: request.form.get(name, "") for name in ("name", "url")}
    session = get_session()
    try:
        channel, secret = channel_store.create_channel(
            session, current_app.config["SECRET_KEY"], values["name"], values["url"])
    except ValueError as problem:
        session.rollback()
        return _render_index(values={"name": values["name"]}, error=str(problem), status=400)
    session.commit()
    if secret:
        return _render_index(new_secret=secret, new_name=channel.name)
    flash(f"Added the channel {channel.name}. Send a test to check it.", "success")
    return redirect(url_for("alerts.index", _anchor=f"channel-{channel.id}"), 303)


@bp.get("/channels/<int:channel_id>/deliveries")
def deliveries(channel_id: int):
    """A channel's recent deliveries, polled by htmx so results appear as they happen."""
    return render_template("alerts/_deliveries.html", **_card(_channel_or_404(channel_id)))


@bp.post("/channels/<int:channel_id>/rules")
def save_rules(channel_id: int):
    """Which events this channel hears about."""
    channel = _channel_or_404(channel_id)
    raw_hour = request.form.get("digest_hour", "").strip()
    session = get_session()
    try:
        hour = int(raw_hour) if raw_hour else None
        channel_store.set_rules(channel, "first_person" in request.form,
                                "every_active_click" in request.form,
                                "came_back" in request.form, hour)
    except ValueError:
        session.rollback()
        return _answer(channel, "", "The digest hour must be between 0 and 23.")
    session.commit()
    return _answer(channel, "Rules saved.")


@bp.post("/channels/<int:channel_id>/test")
def send_test(channel_id: int):
    """Queue a test through the same outbox and dispatcher as real alerts."""
    channel = _channel_or_404(channel_id)
    session = get_session()
    outbox.queue_test(session.connection(), channel.id)
    session.commit()
    return _answer(channel, "Test queued: it is sent within seconds; its result shows below.")


@bp.post("/channels/<int:channel_id>/remove")
def remove(channel_id: int):
    """Remove the channel and its deliveries."""
    channel = _channel_or_404(channel_id)
    session = get_session()
    name = channel.name
    channel_store.remove_channel(session, channel)
    session.commit()
    flash(f"Removed the channel {name}.", "success")
    return redirect(url_for("alerts.index"), 303)
