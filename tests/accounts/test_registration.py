"""Registration: the form, its errors in German, and no hint who has an account."""

import re

import pytest
from sqlalchemy.exc import IntegrityError

from participation.accounts import services
from participation.accounts.models import User
from participation.extensions import db
from tests.accounts.helpers import NEW_PASSWORD, registration, without_variable_parts
from tests.factories import count_rows, create_user, find_user, get_municipality, link_from, outbox
from tests.helpers import field_error, html_of


def test_resident_registers_confirms_and_logs_in(browser):
    rheine = get_municipality("rheine")
    response = browser.submit(
        "/register", registration(email="Anna@Example.org", municipality=str(rheine.id))
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "<h1>Fast geschafft</h1>" in html
    assert "Anna@Example.org" in html

    user = find_user("anna@example.org")
    assert user.email == "Anna@Example.org"  # stored as typed
    assert user.display_name == "Anna M."
    assert user.kind == "resident"
    assert user.organisation_name is None
    assert user.municipality_id == rheine.id
    assert user.confirmed_at is None
    assert NEW_PASSWORD not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")

    [mail] = outbox("Anna@Example.org")
    assert mail.subject == "Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert "Guten Tag Anna M.," in mail.body
    response = browser.get(link_from(mail, "/confirm/"), follow_redirects=True)
    assert "Vielen Dank! Ihre E-Mail-Adresse ist bestätigt." in html_of(response)
    assert find_user("anna@example.org").confirmed_at is not None

    response = browser.submit(
        "/login", {"email": "anna@example.org", "password": NEW_PASSWORD}, follow_redirects=True
    )
    assert "Willkommen, Anna M.! Sie sind angemeldet." in html_of(response)
    assert "Rheine" in html_of(response)


def test_organisation_registers_with_its_name(browser):
    response = browser.submit(
        "/register",
        registration(kind="association", organisation_name="Heimatverein Laer e. V."),
    )
    assert response.status_code == 200
    assert "Fast geschafft" in html_of(response)
    user = find_user("anna@example.org")
    assert user.kind == "association"
    assert user.organisation_name == "Heimatverein Laer e. V."


def test_resident_does_not_keep_an_organisation_name(browser):
    browser.submit("/register", registration(organisation_name="Versehentlich ausgefüllt"))
    assert find_user("anna@example.org").organisation_name is None


def test_organisation_without_name_gets_the_error_next_to_the_field_and_keeps_its_input(
    browser,
):
    laer = get_municipality("laer")
    response = browser.submit(
        "/register",
        registration(kind="business", display_name="Bäckerei B.", municipality=str(laer.id)),
    )
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "organisation_name") == (
        "Bitte geben Sie den Namen Ihrer Organisation an."
    )
    assert 'id="error-summary"' in html
    # Everything typed comes back, except the passwords.
    assert 'value="anna@example.org"' in html
    assert 'value="Bäckerei B."' in html
    assert re.search(r'<input checked[^>]*value="business"', html)
    assert re.search(rf'<option selected value="{laer.id}">Laer</option>', html)
    assert NEW_PASSWORD not in html
    assert count_rows(User) == 0
    assert outbox() == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Bitte geben Sie Ihre E-Mail-Adresse an."),
        (
            {"email": "anna@"},
            "email",
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. name@beispiel.de.",
        ),
        ({"display_name": ""}, "display_name", "Bitte geben Sie einen Anzeigenamen an."),
        (
            {"display_name": "A"},
            "display_name",
            "Der Anzeigename muss zwischen 2 und 60 Zeichen lang sein.",
        ),
        (
            {"password": "kurz", "password_confirm": "kurz"},
            "password",
            "Das Passwort muss zwischen 10 und 200 Zeichen lang sein.",
        ),
        (
            {"password_confirm": "ein anderes Passwort"},
            "password_confirm",
            "Die beiden Passwörter stimmen nicht überein.",
        ),
        (
            {"accept_privacy": None},
            "accept_privacy",
            "Bitte bestätigen Sie, dass Sie die Datenschutzerklärung gelesen haben.",
        ),
        ({"municipality": "99999"}, "municipality", "Keine gültige Auswahl."),
        ({"kind": "robot"}, "kind", "Keine gültige Auswahl."),
    ],
)
def test_invalid_registration_explains_in_german_next_to_the_field(
    browser, changes, field, message
):
    response = browser.submit("/register", registration(**changes))
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, field) == message
    assert re.search(rf'aria-describedby="[^"]*{field}-error', html)  # read out with the field
    assert count_rows(User) == 0
    assert outbox() == []


