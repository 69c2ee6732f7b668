"""Helpers many test files share: a browser that fills in forms, pages as text, fresh rows.

Plain functions and classes live here; the fixtures built on them stay in conftest.py.
"""

import re

from flask.globals import _cv_app
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from participation.audit import AuditEntry
from participation.extensions import db
from tests.factories import find_user, fresh_code

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LEGAL_PATHS = ("/impressum", "/datenschutz", "/barrierefreiheit", "/leichte-sprache")


# --- Requests -------------------------------------------------------------------------


class FreshGlobalsClient(FlaskClient):
    """Requests reuse the test's app context; give each one a fresh `g`, as a server would."""

    def open(self, *args, **kwargs):
        context = _cv_app.get(None)
        if context is not None:
            context.g = context.app.app_ctx_globals_class()
        return super().open(*args, **kwargs)


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class Browser:
    """A test client that behaves like a person filling in forms."""

    def __init__(self, client):
        self.client = client
        self.email: str | None = None  # who signed in here last

    def get(self, url: str, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url: str, data: dict, form_page: str | None = None, **kwargs):
        """Open the page with the form, then post it with its CSRF token."""
        page = self.client.get(form_page or url)
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(url, data={"csrf_token": token, **data}, **kwargs)

    def login(self, email: str, password: str = "ein sicheres Passwort", **extra):
        """Sign in through the form; a second factor is answered with the app's code."""
        response = self.submit("/login", {"email": email, "password": password, **extra})
        self.email = email
        if response.status_code == 302 and response.headers["Location"].endswith("/login/code"):
            response = self.submit("/login/code", {"code": fresh_code(email)})
        return response

    def identity(self, password: str = "ein sicheres Passwort") -> dict:
        """The fields of an identity check for whoever signed in here: the password, and
        the app's code where that person has a second factor."""
        person = find_user(self.email) if self.email else None
        if person is None or person.second_factor_at is None:
            return {"password": password}
        return {"password": password, "code": fresh_code(self.email)}

    def logout(self):
        return self.submit("/logout", {}, form_page="/account")


# --- Pages as text --------------------------------------------------------------------


def html_of(response) -> str:
    return response.get_data(as_text=True)


def main_of(response) -> str:
    """The page's <main>, without header and footer (which are the same everywhere)."""
    html = html_of(response)
    return html.split("<main", 1)[1].split("</main>", 1)[0]


_ICON = re.compile(r'<svg class="icon"[^>]*>.*?</svg>', re.S)


def without_icons(html: str) -> str:
    """The page without the icons beside the texts of buttons and links."""
    return _ICON.sub("", html)


def e(text: str) -> str:
    return str(escape(text))


def field_error(html: str, field: str) -> str | None:
    """The error message shown next to a form field, if any."""
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def idea_ids_in(html: str) -> list[int]:
    """Ids of the idea cards on a page, in order."""
    return [int(n) for n in re.findall(r'class="idea-title"><a href="/ideas/(\d+)"', html)]


def assert_legal_footer(html: str) -> None:
    """Every page, error pages included, links the legal pages in its footer."""
    footer = html.split('<footer class="site-footer">', 1)
    assert len(footer) == 2, "page has no footer"
    for path in LEGAL_PATHS:
        assert f'href="{path}"' in footer[1], f"footer lacks a link to {path}"


# --- The database as it is now --------------------------------------------------------


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
