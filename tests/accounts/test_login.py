"""Signing in: by address in any case, the same answer for every failure, safe returns."""

import re
from html import unescape

import pytest

from tests.accounts.helpers import WRONG_LOGIN, logged_in, without_variable_parts
from tests.factories import PASSWORD, create_user, find_user
from tests.helpers import field_error, html_of


def test_login_ignores_the_case_of_the_address_and_notes_the_time(browser):
    create_user("Anna@Example.org", display_name="Anna M.")
    assert find_user("anna@example.org").last_login_at is None
    response = browser.submit("/login", {"email": "aNNa@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert find_user("anna@example.org").last_login_at is not None
    assert logged_in(browser)


def test_wrong_password_and_unknown_address_look_the_same(browser, new_browser):
    create_user("anna@example.org")
    wrong = browser.submit("/login", {"email": "anna@example.org", "password": "falsch!!!!!"})
    unknown = new_browser().submit(
        "/login", {"email": "niemand@example.org", "password": "falsch!!!!!"}
    )
    assert wrong.status_code == unknown.status_code == 200
    assert field_error(html_of(wrong), "password") == WRONG_LOGIN
    assert without_variable_parts(html_of(wrong), "anna@example.org") == (
        without_variable_parts(html_of(unknown), "niemand@example.org")
    )
    assert not logged_in(browser)
    assert find_user("anna@example.org").last_login_at is None


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "",
    ],
)
def test_login_never_redirects_off_site(browser, target):
    create_user("anna@example.org")
    response = browser.submit(
        f"/login?next={target}", {"email": "anna@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"


def test_login_returns_to_the_page_that_asked_for_it(browser):
    create_user("anna@example.org")
    login_page = browser.get("/account")
    assert login_page.status_code == 302
    assert login_page.headers["Location"] == "/login?next=%2Faccount"
    form = html_of(browser.get("/login?next=/vision"))
    assert 'action="/login?next=/vision"' in form
    response = browser.submit(
        "/login?next=/vision", {"email": "anna@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/vision"


@pytest.mark.parametrize("page", ["/ideas?sort=supported&field=mobilitaet", "/vision"])
def test_the_sign_in_link_in_the_header_leads_back_to_the_page(browser, page):
    create_user("anna@example.org")
    header = html_of(browser.get(page)).split("</header>", 1)[0]
    link = unescape(re.search(r'<a href="(/login[^"]*)">.*?Anmelden</a>', header).group(1))

    response = browser.submit(link, {"email": "anna@example.org", "password": PASSWORD})

    assert response.headers["Location"] == page


def test_the_sign_in_link_on_the_home_page_has_no_target_so_staff_go_to_their_work(browser):
    header = html_of(browser.get("/")).split("</header>", 1)[0]
    assert re.search(r'<a href="/login">[^<]*(<svg.*?</svg>)?Anmelden</a>', header)


def test_login_page_does_not_carry_a_foreign_target(browser):
    create_user("anna@example.org")
    response = browser.get("/login?next=//evil.example")
    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>Anmelden</h1>" in html
    assert 'action="/login"' in html
    assert "evil" not in html
    # The form on that page signs in and stays on the site.
    response = browser.submit("/login", {"email": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
