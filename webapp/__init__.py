"""The Flask application: the ingest API and the job seeker's dashboard in one process.

Importing this package loads nothing heavy: gunicorn's master imports the server's worker
class from webapp.serving and must hold no copy of the app (create_app imports it)."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).parent


def _resource_dir(name: str) -> str:
    """templates/ and static/ live at the repository's top level; a built wheel carries
    them inside the package instead."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None):
    """The app: layered config, extensions, and every blueprint, registered here."""
    from flask import Flask

    from ingest import api as ingest_api
    from webapp import cli, config
    from webapp.accounts import auth, settings
    from webapp.alerts import views as alerts
    from webapp.applications import link_pages, removal
    from webapp.applications import views as applications
    from webapp.dashboard import export, unmatched
    from webapp.dashboard import views as dashboard
    from webapp.database import db
    from webapp.extensions import csrf, htmx, login_manager
    from webapp.presentation import formatting
    from webapp.serving import background
    from webapp.web import error_pages, guards, security
    from webapp.web.routing import RowIdConverter

    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    # Tests configure the app alone: the developer's environment never leaks into them.
    app.config.update(config.from_environment() if test_config is None else test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    app.url_map.converters["int"] = RowIdConverter
    guards.init_app(app)  # first: limits hold before CSRF reads a form
    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    security.init_app(app)
    formatting.init_app(app)

    app.register_blueprint(ingest_api.bp)
    csrf.exempt(ingest_api.bp)
    error_pages.init_app(app)
    for blueprint in (auth.bp, dashboard.bp, export.bp, unmatched.bp, applications.bp,
                      settings.bp, alerts.bp, link_pages.bp, removal.bp):
        app.register_blueprint(blueprint)
    cli.init_app(app)
    background.connect_alerts()  # wherever clicks are settled, alerts are decided
    return app
