"""Confirming the e-mail address: links that work once, expire and cannot be forged."""

import pytest

from tests.accounts.helpers import INVALID_LINK, registration
from tests.factories import create_user, find_user, link_from, outbox
from tests.helpers import html_of


def register_and_get_link(browser, email: str = "anna@example.org") -> str:
    browser.submit("/register", registration(email=email))
    [mail] = outbox(email)
    return link_from(mail, "/confirm/")


def test_confirmation_link_works_once(browser):
    link = register_and_get_link(browser)
    assert browser.get(link).headers["Location"] == "/login"
    confirmed_at = find_user("anna@example.org").confirmed_at
    assert confirmed_at is not None

    again = browser.get(link)
    assert again.status_code == 400
    assert INVALID_LINK in html_of(again)
    assert find_user("anna@example.org").confirmed_at == confirmed_at


def test_expired_confirmation_link_is_refused(app, browser, monkeypatch):
    link = register_and_get_link(browser)
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_CONFIRM", -1)
    response = browser.get(link)
    assert response.status_code == 400
    assert INVALID_LINK in html_of(response)
    assert find_user("anna@example.org").confirmed_at is None


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"),
        lambda link: link.replace("/confirm/", "/confirm/x"),
        lambda link: "/confirm/eyJ1IjoxLCJmIjoieCJ9.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_tampered_confirmation_link_is_refused(browser, tamper):
    link = register_and_get_link(browser)
    response = browser.get(tamper(link))
    assert response.status_code == 400
    assert INVALID_LINK in html_of(response)
    assert find_user("anna@example.org").confirmed_at is None


def test_reset_link_cannot_confirm_an_address(browser):
    create_user("anna@example.org", confirmed=False)
    browser.submit("/password/forgot", {"email": "anna@example.org"})
    [mail] = outbox("anna@example.org")
    token = link_from(mail, "/password/reset/").rsplit("/", 1)[1]
    assert browser.get(f"/confirm/{token}").status_code == 400
    assert find_user("anna@example.org").confirmed_at is None


def test_unconfirmed_person_can_have_the_link_sent_again(browser):
    create_user("anna@example.org", confirmed=False)
    browser.login("anna@example.org")
    account = html_of(browser.get("/account"))
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse." in account

    response = browser.submit("/confirm/resend", {}, form_page="/account", follow_redirects=True)
    assert "Wir haben Ihnen den Bestätigungslink noch einmal geschickt." in html_of(response)
    [mail] = outbox("anna@example.org")
    browser.get(link_from(mail, "/confirm/"))
    assert find_user("anna@example.org").confirmed_at is not None
    assert "Bitte bestätigen Sie Ihre E-Mail-Adresse." not in html_of(browser.get("/account"))


def test_confirmed_person_gets_no_new_link(browser, new_browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.submit("/confirm/resend", {}, form_page="/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    account = browser.get("/account")
    assert account.status_code == 200
    assert "<h1>Mein Konto</h1>" in html_of(account)
    assert "noch einmal geschickt" not in html_of(account)
    assert outbox() == []

    # The control: the same button sends an unconfirmed person a link.
    create_user("berta@example.org", confirmed=False)
    unconfirmed = new_browser()
    unconfirmed.login("berta@example.org")
    unconfirmed.submit("/confirm/resend", {}, form_page="/account")
    assert [mail.recipient for mail in outbox()] == ["berta@example.org"]
