"""Text survives a lost connection: the idea and comment forms keep what people type in the
browser until the server confirms the submission, and never anything but those fields."""

import re

import pytest

from tests.browser.helpers import log_in
from tests.factories import PASSWORD, create_idea, create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

TITLE = "Trinkwasserbrunnen am Marktplatz"
BODY = "Im Sommer fehlt in der Innenstadt Wasser zum Auffüllen der Flaschen."
DRAFTS = "() => Object.keys(localStorage).filter((key) => key.startsWith('entwurf:'))"


def restored_note(page):
    return page.locator(".draft-note")


def test_the_idea_form_keeps_the_text_until_the_server_has_it(phone):
    log_in(phone, create_user(municipality="rheine").email)
    phone.goto("/ideas/new")
    phone.get_by_label("Titel").fill(TITLE)
    phone.get_by_label("Beschreibung").fill(BODY)

    phone.reload()

    expect(phone.get_by_label("Titel")).to_have_value(TITLE)
    expect(phone.get_by_label("Beschreibung")).to_have_value(BODY)
    expect(restored_note(phone)).to_have_attribute("role", "status")
    expect(restored_note(phone)).to_contain_text("Ihr Entwurf wurde wiederhergestellt")
    assert sorted(phone.evaluate(DRAFTS)) == ["entwurf:/ideas/new#body", "entwurf:/ideas/new#title"]
    stored = phone.evaluate("() => JSON.stringify(localStorage)")
    assert PASSWORD not in stored, "the password typed at sign-in is never kept"

    # The connection is lost while sending: the submission fails, the draft stays.
    phone.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    phone.context.set_offline(True)
    with phone.expect_event("requestfailed"):
        phone.get_by_role("button", name="Weiter zur Vorschau").click(no_wait_after=True)
    phone.wait_for_timeout(300)  # the browser shows its "no connection" page
    phone.context.set_offline(False)
    phone.goto("/ideas/new")
    expect(phone.get_by_label("Beschreibung")).to_have_value(BODY)

    # Sent and confirmed (preview, then "Idee einreichen"): the draft is gone.
    phone.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    phone.get_by_role("button", name="Weiter zur Vorschau").click()
    phone.get_by_role("button", name="Idee einreichen").click()
    phone.wait_for_url(re.compile(r"/ideas/\d+$"))
    expect(phone.locator(".flash-success")).to_be_visible()
    assert phone.evaluate(DRAFTS) == []
    phone.goto("/ideas/new")
    expect(phone.get_by_label("Titel")).to_have_value("")
    expect(restored_note(phone)).to_have_count(0)


def test_a_restored_draft_can_be_thrown_away(phone):
    log_in(phone, create_user().email)
    phone.goto("/ideas/new")
    phone.get_by_label("Titel").fill(TITLE)
    phone.reload()

    restored_note(phone).get_by_role("button", name="Verwerfen").click()

    expect(phone.get_by_label("Titel")).to_have_value("")
    expect(restored_note(phone)).to_contain_text("Der Entwurf ist verworfen.")
    phone.reload()
    expect(phone.get_by_label("Titel")).to_have_value("")
    assert phone.evaluate(DRAFTS) == []


def test_a_comment_survives_a_reload_and_goes_once_published(phone):
    idea = create_idea(title="Mitfahrbänke in allen Ortsteilen")
    log_in(phone, create_user().email)
    phone.goto(f"/ideas/{idea.id}")
    phone.get_by_label("Ihr Kommentar").fill("Auch an den Bushaltestellen, bitte.")

    phone.reload()

    expect(phone.get_by_label("Ihr Kommentar")).to_have_value("Auch an den Bushaltestellen, bitte.")
    phone.get_by_role("button", name="Kommentieren").click()
    expect(phone.locator(".flash-success")).to_be_visible()
    assert phone.evaluate(DRAFTS) == []
    expect(phone.get_by_label("Ihr Kommentar")).to_have_value("")


def test_signing_out_removes_all_drafts(phone):
    log_in(phone, create_user().email)
    phone.goto("/ideas/new")
    phone.get_by_label("Titel").fill(TITLE)

    phone.get_by_role("button", name="Abmelden").click()

    expect(
        phone.get_by_role("navigation", name="Konto").get_by_role("link", name="Anmelden")
    ).to_be_visible()
    assert phone.evaluate(DRAFTS) == []
