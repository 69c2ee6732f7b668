"""Configuration, read from the environment (see README, "Konfiguration")."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"
# Older versions signed development sessions with this published key: never used now,
# and refused in production.
DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105


def installation_secret_key(path: Path) -> str:
    """Development without SECRET_KEY: a random key, made once per installation.

    Kept in `path` (mode 0600) so sessions survive a restart. Nobody else knows
    it, unlike a key written in the source, so nobody can sign a session cookie.
    """
    key = _read_key(path)
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    try:
        # Appears complete or not at all; a second process starting at the same
        # moment keeps the key the first one wrote.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    key = _read_key(path)
    if key is None:
        raise RuntimeError(f"{path} enthält keinen Schlüssel: löschen Sie die Datei.")
    return key


def _read_key(path: Path) -> str | None:
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        return None
    return key if len(key) >= 32 else None


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
    # Production refuses to start without it; development makes its own (SECRET_KEY_FILE).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = str(INSTANCE_DIR / "secret_key")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Public pages for visitors without a session are kept this many seconds per worker
    # (participation/pagecache.py; 0: off); every committed write drops them at once
    # through a shared number kept in PAGE_CACHE_URI: Redis for several servers, else a
    # file in the instance folder (one server, its workers).
    PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "60"))
    PAGE_CACHE_ENTRIES = int(os.environ.get("PAGE_CACHE_ENTRIES", "2000"))
    PAGE_CACHE_URI = os.environ.get("PAGE_CACHE_URI") or (
        RATELIMIT_STORAGE_URI
        if RATELIMIT_STORAGE_URI.startswith("redis")
        else f"file://{INSTANCE_DIR / 'page-generation'}"
    )
    RATELIMIT_HEADERS_ENABLED = True
    # Number of reverse proxies / load balancers in front of the app whose
    # X-Forwarded-For and X-Forwarded-Proto are trusted (0: none, the default).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
    MAIL_URL = os.environ.get("MAIL_URL", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Zukunft ST <beteiligung@localhost>")
    # Where answers to a mail go (Reply-To); empty: to the sender.
    MAIL_REPLY_TO = os.environ.get("MAIL_REPLY_TO", "").strip()
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/")
    # Notification centre (participation/notifications): at most this many of its mails
    # a person gets a day, summaries included; what is over waits for the next summary.
    NOTIFICATION_MAILS_PER_DAY = int(os.environ.get("NOTIFICATION_MAILS_PER_DAY", "10"))
    # Summaries (`flask notifications summaries`, from cron once a day) list what came
    # in over at most this many days; weekly ones go out on this weekday (0 = Monday).
    NOTIFICATION_SUMMARY_DAYS = 14
    NOTIFICATION_WEEKLY_WEEKDAY = int(os.environ.get("NOTIFICATION_WEEKLY_WEEKDAY", "0"))
    # Where "Barriere melden" sends its reports; empty: the address in MAIL_FROM.
    ACCESSIBILITY_CONTACT = os.environ.get("ACCESSIBILITY_CONTACT", "").strip()
    DISTRICT_DATA = os.environ.get("DISTRICT_DATA", str(BASE_DIR / "data" / "kreis-steinfurt.toml"))
    # Maps (participation/maps.py): off unless a tile server is named, as it is a third
    # party that sees every visitor of a map, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # with MAP_TILE_ATTRIBUTION '&copy; <a href="https://www.openstreetmap.org/copyright">
    # OpenStreetMap</a>-Mitwirkende' (shown under every map, as the server's terms ask).
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "").strip()
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "").strip()
    # Without an SMTP server, mail is written to the log as soon as the request
    # has committed, so a local sign-up can be completed from the console.
    MAIL_DELIVER_AFTER_REQUEST = os.environ.get("MAIL_DELIVER_AFTER_REQUEST", "") == "1" or (
        not MAIL_URL
    )
    MAIL_MAX_ATTEMPTS = 8
    # Retention (`flask retention run`, daily): days after which data is removed. Listed
    # on the Datenschutz page; change both together.
    RETENTION_UNCONFIRMED_DAYS = int(os.environ.get("RETENTION_UNCONFIRMED_DAYS", "7"))
    RETENTION_SENT_MAIL_DAYS = int(os.environ.get("RETENTION_SENT_MAIL_DAYS", "30"))
    # Inbox entries and the events behind them (with moderation reasons) go after this.
    RETENTION_NOTIFICATION_DAYS = int(os.environ.get("RETENTION_NOTIFICATION_DAYS", "180"))
    # Former texts of contributions in the moderation log (an idea before an edit, a
    # deleted comment's words) are redacted after this period; the comment row itself
    # loses its text at deletion.
    RETENTION_MODERATION_TEXT_DAYS = int(os.environ.get("RETENTION_MODERATION_TEXT_DAYS", "183"))
    # Sign-in sessions, one per device (accounts/sessions.py; README, "Anmeldung"). The
    # Datenschutz page names the 30 days of "Angemeldet bleiben" and of the records.
    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "12"))
    RESIDENT_REMEMBER_DAYS = int(os.environ.get("RESIDENT_REMEMBER_DAYS", "30"))
    RESIDENT_SESSION_IDLE_HOURS = int(os.environ.get("RESIDENT_SESSION_IDLE_HOURS", "12"))
    RETENTION_SIGN_IN_DAYS = int(os.environ.get("RETENTION_SIGN_IN_DAYS", "30"))
    # The cookie of "Angemeldet bleiben"; without it the cookie ends with the browser.
    PERMANENT_SESSION_LIFETIME = RESIDENT_REMEMBER_DAYS * 24 * 3600
    TOKEN_MAX_AGE_CONFIRM = 3 * 24 * 3600
    TOKEN_MAX_AGE_RESET = 2 * 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "zst_session"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Photos of ideas (participation/photos; README, "Fotos"): up to three per idea, each
    # up to PHOTO_MAX_BYTES as sent and PHOTO_MAX_PIXELS when decoded. Only the idea form
    # takes requests that large; every other form keeps MAX_CONTENT_LENGTH.
    PHOTO_MAX_BYTES = 10 * 1024 * 1024
    PHOTO_MAX_PIXELS = 40_000_000
    PHOTO_FORM_MAX_CONTENT_LENGTH = 3 * PHOTO_MAX_BYTES + MAX_CONTENT_LENGTH
    # "folder" (PHOTO_FOLDER) or "s3" (PHOTO_S3_*; credentials from the environment, as
    # boto3 reads them). The app serves every file itself, after the idea's access check.
    PHOTO_STORAGE = os.environ.get("PHOTO_STORAGE", "folder").strip()
    PHOTO_FOLDER = os.environ.get("PHOTO_FOLDER", str(INSTANCE_DIR / "photos"))
    PHOTO_S3_BUCKET = os.environ.get("PHOTO_S3_BUCKET", "").strip()
    PHOTO_S3_ENDPOINT_URL = os.environ.get("PHOTO_S3_ENDPOINT_URL", "").strip() or None
    PHOTO_S3_REGION = os.environ.get("PHOTO_S3_REGION", "").strip() or None
    # Photos sent with the idea form wait as drafts through the preview; `retention run`
    # removes drafts no idea took up after this many hours.
    RETENTION_PHOTO_DRAFT_HOURS = int(os.environ.get("RETENTION_PHOTO_DRAFT_HOURS", "24"))
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
    # Rate limits (README, "Ratenbegrenzung"). `*_PER_ADDRESS` counts per network
    # address, which many people may share (30 on a workshop's Wi-Fi, a carrier's NAT):
    # sized for that room, while the per-person limits stay tight.
    LOGIN_RATE_LIMIT = "60 per minute;600 per hour"  # per address, every attempt
    LOGIN_FAILURE_LIMIT_PER_ADDRESS = "100 per hour"  # then refused before any check
    LOGIN_FAILURE_LIMIT_PER_ACCOUNT = "5 per 15 minutes"  # then a wait is asked; no lock
    RESET_MAIL_LIMIT_PER_ACCOUNT = "3 per hour"  # silently; the links live 2 hours
    # Second factor (README, "Zwei-Faktor-Anmeldung"): wrong codes per account before codes
    # are not checked for a while, and how long the code step after the password waits.
    SECOND_FACTOR_FAILURE_LIMIT_PER_ACCOUNT = "5 per 15 minutes"
    SECOND_FACTOR_PENDING_SECONDS = 300
    REGISTER_RATE_LIMIT = "60 per 10 minutes;300 per day"  # per address
    ACCOUNT_RATE_LIMIT = "5 per minute;30 per hour"
    # Sized for a room: 30 staff setting up their second factor in one training.
    ACCOUNT_RATE_LIMIT_PER_ADDRESS = "300 per 10 minutes;1000 per hour"
    # "Passwort vergessen" and the pages of mailed links, open without an account: the
    # address limit is what holds back a flood of mails to strangers.
    MAILED_LINK_RATE_LIMIT_PER_ADDRESS = "30 per 10 minutes;100 per hour"
    IDEA_RATE_LIMIT = "5 per 10 minutes;20 per day"
    IDEA_RATE_LIMIT_PER_ADDRESS = "100 per 10 minutes;500 per day"
    COMMENT_RATE_LIMIT = "10 per 5 minutes;100 per day"
    COMMENT_RATE_LIMIT_PER_ADDRESS = "100 per 5 minutes;1000 per day"
    SUPPORT_RATE_LIMIT = "60 per minute;600 per day"
    SUPPORT_RATE_LIMIT_PER_ADDRESS = "300 per minute;6000 per day"
    # The link that stops mail: mail programs send one-click unsubscribes for many people
    # from a few servers of theirs, so the address limit is generous (each POST is cheap).
    STOP_MAIL_RATE_LIMIT = "30 per minute"
    STOP_MAIL_RATE_LIMIT_PER_ADDRESS = "1000 per minute;50000 per day"
    REPORT_RATE_LIMIT = "10 per hour"
    REPORT_RATE_LIMIT_PER_ADDRESS = "100 per hour"
    # Withdrawing one's own idea, deleting one's own comment: each works once per item.
    REMOVAL_RATE_LIMIT = "30 per 10 minutes"
    REMOVAL_RATE_LIMIT_PER_ADDRESS = "300 per 10 minutes"
    MODERATION_RATE_LIMIT = "120 per minute"
    MODERATION_RATE_LIMIT_PER_ADDRESS = "600 per minute"
    # Idea forms sent with at least one photo (each up to three): decoding costs time.
    PHOTO_RATE_LIMIT = "20 per 10 minutes;60 per day"
    PHOTO_RATE_LIMIT_PER_ADDRESS = "200 per 10 minutes;1000 per day"
    SIMILAR_RATE_LIMIT = "60 per minute"  # similar-idea hints while typing a title
    SIMILAR_RATE_LIMIT_PER_ADDRESS = "300 per minute"
    # Link preview images (/ideas/<id>/vorschau.png): drawn on a cache miss, so bounded;
    # link previews of messengers and social networks fetch them from shared addresses.
    PREVIEW_IMAGE_RATE_LIMIT = "30 per minute;300 per hour"
    PREVIEW_IMAGE_RATE_LIMIT_PER_ADDRESS = "120 per minute;2000 per hour"
    # The home page's signs of life are counted at most this often per process (seconds).
    SITE_FIGURES_SECONDS = 60
    # "Barriere melden" needs no account: the address limit is what holds back a flood.
    ACCESSIBILITY_REPORT_RATE_LIMIT = "5 per 10 minutes;20 per day"
    ACCESSIBILITY_REPORT_RATE_LIMIT_PER_ADDRESS = "30 per 10 minutes;100 per day"
    # Ideas and comments sent faster than this after opening the form are treated as bots.
    MIN_FORM_SECONDS = 3
    # Hide content automatically once this many different people reported it (0: off).
    AUTO_HIDE_REPORTS = int(os.environ.get("AUTO_HIDE_REPORTS", "0") or 0)
    COMMENTS_PREMODERATED = os.environ.get("COMMENTS_PREMODERATED", "") == "1"
    # Monitoring (participation/observability; README, "Überwachung"). Log lines as
    # "text" or "json" (one object a line on stderr, with the request id).
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip()
    # One line per request (logger participation.access): off in development, where the
    # development server already writes one.
    ACCESS_LOG = os.environ.get("ACCESS_LOG", "0") == "1"
    # Who may read /metrics: addresses or networks, comma-separated, as the app sees the
    # client (behind a trusted proxy: the address the proxy saw). Everyone else gets 404.
    METRICS_ALLOWED_ADDRESSES = os.environ.get("METRICS_ALLOWED_ADDRESSES", "127.0.0.1,::1")


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json").strip()
    ACCESS_LOG = os.environ.get("ACCESS_LOG", "1") == "1"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"  # noqa: S105 - a test database's sessions only
    SQLALCHEMY_DATABASE_URI = (
        database_url(os.environ.get("TEST_DATABASE_URL"))
        if os.environ.get("TEST_DATABASE_URL")
        else "sqlite://"
    )
    RATELIMIT_STORAGE_URI = "memory://"
    PAGE_CACHE_URI = "memory://"
    # Off, as tests change time and settings between requests; tests/test_page_cache.py
    # switches it on. TEST_PAGE_CACHE_SECONDS=60 runs the whole suite through the cache.
    PAGE_CACHE_SECONDS = int(os.environ.get("TEST_PAGE_CACHE_SECONDS", "0"))
    MAIL_URL = ""
    MAIL_DELIVER_AFTER_REQUEST = False
    MIN_FORM_SECONDS = 0
    SITE_FIGURES_SECONDS = 0  # each test counts afresh
    LOG_FORMAT = "text"
    ACCESS_LOG = False  # a test that needs the lines switches them on
    SITE_URL = "http://localhost"
    SERVER_NAME = None


CONFIGS = {"development": Config, "production": ProductionConfig, "test": TestConfig}
