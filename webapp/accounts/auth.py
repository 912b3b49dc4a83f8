"""Signing in: the one-time owner setup, login with throttled failures, and logout."""

import secrets
from functools import cache
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, logout_user
from htmx_flask import request as htmx_request
from sqlalchemy import select, text

from webapp.accounts import apikeys, login_throttle, sessions, site, users, zones
from webapp.accounts.safe_redirect import safe_next
from webapp.database.db import get_db, get_session
from webapp.extensions import login_manager
from webapp.models import ApiKey, User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
_USERS_EXIST = "auth.users_exist"
# Paths that never lead to setup: the JSON API and the files every page needs.
_NEVER_GATED = ("/api/", "/static/")
_SETUP_ENDPOINTS = ("auth.setup", "auth.create_owner", "static")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    return sessions.user_of(get_session(), session_id)


@login_manager.unauthorized_handler
def ask_to_log_in():
    """To the login page and back; an htmx region sends the whole page there, not itself."""
    if htmx_request.htmx:
        page = urlsplit(htmx_request.htmx.current_url or "")
        back = safe_next(page.path + (f"?{page.query}" if page.query else ""))
        response = make_response("", 401)
        response.headers["HX-Redirect"] = url_for("auth.login", next=back)
        return response
    flash(login_manager.login_message, "error")
    # A form posted after the session ended cannot be replayed; only pages are returned to.
    back = safe_next(request.full_path.rstrip("?")) if request.method == "GET" else None
    return redirect(url_for("auth.login", next=back))


def users_exist() -> bool:
    """Once a user exists it stays so, so a worker asks the database only until then."""
    if current_app.extensions.get(_USERS_EXIST):
        return True
    # Its own short read, so a POST does not open the request's write transaction here.
    with get_db().engine.connect() as connection:
        exists = connection.scalar(select(User.id).limit(1)) is not None
    current_app.extensions[_USERS_EXIST] = exists
    return exists


@bp.before_app_request
def lead_to_setup():
    """While nobody can log in, every page leads to the one-time setup."""
    if request.path.startswith(_NEVER_GATED) or request.endpoint in _SETUP_ENDPOINTS:
        return None
    if not users_exist():
        return redirect(url_for("auth.setup"))
    return None


@cache
def _decoy_hash() -> str:
    return PasswordHasher().hash(secrets.token_urlsafe(16))


def _free_key_name(session, first_name: str) -> str:
    """The first key is named after the site that sends clicks; a revoked namesake is kept."""
    taken = set(session.scalars(select(ApiKey.name)))
    name, number = first_name, 1
    while name in taken:
        number += 1
        name = f"{first_name} {number}"
    return name


def _render_setup(values: dict, errors: dict, status: int = 200):
    return render_template("auth/setup.html", values=values, errors=errors,
                           link_path=site.LINK_PATH), status


@bp.get("/setup")
def setup():
    """The owner account form, shown only while no user exists."""
    if users_exist():
        return redirect(url_for("auth.login"))
    return _render_setup({"email": "", "site": site.configured_address()}, {})


@bp.post("/setup")
def create_owner():
    """Create the owner and, when no key can ingest yet, the first API key, shown once."""
    if users_exist():
        flash("Setup is already done. Log in instead.", "error")
        return redirect(url_for("auth.login"), 303)
    email = users.normalise_email(request.form.get("email", ""))
    password = request.form.get("password", "")
    errors = users.account_problems(email, password)
    if password != request.form.get("password_again", "") and "password" not in errors:
        errors["password_again"] = "The two passwords differ."
    address, site_problem = site.parse_address(request.form.get("site", ""))
    if site_problem:
        errors["site"] = site_problem
    if errors:
        return _render_setup({"email": email, "site": request.form.get("site", "")}, errors, 400)
    session = get_session()
    _serialise_setup(session)
    if users.user_count(session):  # another setup won the race
        return redirect(url_for("auth.login"), 303)
    user = users.create_user(session, email, password)
    zones.adopt_browser_zone(user, request.form.get("browser_time_zone", ""))
    site.save_address(session, address)
    plain_key = key_name = None
    if not apikeys.active_key_exists(session):
        key, plain_key = apikeys.create_key(session, _free_key_name(session, site.key_name(address)))
        key_name = key.name
    session.commit()
    current_app.extensions[_USERS_EXIST] = True
    sessions.sign_in(session, user)
    return render_template("auth/setup_done.html", api_key=plain_key, key_name=key_name)


def _serialise_setup(session) -> None:
    """Two setups at once must not make two owners. SQLite's write session already holds
    the write lock (BEGIN IMMEDIATE); PostgreSQL takes a lock on the users table."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"))


def _after_login() -> str:
    return safe_next(request.values.get("next")) or url_for("dashboard.index")


@bp.get("/login")
def login():
    """The login form; a signed-in visitor goes straight on."""
    if current_user.is_authenticated:
        return redirect(_after_login())
    return render_template("auth/login.html", email="", error=None,
                           next=safe_next(request.args.get("next")))


@bp.post("/login")
def login_submit():
    """Check the password once the attempt is counted; a device that signed in before is
    counted apart, so guessing elsewhere never locks its owner out."""
    email = users.normalise_email(request.form.get("email", ""))
    password = request.form.get("password", "")
    next_path = safe_next(request.form.get("next"))
    secret = current_app.secret_key
    device = login_throttle.trusted_device(
        secret, request.cookies.get(login_throttle.DEVICE_COOKIE), email)
    database = get_db()
    with database.counters_transaction() as counters:
        wait = login_throttle.count_attempt(
            counters, login_throttle.buckets(email, request.remote_addr, device))
    if wait:
        error = f"Too many attempts, try again in {login_throttle.minutes(wait)} minutes."
        return render_template("auth/login.html", email=email, error=error, next=next_path), 429
    with database.read_sessions() as session:
        user = users.find_user(session, email)
    if user is not None and users.check_password(user, password):
        with database.write_sessions() as session:
            user = session.merge(user)
            if zones.adopt_browser_zone(user, request.form.get("browser_time_zone", "")):
                flash(f"Times are shown in {user.time_zone}, your browser's time zone. "
                      "Change it in Settings.", "success")
            sessions.sign_in(session, user)
        response = redirect(next_path or url_for("dashboard.index"))
        if device is None:
            response.set_cookie(
                login_throttle.DEVICE_COOKIE, login_throttle.device_cookie(secret, email),
                max_age=login_throttle.DEVICE_COOKIE_DAYS * 86400, httponly=True,
                samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
        return response
    if user is None:  # spend the same time as a real check, so timing does not reveal emails
        users.check_password(User(password_hash=_decoy_hash()), password)
    error = "Wrong email or password."
    return render_template("auth/login.html", email=email, error=error, next=next_path), 401


@bp.post("/logout")
def logout():
    """End the session here and on the server; POST only, so no link or image can log a
    person out."""
    if current_user.is_authenticated:
        apikeys.revoke_short_lived(get_session())
        sessions.end(get_session(), current_user)
    logout_user()
    flash("You are logged out.", "success")
    return redirect(url_for("auth.login"), 303)
