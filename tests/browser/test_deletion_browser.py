"""Deleting the account at phone size: from the account page through what goes and what
stays and the password to the confirmation, signed out; axe on every page on the way."""

import re

import pytest

from participation.extensions import db
from tests.browser.helpers import assert_fits_phone, log_in
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import PASSWORD, create_comment, create_idea, create_user, find_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def test_delete_my_account_at_phone_size(phone):
    person = create_user(
        "zora.zwiebel@beispiel.example", display_name="Zora Zwiebelmann", municipality="rheine"
    )
    idea = create_idea(person, title="Mitfahrbank am Markt")
    create_comment(create_idea(title="Wochenmarkt am Abend"), person, body="Gute Idee!")
    db.session.commit()
    log_in(phone, person.email)

    phone.get_by_role("link", name="Konto löschen").click()
    expect(phone.get_by_role("heading", name="Konto löschen", level=1)).to_be_visible()
    expect(phone.get_by_role("heading", name="Was bleibt")).to_be_visible()
    assert_fits_phone(phone)
    assert_no_violations(phone)

    phone.get_by_label("Ihr Passwort", exact=True).fill("falsches Passwort")
    phone.get_by_role("button", name="Konto endgültig löschen").click()
    expect(phone.locator("#password-error")).to_contain_text("Ihr Konto wurde nicht gelöscht")
    assert_no_violations(phone)

    phone.get_by_label("Ihr Passwort", exact=True).fill(PASSWORD)
    phone.get_by_role("button", name="Konto endgültig löschen").click()
    expect(phone.get_by_role("heading", name="Ihr Konto ist gelöscht", level=1)).to_be_visible()
    expect(phone.get_by_text("unter dem Namen „Gelöschtes Konto“")).to_be_visible()
    expect(phone.get_by_role("link", name="Anmelden")).to_be_visible()  # signed out
    assert_fits_phone(phone)
    assert_no_violations(phone)

    phone.goto(f"/ideas/{idea.id}")
    expect(phone.locator(".byline")).to_contain_text("Gelöschtes Konto")
    assert find_user("zora.zwiebel@beispiel.example") is None
    phone.goto("/account")
    expect(phone).to_have_url(re.compile(r"/login"))
