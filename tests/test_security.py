"""What protects residents: headers, cookies, CSRF, rate limits, error pages, secrets."""

import logging
import os
import re
from urllib.parse import urlsplit

import pytest
from flask import abort

from config import DEV_SECRET_KEY
from participation import create_app
from participation.accounts import passwords
from participation.accounts.models import User
from participation.extensions import limiter
from tests.factories import PASSWORD, count_rows, create_user, find_user, outbox
from tests.helpers import Browser, assert_legal_footer, csrf_token_from

PRODUCTION_KEY = "k" * 64
FOREIGN_REFERENCE = re.compile(
    r"""(?:src|href|action|srcset|formaction|poster|data)\s*=\s*["']?\s*"""
    r"""(?:https?:)?//""",
    re.IGNORECASE,
)


def html_of(response) -> str:
    return response.get_data(as_text=True)


def csp_directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


# --- Headers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/register", 200),
        ("/gibt-es-nicht", 404),
        ("/healthz", 200),
        ("/static/css/site.css", 200),
        ("/static/js/site.js", 200),
        ("/logout", 405),
    ],
)
def test_every_response_carries_the_security_headers(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    csp = csp_directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert csp["form-action"] == "'self'"
    policy = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "*" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_use_no_inline_scripts_or_styles(client):
    """The CSP forbids them, so they would silently not work."""
    for path in ("/", "/register", "/login", "/vision"):
        html = html_of(client.get(path))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path


def _local_links(html: str) -> set[str]:
    links = set()
    for target in re.findall(r'href="([^"]+)"', html):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not target.startswith("/"):
            continue
        if target.startswith("/static/"):
            continue
        links.add(target.split("#", 1)[0])
    return links


def _crawl(client, start: list[str], limit: int = 150) -> dict[str, str]:
    """Every page reachable by links from `start` (GET only, so nothing changes)."""
    seen: dict[str, str] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code < 500, f"{path} answered {response.status_code}"
        seen[path] = html_of(response) if response.mimetype == "text/html" else ""
        queue.extend(sorted(_local_links(seen[path]) - seen.keys()))
    return seen


def test_no_page_loads_or_links_anything_from_another_host(client):
    create_user("anna@example.org")
    anonymous = _crawl(client, ["/", "/gibt-es-nicht", "/password/forgot"])
    Browser(client).login("anna@example.org")
    signed_in = _crawl(client, ["/account", "/account/profile", "/account/password", "/"])
    pages = {**anonymous, **{f"{path} (angemeldet)": html for path, html in signed_in.items()}}
    assert len(anonymous) >= 40  # all strategy pages, every field and municipality
    for name, html in pages.items():
        assert not FOREIGN_REFERENCE.search(html), f"{name}: {FOREIGN_REFERENCE.search(html)}"


def test_stylesheet_loads_nothing_from_another_host(client):
    css = client.get("/static/css/site.css").get_data(as_text=True)
    assert not re.search(r"url\(\s*['\"]?\s*(?:https?:)?//", css)
    assert "@import" not in css


# --- Cookies and production settings --------------------------------------------------


def session_cookie_header(response) -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("zst_session=")]
    return cookie


def test_session_cookie_is_http_only_and_same_site(browser):
    create_user("anna@example.org")
    cookie = session_cookie_header(browser.login("anna@example.org"))
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie


def test_production_sends_the_session_cookie_only_over_https(make_app):
    app = make_app("production", SECRET_KEY=PRODUCTION_KEY)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    with app.app_context():
        create_user("anna@example.org")
        client = app.test_client()
        page = client.get("/login", base_url="https://localhost")
        response = client.post(
            "/login",
            base_url="https://localhost",
            headers={"Referer": "https://localhost/login"},
            data={
                "csrf_token": csrf_token_from(html_of(page)),
                "email": "anna@example.org",
                "password": PASSWORD,
            },
        )
    assert response.status_code == 302
    cookie = session_cookie_header(response)
    assert "; Secure" in cookie
    assert "; HttpOnly" in cookie
    assert "; SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert find_user("anna@example.org").last_login_at is not None


