"""Smaller protections: private pages stay out of caches, hint mails are rationed,
links elsewhere carry rel, and no session can be signed with a published value."""

import hashlib
import os
import re
import secrets
import stat
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from markupsafe import escape
from sqlalchemy import select

from config import DEV_SECRET_KEY
from participation.accounts.models import SignInSession, User
from participation.accounts.sessions import record_sign_in
from participation.extensions import db
from participation.ideas.models import Comment
from participation.outbox.models import OutboxMessage
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user, find_user, link_from, outbox
from tests.helpers import Browser, FreshGlobalsClient

EXTERNAL_REL = {"nofollow", "ugc", "noopener"}
NEW_PASSWORD = "ein langes neues Passwort"


@pytest.fixture(autouse=True)
def _each_client_a_fresh_g(app):
    """Each request gets its own `g`, as on a server (see tests.helpers.FreshGlobalsClient)."""
    app.test_client_class = FreshGlobalsClient


def html_of(response) -> str:
    return response.get_data(as_text=True)


def kept_out_of_caches(response) -> bool:
    cache_control = {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}
    varies = {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}
    return "no-store" in cache_control and "cookie" in varies


# --- a) Private pages are not kept by browsers, proxies or shared caches -----------------


def test_every_page_for_a_signed_in_person_is_kept_out_of_caches(browser):
    create_user("anna@example.org", display_name="Anna Privat", roles=("moderator", "team"))
    login = browser.login("anna@example.org")
    assert login.status_code == 302
    assert kept_out_of_caches(login)  # it sets the session
    assert find_user("anna@example.org").last_login_at is not None

    for path, status in [
        ("/account", 200),
        ("/account/profile", 200),
        ("/account/password", 200),
        ("/moderation", 200),
        ("/pipeline", 200),
        ("/", 200),
        ("/ideas", 200),
        ("/gibt-es-nicht", 404),
    ]:
        response = browser.get(path)
        assert response.status_code == status, path
        assert kept_out_of_caches(response), path
        assert "Abmelden" in html_of(response), path  # rendered for her

    account = html_of(browser.get("/account"))
    assert "Anna Privat" in account and "anna@example.org" in account
    assert "no-store" not in browser.get("/static/css/site.css").headers.get("Cache-Control", "")

    logout = browser.logout()
    assert logout.status_code == 302 and kept_out_of_caches(logout)


def test_public_pages_for_a_visitor_without_a_session_keep_their_caching(client):
    response = client.get("/ideas")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Set-Cookie" not in response.headers


def test_a_visitor_whose_session_holds_a_form_token_gets_private_pages(client):
    login_page = client.get("/login")  # the CSRF token now lives in the session
    assert "Set-Cookie" in login_page.headers
    assert kept_out_of_caches(login_page)
    assert kept_out_of_caches(client.get("/ideas"))


def test_pages_reached_by_a_link_with_a_token_are_kept_out_of_caches(app):
    create_user("anna@example.org", confirmed=False)
    visitor = Browser(app.test_client())
    visitor.submit("/password/forgot", {"email": "anna@example.org"})
    [mail] = outbox("anna@example.org")

    cookieless = app.test_client()
    reset_page = cookieless.get(link_from(mail, "/password/reset/"))
    assert reset_page.status_code == 200
    assert kept_out_of_caches(reset_page)
    broken = cookieless.get("/confirm/nicht-gueltig")
    assert broken.status_code == 400
    assert kept_out_of_caches(broken)
    assert find_user("anna@example.org").confirmed_at is None


# --- b) Signing up with a known address mails its owner at most once an hour ------------


def registration(email: str) -> dict:
    return {
        "kind": "resident",
        "organisation_name": "",
        "email": email,
        "display_name": "Anna M.",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "municipality": "0",
        "accept_privacy": "y",
    }


def page_without(response, email: str) -> str:
    html = html_of(response).replace(str(escape(email)), "EMAIL")
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1value=""', html)


def hints_to(email: str) -> list[OutboxMessage]:
    return [m for m in outbox(email) if m.subject == "Sie haben bereits ein Konto"]


def test_a_known_address_gets_one_hint_an_hour_and_the_same_answer(app):
    create_user("anna@example.org", display_name="Anna Original")
    fresh = Browser(app.test_client()).submit("/register", registration("neu@example.org"))
    answers = [
        Browser(app.test_client()).submit("/register", registration("anna@example.org"))
        for _ in range(3)
    ]

    expected = page_without(fresh, "neu@example.org")
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert all(page_without(a, "anna@example.org") == expected for a in answers)
    [hint] = hints_to("anna@example.org")
    assert "Guten Tag Anna Original," in hint.body
    assert count_rows(User) == 2

    hint.created_at = utcnow() - timedelta(minutes=61)
    db.session.commit()
    later = Browser(app.test_client()).submit("/register", registration("anna@example.org"))
    assert page_without(later, "anna@example.org") == expected
    assert len(hints_to("anna@example.org")) == 2


def test_the_hourly_hint_is_counted_per_address(app):
    create_user("anna@example.org")
    create_user("ben@example.org")
    for email in ("anna@example.org", "ben@example.org", "anna@example.org"):
        Browser(app.test_client()).submit("/register", registration(email))
    assert len(hints_to("anna@example.org")) == 1
    assert len(hints_to("ben@example.org")) == 1


# --- d) Links elsewhere carry rel="nofollow ugc noopener" ------------------------------


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs))


