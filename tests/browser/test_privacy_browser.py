"""The data export at phone size: from the account page through the password to the
readable overview and the JSON file, with axe on every page on the way."""

import json
import re

import pytest

from participation.extensions import db
from participation.moderation import decisions
from tests.browser.helpers import log_in
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import PASSWORD, create_comment, create_idea, create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def test_download_my_data_at_phone_size(phone):
    person = create_user(display_name="Anna Aktiv", municipality="rheine")
    moderator = create_user(roles=("moderator",))
    rejected = create_idea(person, state="pending", title="Parkhaus abreißen")
    decisions.reject_idea(moderator, rejected, "Bitte nennen Sie den Ort genauer.")
    create_comment(create_idea(title="Wochenmarkt am Abend"), person, body="Gute Idee!")
    db.session.commit()
    log_in(phone, person.email)

    phone.get_by_role("link", name="Meine Daten herunterladen").click()
    expect(phone.get_by_role("heading", name="Meine Daten herunterladen", level=1)).to_be_visible()
    assert_no_violations(phone)

    phone.get_by_label("Ihr Passwort", exact=True).fill("falsches Passwort")
    phone.get_by_role("button", name="Daten herunterladen").click()
    expect(phone.locator("#password-error")).to_contain_text("nicht richtig")
    assert_no_violations(phone)

    phone.get_by_label("Ihr Passwort", exact=True).fill(PASSWORD)
    phone.get_by_label("Lesbare Übersicht (HTML)").check()
    phone.get_by_role("button", name="Daten herunterladen").click()
    expect(phone.get_by_role("heading", name="Ihre gespeicherten Daten")).to_be_visible()
    expect(phone.get_by_text("Bitte nennen Sie den Ort genauer.").first).to_be_visible()
    expect(phone.get_by_text("Gute Idee!")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert_no_violations(phone)

    phone.goto("/account/export")  # no-store: the browser keeps no copy to go back to
    phone.get_by_label("Ihr Passwort", exact=True).fill(PASSWORD)
    phone.get_by_label("JSON zum Herunterladen").check()
    with phone.expect_download() as download:
        phone.get_by_role("button", name="Daten herunterladen").click()
    assert re.fullmatch(
        r"zukunft-st-daten-\d{4}-\d{2}-\d{2}\.json", download.value.suggested_filename
    )
    with open(download.value.path(), encoding="utf-8") as file:
        data = json.load(file)
    assert data["profile"]["email"] == person.email
    assert [idea["title"] for idea in data["ideas"]] == ["Parkhaus abreißen"]
