"""Test setup: one database per run, built by the real migrations.

SQLite (a temporary file, so the browser tests' server thread shares it) by
default; PostgreSQL when TEST_DATABASE_URL is set. Reference data is seeded
once; everything else is emptied after each test.
"""

import os
import tempfile
from pathlib import Path

import pytest
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import MetaData, delete, select, text

from participation import create_app
from participation.extensions import db, limiter
from participation.strategy.models import Page, PageVersion
from participation.strategy.services import seed_district
from participation.templating import load_district_data
from tests.helpers import Browser, FreshGlobalsClient

REFERENCE_TABLES = {
    "municipalities",
    "fields_of_action",
    "vision_values",
    "process_steps",
    "governing_bodies",
    "pages",
    "alembic_version",
}


def _database_url() -> str:
    if os.environ.get("TEST_DATABASE_URL"):
        return os.environ["TEST_DATABASE_URL"]
    path = Path(tempfile.mkdtemp(prefix="participation-test-")) / "test.sqlite"
    return f"sqlite:///{path}"


def drop_everything() -> None:
    """Empty the database completely, whatever a previous (maybe aborted) run left.

    Not only the models' tables: also what migrations create by hand (SQLite FTS
    tables and their triggers, PostgreSQL indexes and functions), and alembic_version.
    """
    db.session.remove()  # PostgreSQL: an open transaction's locks would block the DROPs
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
            return
        rows = connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        for name, sql in rows.all():
            if (sql or "").upper().startswith("CREATE VIRTUAL TABLE"):
                connection.execute(text(f'DROP TABLE IF EXISTS "{name}"'))
        leftovers = MetaData()
        leftovers.reflect(bind=connection)
        leftovers.drop_all(bind=connection)


def reset_schema() -> None:
    """Drop whatever a previous run left, then build the schema by migrations."""
    drop_everything()
    upgrade()
    seed_district(load_district_data(current_app.config["DISTRICT_DATA"]))
    db.session.commit()


REAL_PASSWORD_HASHER = None  # the app's own hasher, kept by _fast_password_hashing


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashing():
    """Argon2id with the smallest cost: the same algorithm and code paths, in 1 ms, not 150.

    The production parameters are checked in tests/test_security.py.
    """
    from argon2 import PasswordHasher

    from participation.accounts import passwords

    global REAL_PASSWORD_HASHER
    REAL_PASSWORD_HASHER = passwords._hasher
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", cheap)
        patch.setattr(passwords, "_DUMMY_HASH", cheap.hash("no account has this password"))
        yield


@pytest.fixture(scope="session")
def app():
    from config import database_url

    app = create_app(
        "test",
        SQLALCHEMY_DATABASE_URI=database_url(_database_url()),
        PHOTO_FOLDER=tempfile.mkdtemp(prefix="participation-photos-"),  # not instance/
    )
    with app.app_context():
        reset_schema()
        yield app
        db.session.remove()
        db.engine.dispose()


def empty_tables() -> None:
    db.session.rollback()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in REFERENCE_TABLES]
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE costs ~25 ms per table even when empty: only the used ones.
        used = " UNION ALL ".join(
            f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
        )
        names = ", ".join(f'"{name}"' for name in db.session.scalars(text(used)))
        if names:
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def pages_were_written() -> bool:
    """Saving, restoring or seeding a page text writes a version: then it may differ."""
    return db.session.scalar(select(PageVersion.id).limit(1)) is not None


def restore_shipped_pages() -> None:
    """The pages are reference data the administration can edit: back to the data file's."""
    db.session.execute(delete(Page))
    seed_district(load_district_data(current_app.config["DISTRICT_DATA"]))
    db.session.execute(delete(PageVersion))
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean_state(app):
    yield
    db.session.remove()
    pages_written = pages_were_written()
    empty_tables()
    if pages_written:
        restore_shipped_pages()
    limiter.reset()


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    with app.test_client() as client:
        yield client


@pytest.fixture
def browser(client):
    return Browser(client)


@pytest.fixture
def new_browser(app):
    """Another person with their own cookies."""
    clients = []

    def make() -> Browser:
        app.test_client_class = FreshGlobalsClient
        client = app.test_client()
        clients.append(client)
        return Browser(client)

    return make


@pytest.fixture
def as_user(new_browser):
    """A browser logged in as `user`."""

    def login(user) -> Browser:
        browser = new_browser()
        response = browser.login(user.email)
        assert response.status_code == 302, "login failed"
        return browser

    return login


@pytest.fixture
def runner(app):
    """Runs the operator commands (`flask --app participation ...`) in the test's app."""
    return app.test_cli_runner()


@pytest.fixture
def make_app(app):
    """Another app on the test database with other settings (production, Redis, ...)."""
    made = []

    def make(config_name: str = "test", **overrides):
        settings = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"], **overrides}
        other = create_app(config_name, **settings)
        other.test_client_class = FreshGlobalsClient
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
