"""A person on a phone: sign up, confirm, log in, edit the profile, log out."""

import re

import pytest
from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from tests.browser.helpers import focused, log_in
from tests.factories import create_user, link_from, outbox

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

EMAIL = "anna.beispiel@example.org"
NEW_PASSWORD = "Mein Fahrrad steht in Rheine"


def field(page, field_id: str):
    return page.locator(f"#{field_id}")


def error_of(page, field_id: str):
    """The error message wired to a field via aria-describedby."""
    return page.locator(f"#{field_id}-error")


def expect_error_next_to(page, field_id: str, message: str) -> None:
    expect(error_of(page, field_id)).to_have_text(message)
    control = field(page, field_id)
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    # The message sits in the same field group as its input, above it.
    group = page.locator(".field.has-error", has=control)
    expect(group.locator(".field-error")).to_have_text(message)


def user_in_database(email: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.email == email))


def test_register_confirm_login_edit_profile_logout(phone):
    page = phone
    page.goto("/")
    page.get_by_role("link", name="Jetzt registrieren").click()
    expect(page).to_have_url(re.compile(r"/register$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrieren")
    expect(page.get_by_label("Privatperson")).to_be_checked()
    # Only organisations need a name; site.js hides the field for residents.
    expect(page.get_by_label("Name der Organisation")).to_be_hidden()

    # First try: no display name, and the repeated password does not match.
    page.get_by_label("E-Mail").fill(EMAIL)
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill("Mein Fahrrad steht in Emsdetten")
    page.get_by_label("Kommune (freiwillig)").select_option(label="Emsdetten")
    page.get_by_label("Ich habe die Datenschutzerklärung gelesen").check()
    page.locator("main").get_by_role("button", name="Registrieren").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Bitte prüfen Sie Ihre Eingaben")
    expect_error_next_to(page, "display_name", "Bitte geben Sie einen Anzeigenamen an.")
    expect_error_next_to(page, "password_confirm", "Die beiden Passwörter stimmen nicht überein.")
    expect(error_of(page, "email")).to_have_count(0)
    expect(page.get_by_label("E-Mail")).to_have_value(EMAIL)
    expect(page.get_by_label("Kommune (freiwillig)")).to_have_value(
        str(_municipality_id("emsdetten"))
    )
    expect(page.get_by_label("Ich habe die Datenschutzerklärung gelesen")).to_be_checked()
    # Passwords are never sent back to the browser.
    expect(page.get_by_label("Passwort", exact=True)).to_have_value("")
    # The summary links to the field it talks about.
    summary.get_by_role("link", name=re.compile("^Anzeigename")).click()
    expect(page.get_by_label("Anzeigename")).to_be_focused()

    # Second try: a display name that is too short; what was typed stays.
    page.get_by_label("Anzeigename").fill("A")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Registrieren").click()
    expect_error_next_to(
        page, "display_name", "Der Anzeigename muss zwischen 2 und 60 Zeichen lang sein."
    )
    expect(error_of(page, "password_confirm")).to_have_count(0)
    expect(page.get_by_label("Anzeigename")).to_have_value("A")
    expect(page.get_by_label("E-Mail")).to_have_value(EMAIL)
    assert outbox() == []

    # Fixed: the account is created and a confirmation mail is waiting.
    page.get_by_label("Anzeigename").fill("Anna B.")
    page.get_by_label("Passwort", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Passwort wiederholen").fill(NEW_PASSWORD)
    page.locator("main").get_by_role("button", name="Registrieren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fast geschafft")
    expect(page.locator("main")).to_contain_text(EMAIL)
    user = user_in_database(EMAIL)
    assert user is not None and user.confirmed_at is None

    [mail] = outbox(EMAIL)
    page.goto(link_from(mail, "/confirm/"))
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".flash")).to_have_text("Vielen Dank! Ihre E-Mail-Adresse ist bestätigt.")
    assert user_in_database(EMAIL).confirmed_at is not None

    log_in(page, EMAIL, NEW_PASSWORD)
    expect(page.locator(".flash")).to_have_text("Willkommen, Anna B.! Sie sind angemeldet.")
    nav = page.get_by_role("navigation", name="Konto")
    expect(nav.get_by_role("link", name="Mein Konto")).to_have_attribute("aria-current", "page")

    page.get_by_role("link", name="Profil bearbeiten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Profil bearbeiten")
    expect(page.get_by_label("Anzeigename")).to_have_value("Anna B.")
    page.get_by_label("Anzeigename").fill("Anna Beispiel")
    page.get_by_label("Kommune (freiwillig)").select_option(label="Rheine")
    page.get_by_role("button", name="Speichern").click()

    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator(".flash")).to_have_text("Ihr Profil ist gespeichert.")
    profile = page.locator(".facts")
    expect(profile.locator("dt:has-text('Anzeigename') + dd")).to_have_text("Anna Beispiel")
    expect(profile.locator("dt:has-text('Kommune') + dd")).to_have_text("Rheine")
    saved = user_in_database(EMAIL)
    assert saved.display_name == "Anna Beispiel"
    assert saved.municipality.slug == "rheine"
    assert saved.kind == "resident"

    nav.get_by_role("button", name="Abmelden").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".flash")).to_have_text("Sie sind abgemeldet.")
    expect(nav.get_by_role("link", name="Anmelden")).to_be_visible()
    expect(nav.get_by_role("link", name="Mein Konto")).to_have_count(0)
    expect(nav.get_by_role("button", name="Abmelden")).to_have_count(0)
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))


def _municipality_id(slug: str) -> int:
    from tests.factories import get_municipality

    return get_municipality(slug).id


def test_keyboard_only_login(phone):
    user = create_user(display_name="Kai Tastatur")
    page = phone
    page.goto("/login")
    for _ in range(20):
        page.keyboard.press("Tab")
        if focused(page)["id"] == "email":
            break
    else:
        pytest.fail("Das E-Mail-Feld ist mit der Tab-Taste nicht erreichbar.")
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type("ein sicheres Passwort")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator(".flash")).to_have_text("Willkommen, Kai Tastatur! Sie sind angemeldet.")


def test_keyboard_login_error_is_announced_and_reachable(phone):
    user = create_user()
    page = phone
    page.goto("/login")
    page.get_by_label("E-Mail").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type("falsches Passwort")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(error_of(page, "password")).to_have_text(
        "E-Mail-Adresse oder Passwort ist nicht richtig."
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # follows the summary's link to the field
    expect(page.get_by_label("Passwort", exact=True)).to_be_focused()


def test_skip_link_is_first_and_moves_focus_to_main(phone):
    page = phone
    page.goto("/fields")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/fields#main$"))
    # The next Tab continues inside the main content, not in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
