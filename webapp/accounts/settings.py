"""The owner's settings: their site, password, time zone, ingest API keys, the test console."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from webapp.accounts import apikeys, site, users, zones
from webapp.accounts import console as test_console
from webapp.applications import deletion
from webapp.database.db import get_db, get_session
from webapp.models import ApiKey, User
from webapp.stats import devices

bp = Blueprint("settings", __name__, url_prefix="/settings")
PASSWORD_LABELS = {"current_password": "Current password", "new_password": "New password",
                   "new_password_again": "Repeat new password"}


@bp.before_request
@login_required
def require_login():
    """Every page here belongs to the signed-in owner."""


def _render_index(new_key=None, key_name="", key_error=None, zone_error=None, site_value=None,
                  site_error=None, password_errors=None, status=200):
    session = get_session()
    with get_db().read() as connection:
        your_devices = devices.list_devices(connection)
    address = site.stored_address(session)
    return render_template(
        "settings/index.html", time_zones=zones.time_zones(), keys=apikeys.list_keys(session),
        new_key=new_key, key_name=key_name, key_error=key_error, zone_error=zone_error,
        your_devices=your_devices,
        site_values={"site": (address or site.configured_address())
                     if site_value is None else site_value},
        site_errors={"site": site_error} if site_error else {}, site_saved=address,
        link_path=site.LINK_PATH, password_errors=password_errors or {},
        password_labels=PASSWORD_LABELS,
    ), status


@bp.get("")
def index():
    """Site, password, time zone and API keys."""
    return _render_index()


@bp.post("/site")
def save_site():
    """Every tracked link's URL is made from this address from now on."""
    raw = request.form.get("site", "")
    address, problem = site.parse_address(raw)
    if problem:
        return _render_index(site_value=raw, site_error=problem, status=400)
    session = get_session()
    site.save_address(session, address)
    session.commit()
    flash(f"Tracked links now point at {address}.", "success")
    return redirect(url_for("settings.index") + "#own-site", 303)


@bp.post("/password")
def change_password():
    """A new password after the current one; other signed-in browsers keep their session."""
    form = {name: request.form.get(name, "") for name in PASSWORD_LABELS}
    session = get_session()
    user = session.get(User, current_user.id)
    errors = {}
    if not users.check_password(user, form["current_password"]):
        errors["current_password"] = "The current password is not right."
    if problem := users.password_problem(form["new_password"]):
        errors["new_password"] = problem
    elif form["new_password"] != form["new_password_again"]:
        errors["new_password_again"] = "The two new passwords differ."
    if errors:
        return _render_index(password_errors=errors, status=400)
    users.set_password(user, form["new_password"])
    session.commit()
    flash("Your password is changed.", "success")
    return redirect(url_for("settings.index") + "#password", 303)


@bp.post("/time-zone")
def save_time_zone():
    """Days are bucketed and times shown in this zone; storage stays UTC."""
    zone = request.form.get("time_zone", "").strip()
    if zone not in zones.time_zones():
        return _render_index(zone_error="Choose a time zone from the list.", status=400)
    session = get_session()
    zones.choose(session.get(User, current_user.id), zone)
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


@bp.get("/console")
def console():
    """Send sample batches through the real ingest API, as a sender would."""
    session = get_session()
    batch = test_console.sample_batch(test_console.sample_links(session))
    return render_template("settings/console.html", batch=batch,
                           test_clicks=deletion.click_count(session, test_console.test_click_condition(session)),
                           key_minutes=test_console.KEY_MINUTES)


@bp.post("/console/key")
def console_key():
    """A key for this signed-in browser's console: it goes through the same door as a
    sender's key and stops working after a few minutes or at logout."""
    session = get_session()
    key, plain = apikeys.create_short_lived_key(session, test_console.KEY_MINUTES)
    session.commit()
    return jsonify(key=plain, expires_at=key.expires_at.isoformat() + "Z")


@bp.get("/console/companies")
def console_companies():
    """The company of each tracking id, so the console answers in names."""
    tracking_ids = request.args.getlist("tid")[:1000]
    return jsonify(test_console.companies_of(get_session(), tracking_ids))


@bp.post("/console/test-clicks/delete")
def delete_test_clicks():
    """Remove every click the console sent (metadata {"test": true}) in one action."""
    session = get_session()
    removed = deletion.delete_clicks(session, test_console.test_click_condition(session))
    session.commit()
    flash(f"Deleted {removed:,} test click{'' if removed == 1 else 's'}.", "success")
    return redirect(url_for("settings.console"), 303)
