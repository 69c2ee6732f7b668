"""Test setup: one database per run, built by the real migrations.

SQLite (a temporary file, so the browser tests' server thread shares it) by
default; PostgreSQL when TEST_DATABASE_URL is set. Reference data is seeded
once; everything else is emptied after each test.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from flask import current_app
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import MetaData, text

from participation import create_app
from participation.extensions import db, limiter
from participation.strategy.services import seed_district
from participation.templating import load_district_data

REFERENCE_TABLES = {
    "municipalities",
    "fields_of_action",
    "vision_values",
    "process_steps",
    "governing_bodies",
    "pages",
    "alembic_version",
}
CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LEGAL_PATHS = ("/impressum", "/datenschutz", "/barrierefreiheit", "/leichte-sprache")


def assert_legal_footer(html: str) -> None:
    """Every page, error pages included, links the legal pages in its footer."""
    footer = html.split('<footer class="site-footer">', 1)
    assert len(footer) == 2, "page has no footer"
    for path in LEGAL_PATHS:
        assert f'href="{path}"' in footer[1], f"footer lacks a link to {path}"


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

    app = create_app("test", SQLALCHEMY_DATABASE_URI=database_url(_database_url()))
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


@pytest.fixture(autouse=True)
def _clean_state(app):
    yield
    db.session.remove()
    empty_tables()
    limiter.reset()


class FreshGlobalsClient(FlaskClient):
    """Requests reuse the test's app context; give each one a fresh `g`, as a server would."""

    def open(self, *args, **kwargs):
        context = _cv_app.get(None)
        if context is not None:
            context.g = context.app.app_ctx_globals_class()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = FreshGlobalsClient
    with app.test_client() as client:
        yield client


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that behaves like a person filling in forms."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict, form_page: str | None = None, **kwargs):
        """Open the page with the form, then post it with its CSRF token."""
        page = self.client.get(form_page or url)
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **data}, **kwargs)

    def login(self, email: str, password: str = "ein sicheres Passwort"):
        return self.submit("/login", {"email": email, "password": password})

    def logout(self):
        return self.submit("/logout", {}, form_page="/account")


@pytest.fixture
def browser(client):
    return Browser(client)


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