def test_development_cookie_works_over_plain_http(browser):
    create_user("anna@example.org")
    assert "; Secure" not in session_cookie_header(browser.login("anna@example.org"))


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY, "zu-kurz-fuer-produktion"], ids=repr)
def test_production_refuses_to_start_without_a_real_secret_key(secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production", SECRET_KEY=secret)


def test_app_env_production_alone_selects_the_production_checks(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(SECRET_KEY=DEV_SECRET_KEY)


def test_production_starts_with_a_long_random_key(make_app):
    app = make_app("production", SECRET_KEY=PRODUCTION_KEY)
    assert app.config["ENV_NAME"] == "production"
    assert app.config["PREFERRED_URL_SCHEME"] == "https"


def test_passwords_are_hashed_with_argon2id_at_full_cost():
    """Tests hash cheaply (see conftest); the app itself uses at least OWASP's minimum."""
    from argon2 import Type

    from tests import conftest

    real = conftest.REAL_PASSWORD_HASHER
    assert real is not None and real is not passwords._hasher
    assert real.type is Type.ID
    assert real.memory_cost >= 19 * 1024
    assert real.time_cost >= 2


# --- CSRF -----------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused_in_german(client):
    create_user("anna@example.org")
    response = client.post("/login", data={"email": "anna@example.org", "password": PASSWORD})
    html = html_of(response)
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen oder unvollständig gesendet worden." in html
    assert_legal_footer(html)
    assert find_user("anna@example.org").last_login_at is None


def test_registration_with_a_token_from_another_session_is_refused(app, browser):
    foreign_token = csrf_token_from(html_of(Browser(app.test_client()).get("/register")))
    browser.get("/register")
    response = browser.client.post(
        "/register",
        data={
            "csrf_token": foreign_token,
            "kind": "resident",
            "email": "anna@example.org",
            "display_name": "Anna",
            "password": "ein langes Passwort",
            "password_confirm": "ein langes Passwort",
            "municipality": "0",
            "accept_privacy": "y",
        },
    )
    assert response.status_code == 400
    assert count_rows(User) == 0
    assert outbox() == []


def test_profile_change_without_token_changes_nothing(browser):
    create_user("anna@example.org", display_name="Anna")
    browser.login("anna@example.org")
    response = browser.client.post(
        "/account/profile", data={"kind": "resident", "display_name": "Gekapert", "municipality": 0}
    )
    assert response.status_code == 400
    assert find_user("anna@example.org").display_name == "Anna"


# --- Error pages ----------------------------------------------------------------------


def assert_german_error_page(response, status: int, title: str) -> str:
    html = html_of(response)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert '<html lang="de">' in html
    assert f"<h1>{title}</h1>" in html
    assert f"Fehlercode {status}" in html
    assert_legal_footer(html)
    return html


def test_forbidden_page(make_app):
    app = make_app()
    app.add_url_rule("/nur-fuer-das-team", "forbidden", lambda: abort(403))
    with app.app_context():
        response = app.test_client().get("/nur-fuer-das-team")
    assert_german_error_page(response, 403, "Kein Zugriff")


def test_not_found_page(client):
    assert_german_error_page(client.get("/ideen-von-gestern"), 404, "Seite nicht gefunden")


def test_method_not_allowed_page(client):
    response = client.get("/logout")
    assert_german_error_page(response, 405, "Aktion nicht möglich")
    assert "POST" in response.headers["Allow"]


def test_too_large_request_page(client):
    response = client.post("/login", data={"email": "x" * (1024 * 1024 + 1)})
    assert_german_error_page(response, 413, "Zu viele Daten")


def test_unexpected_error_shows_a_friendly_page_and_is_logged(client, monkeypatch, caplog):
    from participation.strategy import services

    def broken():
        raise RuntimeError("geheimes Detail aus der Datenbank")

    monkeypatch.setattr(services, "list_fields", broken)
    with caplog.at_level(logging.ERROR):
        response = client.get("/")
    html = assert_german_error_page(response, 500, "Ein Fehler ist aufgetreten")
    assert "Wir wurden benachrichtigt" in html
    for leak in ("Traceback", "RuntimeError", "geheimes Detail", "list_fields"):
        assert leak not in html
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.getMessage() == "Unerwarteter Fehler bei GET /"
    assert record.exc_info and "geheimes Detail" in str(record.exc_info[1])


# --- Rate limits ----------------------------------------------------------------------


def first_window(config_key: str) -> int:
    """How many requests the shortest window of a configured limit allows."""
    from flask import current_app
    from limits import parse_many

    return parse_many(current_app.config[config_key])[0].amount


def failed_login(browser, email: str, **kwargs):
    # An empty password fails validation: counted, but no hashing, so the test is quick.
    return browser.submit("/login", {"email": email, "password": ""}, **kwargs)


def assert_too_many_requests(response) -> None:
    html = assert_german_error_page(response, 429, "Zu viele Anfragen")
    assert "Bitte warten Sie einen Moment" in html
    [retry_after] = response.headers.getlist("Retry-After")
    assert int(retry_after) > 0


# Failed passwords (per address and per account) are counted in
# tests/accounts/test_sign_in_throttle.py; these are the ceilings on requests.


def test_login_requests_from_one_address_are_capped(browser):
    ceiling = first_window("LOGIN_RATE_LIMIT")
    for number in range(ceiling):
        assert failed_login(browser, f"person{number}@example.org").status_code == 200
    assert_too_many_requests(failed_login(browser, "person-last@example.org"))
    assert browser.get("/login").status_code == 200  # reading stays possible


def test_registration_is_rate_limited(browser):
    for number in range(first_window("REGISTER_RATE_LIMIT")):
        response = browser.submit("/register", {"email": f"p{number}@example.org"})
        assert response.status_code == 200
    assert_too_many_requests(browser.submit("/register", {"email": "p-last@example.org"}))


def test_password_reset_requests_from_one_address_are_rate_limited(browser):
    create_user("anna@example.org")
    for number in range(first_window("MAILED_LINK_RATE_LIMIT_PER_ADDRESS")):
        response = browser.submit("/password/forgot", {"email": f"p{number}@example.org"})
        assert response.status_code == 200
    assert_too_many_requests(browser.submit("/password/forgot", {"email": "anna@example.org"}))
    assert outbox("anna@example.org") == []


def test_forwarded_for_header_is_ignored_without_a_trusted_proxy(browser):
    ceiling = first_window("LOGIN_RATE_LIMIT")
    for number in range(ceiling):
        spoofed = {"X-Forwarded-For": f"203.0.113.{number}"}
        assert failed_login(browser, f"p{number}@example.org", headers=spoofed).status_code == 200
    spoofed = {"X-Forwarded-For": "203.0.113.250"}
    assert_too_many_requests(failed_login(browser, "p-last@example.org", headers=spoofed))


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(make_app):
    app = make_app(TRUSTED_PROXY_COUNT=1)
    with app.app_context():
        browser = Browser(app.test_client())
        first = {"X-Forwarded-For": "203.0.113.1"}
        for number in range(first_window("LOGIN_RATE_LIMIT")):
            assert failed_login(browser, f"p{number}@example.org", headers=first).status_code == 200
        assert failed_login(browser, "p-last@example.org", headers=first).status_code == 429
        other = {"X-Forwarded-For": "203.0.113.2"}
        assert failed_login(browser, "p11@example.org", headers=other).status_code == 200
        limiter.reset()


def _redis_or_skip():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL ist nicht gesetzt (z. B. redis://127.0.0.1:6379/15)")
    import redis

    connection = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"Redis unter {url} nicht erreichbar: {error}")
    return url, connection


def test_limits_are_shared_by_all_workers_through_redis(app, make_app):
    url, connection = _redis_or_skip()
    worker_a = make_app(RATELIMIT_STORAGE_URI=url)
    worker_b = make_app(RATELIMIT_STORAGE_URI=url)
    with worker_a.app_context():
        limiter.reset()
    ceiling = first_window("LOGIN_RATE_LIMIT")
    try:
        for number in range(ceiling):
            worker = worker_a if number % 2 else worker_b
            with worker.app_context():
                response = failed_login(Browser(worker.test_client()), f"p{number}@example.org")
                assert response.status_code == 200
        ip_keys = [key for key in connection.keys("*LIMITER/*") if b"127.0.0.1" in key]
        assert ip_keys, connection.keys("*")
        assert max(int(connection.get(key)) for key in ip_keys) == ceiling
        with worker_a.app_context():
            assert_too_many_requests(
                failed_login(Browser(worker_a.test_client()), "p-last@example.org")
            )
        # The test app next door still counts in its own memory, not in Redis.
        before = {key: connection.get(key) for key in connection.keys("*LIMITER/*")}
        with app.app_context():
            assert type(limiter.storage).__name__ == "MemoryStorage"
            assert failed_login(Browser(app.test_client()), "p11@example.org").status_code == 200
        assert {key: connection.get(key) for key in connection.keys("*LIMITER/*")} == before
    finally:
        with worker_a.app_context():
            limiter.reset()
    assert connection.keys("*LIMITER/*") == []
