"""Residents on a phone: submit an idea, find it, support it, discuss it, report a comment."""

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, Idea, Support
from participation.moderation.models import Report
from tests.browser.helpers import log_in, no_navigation_since, watch_navigation
from tests.factories import create_comment, create_idea, create_user, get_municipality

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

SIMILAR_TITLE = "Mitfahrbänke in allen Ortsteilen"
NEW_TITLE = "Mitfahrbänke für die Bauerschaften"
NEW_BODY = (
    "An den Ausfallstraßen von Rheine fehlen Mitfahrbänke. Wer dort sitzt, zeigt:\n\n"
    "- ich möchte in die Stadt\n- ich nehme gern jemanden mit"
)


def fresh_rows(model, **where) -> list:
    """Rows as the database has them now (the browser wrote them in another thread)."""
    db.session.expire_all()
    return list(db.session.scalars(select(model).filter_by(**where)))


def expect_field_error(page, field_id: str, message: str) -> None:
    control = page.locator(f"#{field_id}")
    expect(page.locator(f"#{field_id}-error")).to_have_text(message)
    expect(control).to_have_attribute("aria-invalid", "true")
    expect(control).to_have_attribute("aria-describedby", re.compile(rf"\b{field_id}-error\b"))
    group = page.locator(".field.has-error", has=control)
    expect(group.locator(".field-error")).to_have_text(message)


def test_submit_idea_with_errors_preview_and_pending_page(phone):
    similar = create_idea(title=SIMILAR_TITLE, municipality="emsdetten", supports=3)
    create_idea(title="Schnelleres Internet an Schulen")  # shares no word: not suggested
    author = create_user(display_name="Rita Radlerin")
    page = phone
    log_in(page, author.email)
    page.goto("/ideas")
    page.locator("main").get_by_role("link", name="Idee einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee einreichen")

    # First attempt: a title that is too short and no description.
    page.get_by_label("Titel").fill("Bänke")
    page.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    page.get_by_label("Kommune").select_option(label="Rheine")
    page.get_by_role("button", name="Weiter zur Vorschau").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect_field_error(page, "title", "Der Titel muss zwischen 8 und 160 Zeichen lang sein.")
    expect_field_error(page, "body", "Bitte beschreiben Sie Ihre Idee.")
    expect(page.locator("#field-error")).to_have_count(0)
    expect(page.locator("#municipality-error")).to_have_count(0)
    # Nothing typed or chosen is lost.
    expect(page.get_by_label("Titel")).to_have_value("Bänke")
    expect(page.get_by_label("Handlungsfeld").locator("option:checked")).to_have_text("Mobilität")
    expect(page.get_by_label("Kommune").locator("option:checked")).to_have_text("Rheine")
    summary.get_by_role("link", name=re.compile("^Beschreibung")).click()
    expect(page.get_by_label("Beschreibung")).to_be_focused()

    # Fixed: the preview shows the idea and a similar one that already exists.
    page.get_by_label("Titel").fill(NEW_TITLE)
    page.get_by_label("Beschreibung").fill(NEW_BODY)
    page.get_by_role("button", name="Weiter zur Vorschau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vorschau Ihrer Idee")
    hint = page.locator(".similar")
    expect(hint.get_by_role("heading")).to_have_text("Gibt es das schon?")
    expect(hint.get_by_role("link", name=SIMILAR_TITLE)).to_have_attribute(
        "href", f"/ideas/{similar.id}"
    )
    expect(hint).not_to_contain_text("Schnelleres Internet")
    preview = page.locator(".preview")
    expect(preview.get_by_role("heading")).to_have_text(NEW_TITLE)
    expect(preview.get_by_role("listitem")).to_have_text(
        ["ich möchte in die Stadt", "ich nehme gern jemanden mit"]
    )
    expect(page.get_by_label("Beschreibung")).to_have_value(NEW_BODY)
    assert fresh_rows(Idea, author_id=author.id) == []

    page.get_by_role("button", name="Idee einreichen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    expect(page.locator(".flash")).to_have_text(
        "Danke! Ihre Idee ist eingegangen und wird nun geprüft."
    )
    state = page.locator(".state")
    expect(state).to_contain_text("Stand: Wartet auf Prüfung.")
    expect(state).to_contain_text("Bis dahin sehen nur Sie sie")
    expect(page.get_by_role("link", name="Bearbeiten")).to_be_visible()
    expect(page.get_by_role("link", name="Zurückziehen")).to_be_visible()
    # Nobody can support an idea that is not published yet.
    expect(page.get_by_role("button", name="Unterstützen")).to_have_count(0)

    [idea] = fresh_rows(Idea, author_id=author.id)
    # Browsers send line breaks in form fields as CRLF.
    assert (idea.title, idea.body.replace("\r\n", "\n"), idea.state) == (
        NEW_TITLE,
        NEW_BODY,
        "pending",
    )
    assert idea.municipality_id == get_municipality("rheine").id
    assert page.url.endswith(f"/ideas/{idea.id}")

    # The account page lists it with the same explanation.
    page.goto("/account")
    own = page.locator(".own-ideas li", has_text=NEW_TITLE)
    expect(own.locator(".badge-state")).to_have_text("Wartet auf Prüfung")


