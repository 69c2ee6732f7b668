"""Signing in without a target leads staff to their work and residents to their account."""

import pytest

from tests.factories import PASSWORD, create_user, fresh_code, link_from, outbox
from tests.helpers import html_of

LANDINGS = [
    ((), "/account"),
    (("moderator",), "/moderation"),
    (("moderator:rheine",), "/moderation"),
    (("committee",), "/pipeline"),
    (("team",), "/pipeline"),
    (("admin",), "/moderation"),
]


def sign_in_with_code(browser, email: str, url: str = "/login"):
    """The password, then the app's code: staff always pass the second step."""
    first = browser.submit(url, {"email": email, "password": PASSWORD})
    assert first.status_code == 302
    assert first.headers["Location"] == "/login/code"
    return browser.submit("/login/code", {"code": fresh_code(email)})


@pytest.mark.parametrize(("roles", "landing"), LANDINGS)
def test_sign_in_without_target_leads_to_the_daily_work(browser, roles, landing):
    person = create_user(roles=roles, second_factor=True)

    response = sign_in_with_code(browser, person.email)

    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert browser.get(landing).status_code == 200
    assert browser.get("/login").headers["Location"] == landing, "already signed in"


@pytest.mark.parametrize(("roles", "landing"), LANDINGS)
def test_sign_in_with_target_returns_there_whatever_the_role(browser, roles, landing):
    person = create_user(roles=roles, second_factor=True)

    response = sign_in_with_code(browser, person.email, "/login?next=/vision")

    assert response.headers["Location"] == "/vision"


def test_staff_without_second_factor_land_on_the_account_with_the_setup_notice(browser):
    person = create_user(roles=("moderator",), second_factor=False)

    response = browser.submit("/login", {"email": person.email, "password": PASSWORD})

    assert response.headers["Location"] == "/account"
    page = html_of(browser.get("/account"))
    assert "Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben." in page


@pytest.mark.parametrize(("roles", "landing"), [LANDINGS[0], LANDINGS[1], LANDINGS[3]])
def test_reset_link_signs_in_to_the_same_landing(browser, roles, landing):
    person = create_user(roles=roles, second_factor=True)
    browser.submit("/password/forgot", {"email": person.email})
    link = link_from(outbox(person.email)[0], "/password/reset/")
    new_password = "ein ganz neues Passwort 2026"

    response = browser.submit(
        link,
        {
            "password": new_password,
            "password_confirm": new_password,
            "code": fresh_code(person.email),
        },
    )

    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert browser.get(landing).status_code == 200
