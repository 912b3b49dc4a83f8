"""The owner's settings: time zone, ingest API keys, and the test console."""

import json
from functools import cache
from zoneinfo import available_timezones

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.accounts import apikeys
from webapp.applications import links
from webapp.db import get_db, get_session
from webapp.models import ApiKey, User
from webapp.stats import devices

bp = Blueprint("settings", __name__, url_prefix="/settings")

SAMPLE_TRACKING_ID = "sample-tracking-id"
SAMPLE_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36"
)


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the signed-in owner."""


@cache
def time_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def _render_index(new_key=None, key_name="", key_error=None, zone_error=None, status=200):
    with get_db().read() as connection:
        your_devices = devices.list_devices(connection)
    return render_template(
        "settings/index.html", time_zones=time_zones(), keys=apikeys.list_keys(get_session()),
        new_key=new_key, key_name=key_name, key_error=key_error, zone_error=zone_error,
        your_devices=your_devices,
    ), status


@bp.get("")
def index():
    """Time zone and API keys."""
    return _render_index()


@bp.post("/time-zone")
def save_time_zone():
    """Days are bucketed and times shown in this zone; storage stays UTC."""
    zone = request.form.get("time_zone", "").strip()
    if zone not in time_zones():
        return _render_index(zone_error="Choose a time zone from the list.", status=400)
    session = get_session()
    session.get(User, current_user.id).time_zone = zone
    session.commit()
    flash(f"Time zone set to {zone}.", "success")
    return redirect(url_for("settings.index"), 303)


@bp.post("/keys")
def create_key():
    """Create a key and show its plain value this once; only its hash is kept."""
    name = request.form.get("name", "")
    session = get_session()
    try:
        key, plain = apikeys.create_key(session, name)
    except ValueError as problem:
        session.rollback()
        return _render_index(key_name=name, key_error=str(problem), status=400)
    session.commit()
    return _render_index(new_key=plain, key_name=key.name)


@bp.post("/keys/<int:key_id>/revoke")
def revoke_key(key_id: int):
    """Senders using the key are refused from the next request on."""
    session = get_session()
    key = session.get(ApiKey, key_id)
    if key is None:
        abort(404)
    apikeys.revoke_key(session, key.name)
    session.commit()
    flash(f"Revoked the key {key.name}.", "success")
    return redirect(url_for("settings.index"), 303)


@bp.post("/devices/<int:device_id>/forget")
def forget_device(device_id: int):
    """The device is not yours: its clicks are judged by the rules again."""
    get_session().commit()  # the sign-in's write transaction would hold SQLite's write lock
    if not devices.forget_device(get_db(), device_id):
        abort(404)
    flash("Removed the device: its clicks are judged by the rules again.", "success")
    return redirect(url_for("settings.index", _anchor="your-devices"), 303)


def sample_batch(tracking_ids: list[tuple[str, str]]) -> str:
    """A batch a sender could post: one click per recent link, or one sample id."""
    pairs = tracking_ids or [(SAMPLE_TRACKING_ID, "linkedin")]
    events = [
        {"tracking_id": tracking_id, "click_source": source, "user_agent": SAMPLE_USER_AGENT,
         "referrer_url": "https://www.linkedin.com/", "metadata": {"sent_from": "test console"}}
        for tracking_id, source in pairs
    ]
    return json.dumps({"events": events}, indent=2)


@bp.get("/console")
def console():
    """Send sample batches through the real ingest API, as a sender would."""
    batch = sample_batch(links.recent_tracking_ids(get_session()))
    return render_template("settings/console.html", batch=batch)