def test_similar_ideas_hint_appears_while_typing(phone):
    similar = create_idea(title=SIMILAR_TITLE, supports=1)
    page = phone
    log_in(page, create_user().email)
    page.goto("/ideas/new")
    live = page.locator("#similar-ideas")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_be_empty()
    page.get_by_label("Titel").press_sequentially("Neue Mitfahrbänke", delay=20)
    expect(live.get_by_role("heading")).to_have_text("Gibt es das schon?")
    expect(live.get_by_role("link", name=SIMILAR_TITLE)).to_have_attribute(
        "href", f"/ideas/{similar.id}"
    )
    expect(live).to_contain_text("1 Unterstützung")
    # A title that matches nothing clears the hint again.
    page.get_by_label("Titel").fill("Trinkwasserbrunnen am Bahnhof")
    expect(live).to_be_empty()


def test_find_idea_by_search_and_by_filter(phone):
    bike = create_idea(title="Sichere Radwege nach Saerbeck", municipality="greven")
    bus = create_idea(title="Nachtbus am Wochenende", field="mobilitaet", municipality="lotte")
    create_idea(title="Digitale Bauanträge", field="verwaltung", municipality="lotte")
    page = phone
    page.goto("/ideas")
    expect(page.locator(".result-count")).to_have_text("3 Ideen")

    # Full-text search finds word forms: "Radweg" finds "Radwege".
    page.get_by_label("Suche").fill("Radweg")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(re.compile(r"/ideas\?(.*&)?q=Radweg"))
    expect(page.locator(".result-count")).to_contain_text("1 Idee gefunden")
    cards = page.locator(".idea-card")
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("link", name=bike.title)).to_be_visible()
    expect(page.get_by_label("Suche")).to_have_value("Radweg")

    # Filters: field of action and municipality, sent with "Anzeigen".
    page.get_by_role("link", name="Filter zurücksetzen").click()
    expect(cards).to_have_count(3)
    page.get_by_text("Filter und Sortierung").click()
    page.get_by_label("Handlungsfeld").select_option(label="Mobilität")
    page.get_by_label("Kommune").select_option(label="Lotte")
    page.get_by_role("button", name="Anzeigen").click()
    expect(page).to_have_url(re.compile(r"field=mobilitaet"))
    expect(page).to_have_url(re.compile(r"municipality=lotte"))
    expect(cards).to_have_count(1)
    expect(cards.get_by_role("link")).to_have_text(bus.title)
    expect(cards.locator(".badge-place")).to_have_text("Lotte")
    # The filters stay chosen and open, so the view can be adjusted.
    expect(page.get_by_label("Kommune")).to_have_value("lotte")
    expect(page.get_by_label("Handlungsfeld")).to_be_visible()
    cards.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bus.title)


def test_support_and_withdraw_without_reload(phone):
    idea = create_idea(title="Trinkwasserbrunnen in der Innenstadt", supports=2)
    person = create_user()
    page = phone
    log_in(page, person.email)
    page.goto(f"/ideas/{idea.id}")
    box = page.locator("#unterstuetzen")
    count = box.locator(".support-count")
    expect(count).to_have_text("2 Personen unterstützen diese Idee.")
    watch_navigation(page)

    box.get_by_role("button", name="Unterstützen").click()
    expect(count).to_have_text("3 Personen unterstützen diese Idee.")
    withdraw = box.get_by_role("button", name="Unterstützung zurückziehen")
    expect(withdraw).to_have_attribute("aria-pressed", "true")
    no_navigation_since(page)
    assert len(fresh_rows(Support, idea_id=idea.id, user_id=person.id)) == 1
    assert fresh_rows(Idea, id=idea.id)[0].support_count == 3

    expect(withdraw).not_to_have_attribute("aria-disabled", "true")
    withdraw.click()
    expect(count).to_have_text("2 Personen unterstützen diese Idee.")
    expect(box.get_by_role("button", name="Unterstützen")).to_have_attribute(
        "aria-pressed", "false"
    )
    no_navigation_since(page)
    assert fresh_rows(Support, idea_id=idea.id, user_id=person.id) == []
    assert fresh_rows(Idea, id=idea.id)[0].support_count == 2

    # The page after a reload agrees with what the script showed.
    page.reload()
    expect(count).to_have_text("2 Personen unterstützen diese Idee.")


