"""The Flask application: the ingest API and the job seeker's dashboard in one process."""

from pathlib import Path

from flask import Flask

from webapp import config, db, security
from webapp.extensions import csrf, htmx, login_manager

PACKAGE_DIR = Path(__file__).parent


def _resource_dir(name: str) -> str:
    """templates/ and static/ live at the repository's top level; a built wheel carries
    them inside the package instead."""
    inside = PACKAGE_DIR / name
    return str(inside if inside.is_dir() else PACKAGE_DIR.parent / name)


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=_resource_dir("templates"),
        static_folder=_resource_dir("static"),
    )
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret_key(app.instance_path)

    db.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    security.init_app(app)

    from ingest import api as ingest_api
    from ingest import errors as api_errors
    from webapp import applications, auth, cli, dashboard, settings
    from webapp.alerts import views as alerts_views

    app.register_blueprint(ingest_api.bp)
    csrf.exempt(ingest_api.bp)
    api_errors.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(applications.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(alerts_views.bp)
    cli.init_app(app)
    return app
