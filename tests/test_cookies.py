"""A visitor who only reads gets no cookie; forms that need one and signing in do.

The session cookie carries the sign-in and the CSRF token. A reading page that
renders a token (a search form, a support button) would set it for every
visitor; the Datenschutz page names the one cookie there is.
"""

import pytest

from participation.extensions import db
from participation.ideas.models import Comment
from tests.factories import create_comment, create_idea, create_user
from tests.helpers import html_of
from tests.roadmap.helpers import full_plan, make_project

READING_PAGES = (
    "/",
    "/vision",
    "/process",
    "/fields",
    "/fields/mobilitaet",
    "/municipalities",
    "/municipalities/rheine",
    "/ideas",
    "/ideas?q=Radweg&field=mobilitaet&sort=supported",
    "/roadmap",
    "/roadmap?status=active",
    "/impressum",
    "/datenschutz",
    "/barrierefreiheit",
    "/leichte-sprache",
    "/healthz",
    "/static/css/site.css",
    "/ideas/similar?title=Radweg+nach+Rheine",
    "/gibt-es-nicht",
    "/ideas/999999",
)


@pytest.fixture
def content():
    author = create_user(display_name="Ria Radlerin")
    idea = create_idea(author, title="Radweg nach Rheine", supports=2)
    create_comment(idea, body="Gute Idee, der Weg fehlt wirklich.")
    project = make_project(ideas=(idea,), **full_plan())
    return idea, project


def _cookies_set(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_reading_pages_set_no_cookie_for_an_anonymous_visitor(app, content):
    idea, project = content
    pages = (*READING_PAGES, f"/ideas/{idea.id}", f"/projects/{project.id}")
    assert db.session.get(Comment, 1) is not None  # the idea page shows a comment
    setting_cookies = {}
    for path in pages:
        client = app.test_client()  # a new visitor for each page: nothing carried over
        response = client.get(path)
        assert response.status_code in (200, 404), path
        if _cookies_set(response):
            setting_cookies[path] = _cookies_set(response)
    assert setting_cookies == {}


def test_idea_page_offers_support_through_the_login_page(client, content):
    idea, _project = content
    html = html_of(client.get(f"/ideas/{idea.id}"))
    assert "csrf_token" not in html
    assert f'href="/login?next=/ideas/{idea.id}' in html
    assert _cookies_set(client.get(f"/ideas/{idea.id}")) == []


@pytest.mark.parametrize("path", ["/login", "/register", "/password/forgot"])
def test_pages_with_a_form_set_the_session_cookie(client, path):
    response = client.get(path)
    assert response.status_code == 200
    (cookie,) = _cookies_set(response)
    assert cookie.startswith("zst_session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires" not in cookie  # ends with the browser session
    assert 'name="csrf_token"' in html_of(response)


def test_signing_in_sets_the_session_cookie(browser):
    create_user("leserin@example.org")
    response = browser.login("leserin@example.org")
    assert response.status_code == 302
    assert any(c.startswith("zst_session=") for c in _cookies_set(response))


def test_datenschutz_names_the_cookie_its_purpose_and_lifetime(client, app):
    response = client.get("/datenschutz")
    html = html_of(response)
    assert app.config["SESSION_COOKIE_NAME"] in html
    assert "CSRF" in html
    assert "Browser schließen" in html
    assert _cookies_set(response) == []
