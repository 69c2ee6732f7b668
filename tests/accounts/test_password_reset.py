"""Password reset by e-mail: the same answer for every address, a link that works once."""

from tests.accounts.helpers import (
    INVALID_LINK,
    NEW_PASSWORD,
    WRONG_LOGIN,
    logged_in,
    without_variable_parts,
)
from tests.factories import PASSWORD, create_user, find_user, link_from, outbox
from tests.helpers import field_error, html_of


def request_reset(browser, email: str):
    return browser.submit("/password/forgot", {"email": email})


def test_reset_request_answers_the_same_for_known_and_unknown_addresses(browser, new_browser):
    create_user("anna@example.org")
    known = request_reset(browser, "anna@example.org")
    unknown = request_reset(new_browser(), "niemand@example.org")
    assert known.status_code == unknown.status_code == 200
    assert "<h1>E-Mail unterwegs</h1>" in html_of(known)
    assert without_variable_parts(html_of(known), "anna@example.org") == (
        without_variable_parts(html_of(unknown), "niemand@example.org")
    )
    [mail] = outbox()
    assert mail.recipient == "anna@example.org"
    assert mail.subject == "Passwort zurücksetzen"
    assert "Der Link gilt 2 Stunden" in mail.body


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(browser, new_browser):
    create_user("anna@example.org")
    other_device = new_browser()
    other_device.login("anna@example.org")
    assert logged_in(other_device)

    request_reset(browser, "Anna@Example.org")
    link = link_from(outbox("anna@example.org")[0], "/password/reset/")
    assert "Neues Passwort festlegen" in html_of(browser.get(link))
    response = browser.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account", "the link proved who this is"
    assert logged_in(browser)

    assert not logged_in(other_device)
    browser.logout()
    again = browser.get(link)
    assert again.status_code == 400
    assert INVALID_LINK in html_of(again)
    assert 'href="/password/forgot"' in html_of(again)

    old = browser.submit("/login", {"email": "anna@example.org", "password": PASSWORD})
    assert field_error(html_of(old), "password") == WRONG_LOGIN
    new = browser.submit("/login", {"email": "anna@example.org", "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_reset_form_errors_keep_the_link_usable(browser):
    create_user("anna@example.org")
    request_reset(browser, "anna@example.org")
    link = link_from(outbox()[0], "/password/reset/")
    response = browser.submit(link, {"password": "kurz", "password_confirm": "kurz"})
    assert response.status_code == 200
    assert field_error(html_of(response), "password")
    response = browser.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert response.status_code == 302


def test_expired_reset_link_is_refused(app, browser, monkeypatch):
    user = create_user("anna@example.org")
    old_hash = user.password_hash
    request_reset(browser, "anna@example.org")
    link = link_from(outbox()[0], "/password/reset/")
    monkeypatch.setitem(app.config, "TOKEN_MAX_AGE_RESET", -1)
    assert browser.get(link).status_code == 400
    response = browser.submit(
        link,
        {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        form_page="/password/forgot",
    )
    assert response.status_code == 400
    assert INVALID_LINK in html_of(response)
    assert find_user("anna@example.org").password_hash == old_hash


def test_reset_confirms_an_unconfirmed_address(browser):
    create_user("anna@example.org", confirmed=False)
    request_reset(browser, "anna@example.org")
    link = link_from(outbox()[0], "/password/reset/")
    browser.submit(link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD})
    assert find_user("anna@example.org").confirmed_at is not None
