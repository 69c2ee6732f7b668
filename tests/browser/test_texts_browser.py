"""An admin on a phone fills in the Impressum: from the public page to the editor, a
preview, saving, and the public page with the new text; then back to an older version."""

import re

import pytest

from tests.browser.helpers import assert_fits_phone, log_in
from tests.factories import create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

IMPRESSUM = (
    "## Anbieter\n\nKreis Steinfurt, Tecklenburger Straße 10, 48565 Steinfurt\n\n"
    "Telefon der Kreisverwaltung: **02551 69-0**"
)


def test_admin_fills_in_the_impressum_on_a_phone(phone):
    page = phone
    log_in(page, create_user(roles=("admin",), display_name="Anna Admin").email)
    page.goto("/impressum")
    expect(page.get_by_text("Diese Seite zeigt noch die Vorlage der Auslieferung")).to_be_visible()
    page.get_by_role("link", name="Text bearbeiten").click()
    expect(page).to_have_url(re.compile(r"/admin/texts/impressum$"))

    text = page.get_by_label("Text", exact=True)
    text.fill(IMPRESSUM)
    page.get_by_role("button", name="Vorschau").click()
    preview = page.locator("section.preview")
    expect(preview.locator("strong")).to_have_text("02551 69-0")
    expect(page.get_by_label("Text", exact=True)).to_have_value(IMPRESSUM)
    assert_fits_phone(page)

    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".flash-success")).to_contain_text("Der Text ist gespeichert")
    page.get_by_role("link", name="Öffentliche Seite ansehen").click()
    expect(page).to_have_url(re.compile(r"/impressum$"))
    expect(page.locator("main .prose strong")).to_have_text("02551 69-0")
    expect(page.get_by_text("Dieser Text ist eine Vorlage")).to_have_count(0)

    page.get_by_role("link", name="Text bearbeiten").click()
    page.get_by_role("link", name="Frühere Fassungen").click()
    page.locator(".version-list a").first.click()
    expect(page.locator(".diff-added").first).to_be_visible()
    assert_fits_phone(page)
