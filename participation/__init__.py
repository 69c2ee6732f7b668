"""#Zukunft ST participation platform: the application factory."""

import logging
import os
from pathlib import Path

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, CONFIGS, DEV_SECRET_KEY, INSTANCE_DIR, installation_secret_key

from .extensions import (
    babel,
    compress,
    csrf,
    db,
    enforce_foreign_keys,
    limiter,
    login_manager,
    migrate,
)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    config_name = config_name or os.environ.get("APP_ENV", "development")
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    _configure_logging(app)  # first: the checks below may already warn
    _installation_secret_for_development(app)
    _refuse_unsafe_production(app)
    INSTANCE_DIR.mkdir(exist_ok=True)
    _init_extensions(app)
    from .input_guard import init_input_guard

    init_input_guard(app)  # before the blueprints: their routes use its id converter
    _register_blueprints(app)
    _register_request_boundary(app)
    from . import errors, security, templating
    from .cli import register_cli
    from .observability import init_observability

    errors.init_errors(app)
    security.init_security(app)
    templating.init_templating(app)
    register_cli(app)
    init_observability(app)  # last: its hooks frame all the others
    from .observability.copies import copy_served
    from .pagecache import init_page_cache

    init_page_cache(app, served=copy_served(bool(app.config.get("ACCESS_LOG"))))
    _trust_proxies(app)  # outermost: the cache sees the client's scheme and host
    return app


def _installation_secret_for_development(app: Flask) -> None:
    if app.config["ENV_NAME"] == "development" and not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = installation_secret_key(Path(app.config["SECRET_KEY_FILE"]))


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(key) < 32:
        raise RuntimeError(
            "SECRET_KEY fehlt oder ist zu kurz: setzen Sie in Produktion einen zufälligen "
            "Schlüssel mit mindestens 32 Zeichen (z. B. python -c 'import secrets; "
            "print(secrets.token_hex(32))')."
        )
    if app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        logging.getLogger("participation").warning(
            "RATELIMIT_STORAGE_URI ist memory://: jeder Worker zählt für sich. "
            "Setzen Sie in Produktion Redis, z. B. redis://127.0.0.1:6379/0."
        )


def _trust_proxies(app: Flask) -> None:
    """Behind a load balancer, take the client's address from X-Forwarded-For.

    Only as many hops as configured are trusted: without a proxy the header is
    ignored, so nobody can dodge the per-address rate limits by sending it.
    """
    hops = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _configure_logging(app: Flask) -> None:
    from .observability.logs import configure_logging

    configure_logging(app)


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401 - registers every table

    db.init_app(app)
    with app.app_context():
        enforce_foreign_keys(db.engine)
    from .models import include_object

    migrate.init_app(
        app,
        db,
        directory=str(BASE_DIR / "migrations"),
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    csrf.init_app(app)
    compress.init_app(app)
    babel.init_app(app, locale_selector=lambda: "de")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Bitte melden Sie sich an, um diese Seite zu sehen."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    from .accounts.sessions import load_user_from_session, send_to_login

    login_manager.user_loader(load_user_from_session)
    login_manager.unauthorized_handler(send_to_login)


def _register_blueprints(app: Flask) -> None:
    from . import notifications
    from .accounts.second_factor.views import bp as second_factor_bp
    from .accounts.session_views import bp as sessions_bp
    from .accounts.views import bp as accounts_bp
    from .admin.views import bp as admin_bp
    from .health import bp as health_bp
    from .ideas.views import bp as ideas_bp
    from .moderation.report_views import bp as reports_bp
    from .moderation.views import bp as moderation_bp
    from .observability.views import bp as observability_bp
    from .pages.views import bp as pages_bp
    from .photos.views import bp as photos_bp
    from .privacy.views import bp as privacy_bp
    from .projects.views import bp as projects_bp
    from .rating.views import bp as rating_bp
    from .reports.views import bp as pipeline_reports_bp
    from .roadmap.views import bp as roadmap_bp
    from .sharing.views import bp as sharing_bp
    from .strategy.views import bp as strategy_bp

    app.register_blueprint(strategy_bp)
    app.register_blueprint(pages_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(second_factor_bp)
    app.register_blueprint(ideas_bp)
    app.register_blueprint(photos_bp)
    app.register_blueprint(moderation_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(rating_bp)
    app.register_blueprint(projects_bp)
    app.register_blueprint(roadmap_bp)
    app.register_blueprint(sharing_bp)
    app.register_blueprint(pipeline_reports_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(health_bp)
    app.register_blueprint(observability_bp)
    notifications.init_app(app)


def _register_request_boundary(app: Flask) -> None:
    """Exactly one commit per request, at its end; anything that failed rolls back."""

    @app.after_request
    def commit_session(response: Response) -> Response:
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def deliver_mail(error: BaseException | None) -> None:
        if error is None and app.config["MAIL_DELIVER_AFTER_REQUEST"]:
            from .outbox.services import deliver_pending_after_request

            deliver_pending_after_request()