def links_in(html: str) -> list[dict]:
    parser = Links()
    parser.feed(html)
    return parser.links


LINK_FORMS = {
    "https://markdown.example.org/": "[Markdown](https://markdown.example.org/)",
    "https://autolink.example.org/": "<https://autolink.example.org/>",
    "https://bare.example.org/": "siehe https://bare.example.org/ dort",
    "HTTPS://UPPER.EXAMPLE.ORG/": "[gross](HTTPS://UPPER.EXAMPLE.ORG/)",
    "//relative.example.org/": "[ohne Schema](//relative.example.org/)",
    "/\\backslash.example.org": "[Backslash](/\\backslash.example.org)",
    "http:scheme.example.org": "[nur Schema](http:scheme.example.org)",
    "mailto:post@example.org": "[Post](mailto:post@example.org)",
}


def test_every_link_to_another_site_in_a_comment_carries_exactly_the_rel(app):
    idea = create_idea()
    create_user("anna@example.org", display_name="Anna Links")
    anna = Browser(app.test_client())
    anna.login("anna@example.org")
    body = "\n\n".join(
        [
            *LINK_FORMS.values(),
            '<a href="https://raw.example.org/" rel="follow">roh</a>',
            "[intern](/ideas)",
        ]
    )

    response = anna.submit(
        f"/ideas/{idea.id}/comments", {"body": body}, form_page=f"/ideas/{idea.id}"
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(Comment.body)) == body  # the source is kept as written
    page = html_of(Browser(app.test_client()).get(f"/ideas/{idea.id}"))
    comment_html = page.split('<article class="comment"', 1)[1].split("</article>", 1)[0]
    assert "Anna Links" in comment_html
    links = {link["href"]: link.get("rel") for link in links_in(comment_html)}
    for href in [*LINK_FORMS, "https://raw.example.org/"]:
        assert href in links, href
        assert set((links[href] or "").split()) == EXTERNAL_REL, href
    assert "follow" not in (links["https://raw.example.org/"] or "").split()
    assert links["/ideas"] is None  # a page of this site


# --- e) No session can be signed with a published value --------------------------------


def forged_session(secret_key: str, user: User, token: str) -> str:
    forger = Flask("forger")
    forger.secret_key = secret_key
    serializer = SecureCookieSessionInterface().get_signing_serializer(forger)
    return serializer.dumps({"_user_id": f"{user.id}:{token}", "_fresh": True})


def signed_in_with(app, cookie: str) -> bool:
    client = app.test_client()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
    response = client.get("/account")
    return response.status_code == 200 and "Abmelden" in html_of(response)


def real_sign_in(user: User) -> str:
    """The token of a session as signing in makes one (the cookie's half of it)."""
    token = secrets.token_urlsafe(32)
    record_sign_in(user, token, remember=False, user_agent="")
    db.session.commit()
    return token


def test_demo_people_cannot_be_signed_in_by_a_guessed_token(app, runner):
    result = runner.invoke(args=["demo", "--ideas", "4", "--users", "5"])
    assert result.exit_code == 0, result.output

    db.session.expire_all()
    people = list(db.session.scalars(select(User).where(User.email.like("person%"))))
    assert len(people) == 5
    assert count_rows(SignInSession) == 0  # nobody is signed in until they sign in
    # Even someone who knows the key cannot sign in as a demo person by their number.
    person = people[0]
    number = int(re.search(r"\d+", person.email).group())
    for guess in (f"demo{number:08d}", "", str(number)):
        assert not signed_in_with(app, forged_session(app.config["SECRET_KEY"], person, guess))
    real = forged_session(app.config["SECRET_KEY"], person, real_sign_in(person))
    assert signed_in_with(app, real)  # the check above is not vacuous


@pytest.mark.skipif(bool(os.environ.get("SECRET_KEY")), reason="uses the key from SECRET_KEY")
def test_development_signs_sessions_with_a_key_of_its_own(make_app, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    development = make_app("development", SECRET_KEY_FILE=str(key_file))
    anna = create_user("anna@example.org")
    token = real_sign_in(anna)

    published = forged_session(DEV_SECRET_KEY, anna, token)
    with development.app_context():
        assert not signed_in_with(development, published)

    key = development.config["SECRET_KEY"]
    assert re.fullmatch(r"[0-9a-f]{64}", key)
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    own = forged_session(key, anna, token)
    with development.app_context():
        assert signed_in_with(development, own)  # sessions made with it do work

    restarted = make_app("development", SECRET_KEY_FILE=str(key_file))
    assert restarted.config["SECRET_KEY"] == key  # sessions survive a restart
    elsewhere = make_app("development", SECRET_KEY_FILE=str(tmp_path / "other" / "secret_key"))
    assert elsewhere.config["SECRET_KEY"] != key


def test_assets_have_versioned_addresses_kept_for_a_year(browser):
    """A changed file gets a new address; the old one may be kept by browsers for good."""
    page = browser.get("/").get_data(as_text=True)
    found = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]{12}))"', page)
    assert found, "the stylesheet is linked with its version"
    css = (Path(browser.client.application.static_folder) / "css/site.css").read_bytes()
    assert found[2] == hashlib.sha256(css).hexdigest()[:12]
    asset = browser.get(found[1])
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = browser.get("/static/css/site.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")
    forged = browser.get("/static/css/site.css?v=../../000000000000")
    assert "immutable" not in forged.headers.get("Cache-Control", ""), "only the real version"
