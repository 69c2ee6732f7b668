"""Common and personal passwords are refused, at sign-up, reset and change alike."""

import pytest

from participation.accounts.models import User
from tests.accounts.helpers import logged_in, registration
from tests.factories import PASSWORD, count_rows, create_user, find_user, link_from, outbox
from tests.helpers import e, field_error, html_of

COMMON = (
    "Dieses Passwort ist sehr verbreitet und leicht zu erraten. "
    "Ein Satz aus mehreren Wörtern ist sicherer und leicht zu merken."
)
PASSPHRASE = "Mein Fahrrad steht am Bahnhof Rheine"


def contains(what: str) -> str:
    return (
        f"Das Passwort enthält {what}. Solche Passwörter probieren Angreifer zuerst aus. "
        "Ein Satz aus mehreren Wörtern ist sicherer und leicht zu merken."
    )


def both(password: str) -> dict:
    return {"password": password, "password_confirm": password}


def new_pair(password: str) -> dict:
    """The new password twice, on the page that changes it (`password` is the current one)."""
    return {"new_password": password, "new_password_confirm": password}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("passwort123", COMMON),
        ("Sonnenschein1", COMMON),
        ("qwertzuiop", COMMON),
        ("1234567890", COMMON),
        ("Steinfurt2024", COMMON),
        ("annaschmitz!", contains("den Teil Ihrer E-Mail-Adresse vor dem @")),
        ("Anna Radlerin 77", contains("Ihren Anzeigenamen")),
        ("#ZukunftST2026", contains("den Namen der Plattform oder des Kreises")),
        ("Kreis-5teinfurt!", contains("den Namen der Plattform oder des Kreises")),
    ],
)
def test_sign_up_refuses_a_guessable_password_and_keeps_what_was_typed(browser, password, message):
    data = registration(
        email="annaschmitz@example.org", display_name="Anna Radlerin", **both(password)
    )
    response = browser.submit("/register", data)
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "password") == e(message)
    assert 'value="annaschmitz@example.org"' in html
    assert 'value="Anna Radlerin"' in html
    assert e(password) not in html.replace(e(message), "")
    assert count_rows(User) == 0
    assert outbox() == []


def test_sign_up_takes_a_sentence_of_several_words(browser):
    data = registration(email="annaschmitz@example.org", **both(PASSPHRASE))
    response = browser.submit("/register", data)
    assert response.status_code == 200
    assert "<h1>Fast geschafft</h1>" in html_of(response)
    assert find_user("annaschmitz@example.org") is not None
    assert [mail.recipient for mail in outbox()] == ["annaschmitz@example.org"]


def test_a_word_that_only_starts_like_the_platform_name_is_no_problem(browser):
    response = browser.submit("/register", registration(**both("Zukunftstag im Mai mit Oma")))
    assert field_error(html_of(response), "password") is None
    assert count_rows(User) == 1


def reset_link(browser, email: str) -> str:
    browser.submit("/password/forgot", {"email": email})
    return link_from(outbox(email)[0], "/password/reset/")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("hallo12345", COMMON),
        ("berta.koch2024", contains("den Teil Ihrer E-Mail-Adresse vor dem @")),
        ("Frau Berta K. 1", contains("Ihren Anzeigenamen")),
    ],
)
def test_reset_refuses_a_guessable_password_and_the_link_still_works(browser, password, message):
    user = create_user("berta.koch@example.org", display_name="Berta K.")
    old_hash = user.password_hash
    link = reset_link(browser, "berta.koch@example.org")
    response = browser.submit(link, both(password))
    assert response.status_code == 200
    assert field_error(html_of(response), "password") == e(message)
    assert find_user("berta.koch@example.org").password_hash == old_hash
    assert not logged_in(browser)

    accepted = browser.submit(link, both(PASSPHRASE))
    assert accepted.status_code == 302
    assert find_user("berta.koch@example.org").password_hash != old_hash
    assert logged_in(browser)


def test_change_refuses_a_guessable_password_and_keeps_the_old_one(browser, new_browser):
    user = create_user("carla@example.org", display_name="Carla aus Greven")
    old_hash = user.password_hash
    browser.login("carla@example.org")
    for password, message in (
        ("Schatzi2020", COMMON),
        ("CarlaausGreven!", contains("Ihren Anzeigenamen")),
    ):
        response = browser.submit("/account/password", {"password": PASSWORD, **new_pair(password)})
        assert response.status_code == 200
        assert field_error(html_of(response), "new_password") == e(message)
        assert find_user("carla@example.org").password_hash == old_hash

    response = browser.submit("/account/password", {"password": PASSWORD, **new_pair(PASSPHRASE)})
    assert response.status_code == 302
    assert find_user("carla@example.org").password_hash != old_hash
    assert new_browser().login("carla@example.org", PASSPHRASE).status_code == 302


def test_too_short_password_gets_only_the_length_message(browser):
    response = browser.submit("/register", registration(**both("passwort")))
    assert field_error(html_of(response), "password") == (
        "Das Passwort muss zwischen 10 und 200 Zeichen lang sein."
    )
    assert html_of(response).count('class="field-error" id="password-error"') == 1
    assert count_rows(User) == 0


def test_staff_accounts_from_the_command_line_get_the_same_rule(runner):
    result = runner.invoke(
        args=["users", "create", "mod@example.org", "--role", "moderator"],
        input="passwort1234\n",
    )
    assert result.exit_code == 1
    assert COMMON in result.output
    assert count_rows(User) == 0
