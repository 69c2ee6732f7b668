"""Accounts through the browser's eyes: sign-up, confirmation, login, reset, profile."""

import re

import pytest
from markupsafe import escape
from sqlalchemy.exc import IntegrityError

from participation.accounts import services
from participation.accounts.models import User
from participation.extensions import db
from participation.notifications.models import OutboxMessage
from tests.conftest import Browser
from tests.factories import (
    PASSWORD,
    count_rows,
    create_user,
    find_user,
    get_municipality,
    link_from,
    outbox,
)

NEW_PASSWORD = "ein langes neues Passwort"
WRONG_LOGIN = "E-Mail-Adresse oder Passwort ist nicht richtig."
INVALID_LINK = "Dieser Link funktioniert nicht (mehr)"


def registration(**changes) -> dict:
    data = {
        "kind": "resident",
        "organisation_name": "",
        "email": "anna@example.org",
        "display_name": "Anna M.",
        "password": NEW_PASSWORD,
        "password_confirm": NEW_PASSWORD,
        "municipality": "0",
        "accept_privacy": "y",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def html_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, field: str) -> str | None:
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    return match.group(1) if match else None


def without_variable_parts(html: str, email: str) -> str:
    """A page with the echoed e-mail address and the CSRF token blanked out."""
    html = html.replace(str(escape(email)), "EMAIL")
    return re.sub(r'name="csrf_token"([^>]*)value="[^"]*"', r'name="csrf_token"\1value=""', html)


def new_browser(app) -> Browser:
    return Browser(app.test_client())


def logged_in(browser) -> bool:
    response = browser.get("/account")
    return response.status_code == 200 and "<h1>Mein Konto</h1>" in html_of(response)


# --- Registration ---------------------------------------------------------------------


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


def test_registered_address_gets_the_same_answer_and_its_owner_a_hint(app, browser):
    owner = create_user("anna@example.org", display_name="Anna Original")
    original_hash = owner.password_hash

    fresh = browser.submit("/register", registration(email="berta@example.org"))
    taken = new_browser(app).submit("/register", registration(email="ANNA@example.org"))

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


def test_email_is_unique_regardless_of_case(app, browser):
    browser.submit("/register", registration(email="A@x.de"))
    new_browser(app).submit("/register", registration(email="a@X.de"))
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


# --- Confirmation ---------------------------------------------------------------------


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


def test_confirmed_person_gets_no_new_link(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    browser.submit("/confirm/resend", {}, form_page="/account")
    assert outbox() == []


# --- Login ----------------------------------------------------------------------------


def test_login_ignores_the_case_of_the_address_and_notes_the_time(browser):
    create_user("Anna@Example.org", display_name="Anna M.")
    assert find_user("anna@example.org").last_login_at is None
    response = browser.submit("/login", {"email": "aNNa@example.ORG", "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"
    assert find_user("anna@example.org").last_login_at is not None
    assert logged_in(browser)


def test_wrong_password_and_unknown_address_look_the_same(app, browser):
    create_user("anna@example.org")
    wrong = browser.submit("/login", {"email": "anna@example.org", "password": "falsch!!!!!"})
    unknown = new_browser(app).submit(
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


def test_login_page_does_not_carry_a_foreign_target(browser):
    html = html_of(browser.get("/login?next=//evil.example"))
    assert "evil" not in html


# --- Logout ---------------------------------------------------------------------------


def test_logout_by_get_is_not_possible(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "GET" not in response.headers["Allow"]
    assert "Aktion nicht möglich" in html_of(response)
    assert logged_in(browser)


def test_logout_without_csrf_token_is_refused(browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    response = browser.client.post("/logout", data={})
    assert response.status_code == 400
    assert "Das Formular ist abgelaufen" in html_of(response)
    assert logged_in(browser)


def test_logout_ends_the_session_for_every_copy_of_the_cookie(app, browser):
    create_user("anna@example.org")
    browser.login("anna@example.org")
    stolen = browser.client.get_cookie("zst_session").value

    response = browser.logout()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Sie sind abgemeldet." in html_of(browser.get("/"))
    assert not logged_in(browser)

    replay = app.test_client()
    replay.set_cookie("zst_session", stolen)
    response = replay.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


# --- Password reset -------------------------------------------------------------------


def request_reset(browser, email: str):
    return browser.submit("/password/forgot", {"email": email})


def test_reset_request_answers_the_same_for_known_and_unknown_addresses(app, browser):
    create_user("anna@example.org")
    known = request_reset(browser, "anna@example.org")
    unknown = request_reset(new_browser(app), "niemand@example.org")
    assert known.status_code == unknown.status_code == 200
    assert "<h1>E-Mail unterwegs</h1>" in html_of(known)
    assert without_variable_parts(html_of(known), "anna@example.org") == (
        without_variable_parts(html_of(unknown), "niemand@example.org")
    )
    [mail] = outbox()
    assert mail.recipient == "anna@example.org"
    assert mail.subject == "Passwort zurücksetzen"
    assert "Der Link gilt 2 Stunden" in mail.body


def test_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, browser):
    create_user("anna@example.org")
    other_device = new_browser(app)
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


# --- Profile and password -------------------------------------------------------------


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


def test_change_password_needs_the_current_one(app, browser):
    user = create_user("anna@example.org")
    old_hash = user.password_hash
    other_device = new_browser(app)
    other_device.login("anna@example.org")
    browser.login("anna@example.org")

    response = browser.submit(
        "/account/password",
        {
            "current_password": "nicht das Passwort",
            "password": NEW_PASSWORD,
            "password_confirm": NEW_PASSWORD,
        },
    )
    assert field_error(html_of(response), "current_password") == (
        "Das aktuelle Passwort ist nicht richtig."
    )
    assert find_user("anna@example.org").password_hash == old_hash
    assert logged_in(other_device)

    response = browser.submit(
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
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
