"""Configuration, read from the environment (see README, "Konfiguration")."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - refused in production


def database_url(url: str | None) -> str:
    """Accept the usual URL forms and pick the driver the app ships with."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'participation.sqlite'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    # Which configuration this is, set by the class (create_app picks the class
    # from APP_ENV or its argument): the production checks must not depend on
    # APP_ENV being set as well.
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Number of reverse proxies / load balancers in front of the app whose
    # X-Forwarded-For and X-Forwarded-Proto are trusted (0: none, the default).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Zukunft ST <beteiligung@localhost>")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    DISTRICT_DATA = os.environ.get("DISTRICT_DATA", str(BASE_DIR / "data" / "kreis-steinfurt.toml"))
    # Without an SMTP server, mail is written to the log as soon as the request
    # has committed, so a local sign-up can be completed from the console.
    MAIL_DELIVER_AFTER_REQUEST = os.environ.get("MAIL_DELIVER_AFTER_REQUEST", "") == "1" or (
        not MAIL_URL
    )
    MAIL_MAX_ATTEMPTS = 8
    TOKEN_MAX_AGE_CONFIRM = 3 * 24 * 3600
    TOKEN_MAX_AGE_RESET = 2 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "zst_session"
    PERMANENT_SESSION_LIFETIME = 14 * 24 * 3600
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Pages and assets go out compressed (br or gzip), also without a proxy in front.
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500
    SEND_FILE_MAX_AGE_DEFAULT = 3600
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    ACCOUNT_RATE_LIMIT = "5 per minute;30 per hour"
    IDEA_RATE_LIMIT = "5 per 10 minutes;20 per day"
    COMMENT_RATE_LIMIT = "10 per 5 minutes;100 per day"
    SUPPORT_RATE_LIMIT = "60 per minute;600 per day"
    REPORT_RATE_LIMIT = "10 per hour"
    MODERATION_RATE_LIMIT = "120 per minute"
    # Ideas and comments sent faster than this after opening the form are treated as bots.
    MIN_FORM_SECONDS = 3
    # Hide content automatically once this many different people reported it (0: off).
    AUTO_HIDE_REPORTS = int(os.environ.get("AUTO_HIDE_REPORTS", "0") or 0)
    COMMENTS_PREMODERATED = os.environ.get("COMMENTS_PREMODERATED", "") == "1"


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SQLALCHEMY_DATABASE_URI = (
        database_url(os.environ.get("TEST_DATABASE_URL"))
        if os.environ.get("TEST_DATABASE_URL")
        else "sqlite://"
    )
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_URL = ""
    MAIL_DELIVER_AFTER_REQUEST = False
    MIN_FORM_SECONDS = 0
    SITE_URL = "http://localhost"
    SERVER_NAME = None


CONFIGS = {"development": Config, "production": ProductionConfig, "test": TestConfig}
