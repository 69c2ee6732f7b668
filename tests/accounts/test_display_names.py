"""Display and organisation names: visible characters only, and no staff names."""

import re

import pytest
from markupsafe import escape

from participation.accounts.models import User
from tests.accounts.helpers import registration
from tests.factories import count_rows, create_user, find_user, get_municipality, outbox
from tests.helpers import Browser, FreshGlobalsClient

INVISIBLE = "Der Anzeigename enthält unsichtbare oder die Schreibrichtung ändernde Zeichen"
ORG_INVISIBLE = "Der Name der Organisation enthält unsichtbare"
STACKED = "Der Anzeigename enthält zu viele übereinandergesetzte Zeichen"
RESERVED = "sind den Mitarbeitenden vorbehalten"


@pytest.fixture(autouse=True)
def _each_client_a_fresh_g(app):
    """Each request gets its own `g`, as on a server (see tests.helpers.FreshGlobalsClient)."""
    app.test_client_class = FreshGlobalsClient


def field_error(response, field: str) -> str:
    html = response.get_data(as_text=True)
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else ""


def register(app, **changes):
    return Browser(app.test_client()).submit("/register", registration(**changes))


@pytest.mark.parametrize(
    "name",
    [
        "Anna\u200bMüller",  # zero-width space
        "Anna\u200fM.",  # right-to-left mark
        "Anna \u202eM.retsiM",  # right-to-left override
        "\u2066Anna\u2069 M.",  # isolates
        "\ufeffAnna M.",  # byte order mark
        "An\u00adna M.",  # soft hyphen
        "Anna\u00a0M.",  # no-break space
        "Anna\u3000M.",  # ideographic space
        "Anna\u3164",  # Hangul filler, an "empty" letter
    ],
    ids=lambda name: name.encode("unicode_escape").decode(),
)
def test_names_with_invisible_characters_are_refused_next_to_the_field(app, name):
    response = register(app, display_name=name)
    assert response.status_code == 200
    assert field_error(response, "display_name").startswith(INVISIBLE)
    assert count_rows(User) == 0
    assert outbox() == []


def test_a_flood_of_combining_marks_is_refused_but_accents_are_fine(app):
    response = register(app, display_name="Ze\u0301\u0301\u0301\u0301\u0301\u0301\u0301ro")
    assert field_error(response, "display_name").startswith(STACKED)
    assert count_rows(User) == 0

    response = register(app, display_name="Nguye\u0302\u0303n Zoë")
    assert field_error(response, "display_name") == ""
    assert find_user("anna@example.org").display_name == "Nguye\u0302\u0303n Zoë"


@pytest.mark.parametrize(
    "name",
    [
        "Moderation",
        "Moderatorin Rheine",
        "M0derat0r",
        "Admin",
        "ADMlN",
        "Аdmin",  # Cyrillic А
        "𝐀𝐝𝐦𝐢𝐧",  # mathematical bold
        "PeterAdmin",
        "Administrator",
        "Kreis Steinfurt",
        "Kreis-Steinfurt Info",
        "Kreisverwaltung",
        "Projekt-Team",
        "Lenkungsausschuß",
        "#Zukunft ST",
        "ZukunftST",
        "Team Rheine",
        "T e a m",
        "Support",
        "Landrätin",
    ],
)
def test_names_that_look_like_staff_are_refused(app, name):
    response = register(app, display_name=name)
    assert response.status_code == 200
    assert RESERVED in field_error(response, "display_name")
    assert count_rows(User) == 0


@pytest.mark.parametrize(
    "name", ["Anna M.", "Tea M.", "Roland Rath", "Jürgen Ö.", "Steampunk", "Zukunftstag-Fan"]
)
def test_ordinary_names_are_accepted(app, name):
    response = register(app, display_name=name)
    assert field_error(response, "display_name") == ""
    assert find_user("anna@example.org").display_name == name


def test_a_refused_name_answers_the_same_for_a_known_address(app):
    """The name is checked before the address is looked up: no hint who has an account."""
    create_user("anna@example.org")
    known = register(app, email="anna@example.org", display_name="Moderation")
    new = register(app, email="neu@example.org", display_name="Moderation")

    def page(response, email):
        html = response.get_data(as_text=True).replace(str(escape(email)), "EMAIL")
        return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', 'name="csrf_token"', html)

    assert RESERVED in field_error(known, "display_name")
    assert page(known, "anna@example.org") == page(new, "neu@example.org")
    assert count_rows(User) == 1
    assert outbox() == []


def test_organisation_names_are_checked_too(app):
    response = register(
        app, kind="association", organisation_name="Sportverein\u202e Rheine", display_name="SV"
    )
    assert field_error(response, "organisation_name").startswith(ORG_INVISIBLE)
    response = register(
        app, kind="association", organisation_name="Kreisverwaltung Steinfurt", display_name="SV"
    )
    assert RESERVED in field_error(response, "organisation_name")
    assert count_rows(User) == 0

    # Ordinary words in a business's name are fine; only people may not call themselves so.
    response = register(
        app, kind="business", organisation_name="IT-Support Meyer", display_name="Jan Meyer"
    )
    assert field_error(response, "organisation_name") == ""
    assert find_user("anna@example.org").organisation_name == "IT-Support Meyer"


def profile(browser, **changes):
    data = {"kind": "resident", "organisation_name": "", "display_name": "Anna M."}
    data.update({"municipality": "0", **changes})
    return browser.submit("/account/profile", data)


def signed_in(app, email: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(email).status_code == 302
    return browser


def test_a_resident_cannot_rename_to_a_staff_name_or_hide_characters(app):
    create_user("anna@example.org", display_name="Anna M.")
    browser = signed_in(app, "anna@example.org")

    response = profile(browser, display_name="Moderation Rheine")
    assert response.status_code == 200
    assert RESERVED in field_error(response, "display_name")
    response = profile(browser, display_name="Anna\u200b M.")
    assert field_error(response, "display_name").startswith(INVISIBLE)
    assert find_user("anna@example.org").display_name == "Anna M."


def test_staff_may_carry_staff_names(app):
    create_user("mod@example.org", display_name="Mod", roles=("moderator",))
    browser = signed_in(app, "mod@example.org")
    response = profile(browser, display_name="Moderation Rheine")
    assert response.status_code == 302
    assert find_user("mod@example.org").display_name == "Moderation Rheine"


def test_a_name_staff_gave_survives_an_edit_of_other_settings(app):
    create_user("team@example.org", display_name="Projektteam Kreis Steinfurt")
    browser = signed_in(app, "team@example.org")
    rheine = get_municipality("rheine").id
    response = profile(
        browser, display_name="Projektteam Kreis Steinfurt", municipality=str(rheine)
    )
    assert response.status_code == 302
    user = find_user("team@example.org")
    assert user.display_name == "Projektteam Kreis Steinfurt"
    assert user.municipality_id == rheine
