"""Helpers shared by the ideas tests: pages as text, fresh rows, audit entries."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from tests.conftest import Browser, FreshGlobalsClient


def html_of(response) -> str:
    return response.get_data(as_text=True)


def main_of(response) -> str:
    """The page's <main>, without header and footer (which are the same everywhere)."""
    html = html_of(response)
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def e(text: str) -> str:
    return str(escape(text))


def fresh(obj):
    """The row as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def audit(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def field_error(html: str, field: str) -> str | None:
    """The error message shown next to a form field, if any."""
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def idea_ids_in(html: str) -> list[int]:
    """Ids of the idea cards on a page, in order."""
    return [int(n) for n in re.findall(r'class="idea-title"><a href="/ideas/(\d+)"', html)]


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
