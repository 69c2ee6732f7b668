"""The account pages: profile and password changes, behind a login."""

import re

from participation.outbox.models import OutboxMessage
from tests.accounts.helpers import NEW_PASSWORD, logged_in
from tests.factories import PASSWORD, count_rows, create_user, find_user, get_municipality
from tests.helpers import field_error, html_of


def test_profile_changes_are_saved(browser):
    create_user("anna@example.org", display_name="Anna M.", municipality="laer")
    browser.login("anna@example.org")
    form = html_of(browser.get("/account/profile"))
    assert 'value="Anna M."' in form
    assert re.search(rf'<option selected value="{get_municipality("laer").id}">', form)

    rheine = get_municipality("rheine")
    response = browser.submit(
        "/account/profile",
        {
            "kind": "association",
            "organisation_name": "Sportverein Rheine",
            "display_name": "SV Rheine",
            "municipality": str(rheine.id),
        },
        follow_redirects=True,
    )
    html = html_of(response)
    assert "Ihr Profil ist gespeichert." in html
    assert "SV Rheine" in html and "Sportverein Rheine" in html and "Rheine" in html
    user = find_user("anna@example.org")
    assert (user.display_name, user.kind, user.organisation_name, user.municipality_id) == (
        "SV Rheine",
        "association",
        "Sportverein Rheine",
        rheine.id,
    )


def test_profile_can_drop_the_municipality_and_the_organisation(browser):
    create_user("anna@example.org", kind="business", organisation_name="Firma", municipality="laer")
    browser.login("anna@example.org")
    browser.submit(
        "/account/profile",
        {
            "kind": "resident",
            "organisation_name": "Firma",
            "display_name": "Anna",
            "municipality": "0",
        },
    )
    user = find_user("anna@example.org")
    assert (user.kind, user.organisation_name, user.municipality_id) == ("resident", None, None)


def test_profile_errors_keep_the_input_and_change_nothing(browser):
    create_user("anna@example.org", display_name="Anna M.")
    browser.login("anna@example.org")
    response = browser.submit(
        "/account/profile",
        {
            "kind": "business",
            "organisation_name": "",
            "display_name": "Neuer Name",
            "municipality": "0",
        },
    )
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "organisation_name") == (
        "Bitte geben Sie den Namen Ihrer Organisation an."
    )
    assert 'value="Neuer Name"' in html
    assert re.search(r'<input checked[^>]*value="business"', html)
    user = find_user("anna@example.org")
    assert (user.display_name, user.kind) == ("Anna M.", "resident")


def test_change_password_needs_the_current_one(browser, new_browser):
    user = create_user("anna@example.org")
    old_hash = user.password_hash
    other_device = new_browser()
    other_device.login("anna@example.org")
    browser.login("anna@example.org")

    response = browser.submit(
        "/account/password",
        {
            "password": "nicht das Passwort",
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert field_error(html_of(response), "password") == (
        "Das aktuelle Passwort ist nicht richtig. Ihr Passwort bleibt unverändert."
    )
    assert 'value="nicht das Passwort"' not in html_of(response)  # passwords are not echoed
    assert find_user("anna@example.org").password_hash == old_hash
    assert logged_in(other_device)

    response = browser.submit(
        "/account/password",
        {"password": PASSWORD, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Ihr Passwort ist geändert. Andere Geräte wurden abgemeldet." in html_of(response)
    assert find_user("anna@example.org").password_hash != old_hash
    assert logged_in(browser)
    assert not logged_in(other_device)
    assert other_device.login("anna@example.org", NEW_PASSWORD).status_code == 302


def test_account_pages_need_a_login(browser):
    for path in ("/account", "/account/profile", "/account/password"):
        response = browser.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
    assert count_rows(OutboxMessage) == 0