def test_district_wide_entry_is_no_home_municipality(browser):
    kreisweit = get_municipality("kreisweit")
    response = browser.submit("/register", registration(municipality=str(kreisweit.id)))
    assert field_error(html_of(response), "municipality") == "Keine gültige Auswahl."
    assert count_rows(User) == 0


def test_registration_offers_the_towns_in_german_alphabetical_order(browser):
    html = html_of(browser.get("/register"))
    options = re.findall(r"<option[^>]*>([^<]+)</option>", html)
    assert options[0] == "Keine Angabe"
    assert len(options) == 25
    assert options.index("Hörstel") < options.index("Horstmar")
    assert "Kreisweit" not in options


def test_typed_values_survive_a_password_mismatch(browser):
    response = browser.submit(
        "/register",
        registration(
            kind="institution",
            organisation_name="Stadtbücherei",
            display_name="Büchereiteam",
            password_confirm="etwas ganz anderes",
        ),
    )
    html = html_of(response)
    assert field_error(html, "password_confirm")
    for typed in ('value="Stadtbücherei"', 'value="Büchereiteam"', 'value="anna@example.org"'):
        assert typed in html
    assert re.search(r'<input checked[^>]*id="accept_privacy"', html)
    assert NEW_PASSWORD not in html
    assert "etwas ganz anderes" not in html


def test_registered_address_gets_the_same_answer_and_its_owner_a_hint(browser, new_browser):
    owner = create_user("anna@example.org", display_name="Anna Original")
    original_hash = owner.password_hash

    fresh = browser.submit("/register", registration(email="berta@example.org"))
    taken = new_browser().submit("/register", registration(email="ANNA@example.org"))

    assert fresh.status_code == taken.status_code == 200
    assert without_variable_parts(html_of(fresh), "berta@example.org") == (
        without_variable_parts(html_of(taken), "ANNA@example.org")
    )
    assert count_rows(User) == 2  # the owner and Berta, no second Anna
    owner = find_user("anna@example.org")
    assert owner.display_name == "Anna Original"
    assert owner.password_hash == original_hash
    [hint] = outbox("anna@example.org")
    assert hint.subject == "Sie haben bereits ein Konto"
    assert "Guten Tag Anna Original," in hint.body
    assert "/login" in hint.body and "/password/forgot" in hint.body
    [confirmation] = outbox("berta@example.org")
    assert "/confirm/" in confirmation.body


def test_registered_address_costs_the_same_hashing_as_a_new_one(app, monkeypatch):
    """Answering faster for a known address would give it away."""
    create_user("anna@example.org")
    calls = []
    original = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda pw: calls.append(pw) or original(pw))
    with app.test_request_context():
        profile = services.ProfileData("Anna")
        assert services.register_user("anna@example.org", NEW_PASSWORD, profile) is None
        assert calls == [NEW_PASSWORD]
        assert services.register_user("berta@example.org", NEW_PASSWORD, profile) is not None
        assert calls == [NEW_PASSWORD, NEW_PASSWORD]
    db.session.rollback()


def test_email_is_unique_regardless_of_case(browser, new_browser):
    browser.submit("/register", registration(email="A@x.de"))
    new_browser().submit("/register", registration(email="a@X.de"))
    assert count_rows(User) == 1
    assert find_user("a@x.de").email == "A@x.de"
    assert [mail.subject for mail in outbox()] == [
        "Bitte bestätigen Sie Ihre E-Mail-Adresse",
        "Sie haben bereits ein Konto",
    ]


def test_database_refuses_a_second_account_differing_only_in_case():
    create_user("Anna@Example.org")
    db.session.add(User(email="anna@example.ORG", display_name="Zweite", password_hash="x"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    assert count_rows(User) == 1


def test_signed_in_person_is_sent_from_register_to_the_account(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.get("/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
