"""The Flask extensions, created once and bound in create_app."""

from flask import Flask, current_app, has_app_context
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits.storage import Storage
from limits.strategies import RateLimiter
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def enforce_foreign_keys(engine: Engine) -> None:
    """Make SQLite check foreign keys, as PostgreSQL always does.

    SQLite checks them only on connections that ask for it, so every new
    connection of the app's engine asks; other engines are left alone. The
    migrations switch it off for their own connection (migrations/env.py).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _foreign_keys_on(dbapi_connection, _connection_record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()


class AppBoundLimiter(Limiter):
    """A Limiter that counts in the storage of the app handling the request.

    Flask-Limiter keeps one storage on the Limiter object, and every init_app()
    replaces it: with one module-level limiter, a second app (another
    configuration, a test, a worker that builds its own app) would silently move
    the counters of all apps to its own RATELIMIT_STORAGE_URI.
    """

    def init_app(self, app: Flask) -> None:
        super().init_app(app)
        app.extensions["limiter_backend"] = (self._storage, self._limiter)

    def _backend(self) -> tuple:
        if has_app_context() and "limiter_backend" in current_app.extensions:
            return current_app.extensions["limiter_backend"]
        return self._storage, self._limiter

    @property
    def storage(self) -> Storage:
        storage = self._backend()[0]
        assert storage is not None
        return storage

    @property
    def limiter(self) -> RateLimiter:
        if self._storage_dead and self._in_memory_fallback_enabled:
            return super().limiter
        strategy = self._backend()[1]
        assert strategy is not None
        return strategy


limiter = AppBoundLimiter(key_func=get_remote_address, default_limits=[])
