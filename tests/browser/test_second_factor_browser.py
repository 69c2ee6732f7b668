"""A new moderator sets up the second factor on a phone: sent from the moderation page to
the setup, the secret typed into the "app" (pyotp here), ten recovery codes, back to the
moderation; later signing in again with a code. axe on every page on the way."""

import re

import pyotp
import pytest

from tests.browser.helpers import assert_fits_phone, enter_code, log_in
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import PASSWORD, create_user, find_user, fresh_code, wrong_code

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def test_a_moderator_sets_up_the_second_factor_and_signs_in_with_it(new_phone):
    moderator = create_user(
        display_name="Mona Moderatorin", roles=("moderator",), second_factor=False
    )
    phone = new_phone()
    phone.goto("/login")
    phone.get_by_label("E-Mail").fill(moderator.email)
    phone.get_by_label("Passwort", exact=True).fill(PASSWORD)
    phone.locator("main").get_by_role("button", name="Anmelden").click()
    phone.wait_for_url("**/account")
    expect(
        phone.get_by_text("Für Ihre Rolle ist die Zwei-Faktor-Anmeldung vorgeschrieben.")
    ).to_be_visible()

    phone.goto("/moderation")
    phone.wait_for_url(re.compile(r"/account/zwei-faktor\?next=/moderation$"))
    expect(phone.get_by_role("heading", name="Zwei-Faktor-Anmeldung", level=1)).to_be_visible()
    expect(phone.locator(".flash").first).to_contain_text("vorgeschrieben")
    qr = phone.get_by_role("img", name=re.compile("QR-Code zum Einrichten"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0  # the app drew it
    assert_fits_phone(phone)
    assert_no_violations(phone)

    secret = phone.locator("#secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    phone.get_by_label("Code aus der App").fill(wrong_code(secret))
    phone.get_by_label("Ihr Passwort").fill(PASSWORD)
    phone.get_by_role("button", name="Zwei-Faktor-Anmeldung einschalten").click()
    expect(phone.locator("#app_code-error")).to_contain_text("Der Code passt nicht")
    assert_no_violations(phone)

    phone.get_by_label("Code aus der App").fill(pyotp.TOTP(secret).now())
    phone.get_by_label("Ihr Passwort").fill(PASSWORD)
    phone.get_by_role("button", name="Zwei-Faktor-Anmeldung einschalten").click()
    expect(phone.get_by_role("heading", name="Ihre Wiederherstellungscodes")).to_be_visible()
    codes = phone.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[2-9A-Z]{5}-[2-9A-Z]{5}", c) for c in codes)
    assert_fits_phone(phone)
    assert_no_violations(phone)

    phone.get_by_role("link", name="Ich habe die Codes gesichert – weiter").click()
    phone.wait_for_url("**/moderation")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Moderation")
    assert find_user(moderator.email).second_factor_at is not None

    # Another day, another phone: the password, then the code.
    later = new_phone()
    later.goto("/login")
    later.get_by_label("E-Mail").fill(moderator.email)
    later.get_by_label("Passwort", exact=True).fill(PASSWORD)
    later.locator("main").get_by_role("button", name="Anmelden").click()
    later.wait_for_url("**/login/code")
    code_field = later.get_by_label("Code aus der Authenticator-App")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    assert_no_violations(later)
    enter_code(later, wrong_code(secret))
    expect(later.locator("#code-error")).to_contain_text("nicht richtig")
    assert_no_violations(later)

    later.get_by_role("link", name="Wiederherstellungscode verwenden").click()
    expect(later.get_by_label("Wiederherstellungscode")).to_be_visible()
    assert_no_violations(later)
    later.get_by_role("link", name="Doch den Code aus der App verwenden").click()
    enter_code(later, fresh_code(moderator.email))  # the app's next code, via pyotp
    later.wait_for_url("**/moderation")  # staff land at their work
    expect(later.get_by_role("heading", level=1)).to_contain_text("Moderation")


def test_the_other_second_factor_pages_pass_axe_at_phone_size(new_phone):
    resident = create_user(display_name="Rita Resident", second_factor=True)
    admin = create_user(display_name="Anna Admin", roles=("admin",))
    phone = new_phone()
    log_in(phone, resident.email)
    phone.get_by_role("link", name="Zwei-Faktor-Anmeldung").click()
    expect(phone.get_by_text("noch 0 von 10 unbenutzt")).to_be_visible()
    assert_no_violations(phone)
    phone.get_by_role("link", name="Neue Wiederherstellungscodes erstellen").click()
    expect(phone.get_by_label("Code aus der Authenticator-App")).to_be_visible()
    assert_no_violations(phone)
    phone.goto("/account/zwei-faktor/ausschalten")
    phone.get_by_label("Ihr Passwort").fill(PASSWORD)
    phone.get_by_label("Code aus der Authenticator-App").fill(wrong_code())
    phone.get_by_role("button", name="Ausschalten").click()
    expect(phone.locator("#code-error")).to_contain_text("nicht richtig")
    assert_fits_phone(phone)
    assert_no_violations(phone)

    office = new_phone()
    log_in(office, admin.email)
    office.goto(f"/admin/accounts/{resident.id}")
    expect(office.get_by_text("Zwei-Faktor-Anmeldung:")).to_be_visible()
    office.locator("#reset-password").fill("falsch")
    office.locator("#reset-code").fill(wrong_code())
    office.get_by_role("button", name="Zweiten Faktor zurücksetzen").click()
    expect(office.locator("#reset-password-error")).to_contain_text("nicht richtig")
    assert_fits_phone(office)
    assert_no_violations(office)