def test_double_tap_does_not_undo_support(phone):
    idea = create_idea(title="Mehr Fahrradbügel am Bahnhof")
    person = create_user()
    page = phone
    log_in(page, person.email)
    page.goto(f"/ideas/{idea.id}")
    watch_navigation(page)
    button = page.locator("#unterstuetzen").get_by_role("button", name="Unterstützen")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # A double tap: two taps 150 ms apart, whenever the first answer arrives.
    page.touchscreen.tap(x, y)
    page.wait_for_timeout(150)
    page.touchscreen.tap(x, y)
    support_box = page.locator("#unterstuetzen")
    toggle = support_box.locator(".js-support button")
    expect(support_box.locator(".support-count")).to_have_text("1 Person unterstützt diese Idee.")
    expect(toggle).not_to_have_attribute("aria-disabled", "true")
    page.wait_for_timeout(500)  # a second request would have been answered by now
    expect(support_box.locator(".support-count")).to_have_text("1 Person unterstützt diese Idee.")
    expect(toggle).to_have_text("Unterstützung zurückziehen")
    no_navigation_since(page)
    assert len(fresh_rows(Support, idea_id=idea.id)) == 1

    # The same for withdrawing: a double click (both clicks at once) does not support again.
    page.reload()
    watch_navigation(page)
    toggle.dblclick()
    expect(toggle).not_to_have_attribute("aria-disabled", "true")
    page.wait_for_timeout(500)
    expect(toggle).to_have_text("Unterstützen")
    expect(support_box.locator(".support-count")).to_have_text(
        "0 Personen unterstützen diese Idee."
    )
    no_navigation_since(page)
    assert fresh_rows(Support, idea_id=idea.id) == []
    assert fresh_rows(Idea, id=idea.id)[0].support_count == 0


def test_comment_and_reply(phone, new_phone):
    idea = create_idea(title="Bürgerbus für Hopsten")
    first = create_user(display_name="Paul Pendler")
    page = phone
    log_in(page, first.email)
    page.goto(f"/ideas/{idea.id}")
    expect(page.locator(".comments")).to_contain_text("Noch keine Kommentare.")
    page.get_by_label("Ihr Kommentar").fill("Sehr gut, auch *samstags* bitte!")
    page.get_by_role("button", name="Kommentieren").click()
    expect(page.locator(".flash")).to_have_text("Ihr Kommentar ist veröffentlicht.")
    [comment] = fresh_rows(Comment, idea_id=idea.id)
    assert page.url.endswith(f"#kommentar-{comment.id}")
    posted = page.locator(f"#kommentar-{comment.id}")
    expect(posted.locator(".comment-meta strong")).to_have_text("Paul Pendler")
    expect(posted.locator(".prose em")).to_have_text("samstags")
    expect(page.locator("#comments-title")).to_contain_text("(1)")

    # Someone else answers through the "Antworten" disclosure under the comment.
    other = new_phone()
    log_in(other, create_user(display_name="Greta Gemeinde").email)
    other.goto(f"/ideas/{idea.id}")
    thread = other.locator(".comment-list > li", has=other.locator(f"#kommentar-{comment.id}"))
    reply_box = thread.locator("details.reply")
    reply_field = reply_box.get_by_label("Ihre Antwort an Paul Pendler")
    expect(reply_field).to_be_hidden()
    reply_box.locator("summary").click()
    expect(reply_field).to_be_visible()
    reply_field.fill("Samstags fährt schon einer, ab 9 Uhr.")
    reply_box.get_by_role("button", name="Antworten").click()
    expect(other.locator(".flash")).to_have_text("Ihr Kommentar ist veröffentlicht.")

    [reply] = fresh_rows(Comment, idea_id=idea.id, parent_id=comment.id)
    assert reply.body == "Samstags fährt schon einer, ab 9 Uhr."
    shown = other.locator(f".comment-replies #kommentar-{reply.id}")
    expect(shown).to_contain_text("Samstags fährt schon einer, ab 9 Uhr.")
    expect(shown.locator(".comment-meta strong")).to_have_text("Greta Gemeinde")
    expect(other.locator("#comments-title")).to_contain_text("(2)")
    # Replies have no reply form of their own: one level only.
    expect(thread.locator("details.reply")).to_have_count(1)


def test_report_a_comment(phone):
    idea = create_idea(title="Blühstreifen an Feldwegen")
    comment = create_comment(idea, body="Kauft alle bei www.beispiel-shop.example!")
    reporter = create_user()
    page = phone
    log_in(page, reporter.email)
    page.goto(f"/ideas/{idea.id}")
    page.locator(f"#kommentar-{comment.id}").get_by_role("link", name="Melden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kommentar melden")
    expect(page.locator(".quote")).to_have_text("Kauft alle bei www.beispiel-shop.example!")

    # Without a reason the form asks for one and keeps the explanation.
    page.get_by_label("Erläuterung").fill("Reine Werbung für einen Laden.")
    page.get_by_role("button", name="Melden", exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#reason-error")).to_have_text("Bitte wählen Sie einen Grund.")
    expect(page.get_by_label("Erläuterung")).to_have_value("Reine Werbung für einen Laden.")
    assert fresh_rows(Report) == []

    page.get_by_label("Werbung oder Spam").check()
    page.get_by_role("button", name="Melden", exact=True).click()
    expect(page.locator(".flash")).to_have_text(
        "Danke für Ihre Meldung. Die Moderation sieht sie sich an."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(idea.title)
    [report] = fresh_rows(Report)
    assert (report.comment_id, report.idea_id, report.reporter_id) == (
        comment.id,
        None,
        reporter.id,
    )
    assert (report.reason, report.note) == ("spam", "Reine Werbung für einen Laden.")
