"""A municipal moderator decides on a phone; a rejected author revises and resubmits."""

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Idea
from tests.browser.helpers import log_in, seed_reason_templates, submit_idea
from tests.factories import create_user, outbox

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

APPROVED = "Bücherschrank am Rheiner Bahnhof"
REJECTED = "Lärmschutzwand an der Bundesstraße"
TEMPLATE_TEXT = "Ihre Idee betrifft kein Thema, für das der Kreis Steinfurt"


def idea_titled(title: str) -> Idea:
    db.session.expire_all()
    return db.session.scalar(select(Idea).where(Idea.title == title))


def test_municipal_moderator_approves_and_rejects_author_resubmits(new_phone):
    seed_reason_templates()
    resident = create_user(display_name="Rolf Rheiner")
    moderator = create_user(display_name="Mona Moderatorin", roles=("moderator:rheine",))
    elsewhere = create_user(roles=("moderator:greven",))

    # A resident submits two ideas for Rheine from a phone.
    author = new_phone()
    log_in(author, resident.email)
    submit_idea(
        author,
        APPROVED,
        "Ein offener Bücherschrank in der Bahnhofshalle, gepflegt vom Heimatverein.",
        "Infrastruktur und Standort",
        "Rheine",
    )
    submit_idea(
        author,
        REJECTED,
        "Die Bundesstraße ist nachts sehr laut. Eine Lärmschutzwand würde helfen.",
        "Infrastruktur und Standort",
        "Rheine",
    )
    assert idea_titled(APPROVED).state == "pending"

    # The moderator of Rheine sees the count and both ideas, oldest first.
    mod = new_phone()
    log_in(mod, moderator.email)
    staff_link = mod.get_by_role("navigation", name="Konto").get_by_role("link", name="Moderation")
    expect(staff_link.locator(".count-badge")).to_have_text("2 warten")
    staff_link.click()
    expect(mod.get_by_role("heading", level=1)).to_have_text("Moderation")
    expect(mod.locator(".result-count")).to_have_text("2 Beiträge warten – die ältesten zuerst.")
    items = mod.locator(".queue-item")
    expect(items.get_by_role("heading")).to_have_text([APPROVED, REJECTED])
    first = items.filter(has_text=APPROVED)
    expect(first.locator(".badge-state")).to_have_text("wartet auf Freigabe")
    expect(first).to_contain_text("von Rolf Rheiner")

    first.get_by_role("button", name="Freigeben").click()
    expect(mod.locator(".flash")).to_contain_text(f"„{APPROVED}“ ist freigegeben.")
    expect(items).to_have_count(1)
    expect(staff_link.locator(".count-badge")).to_have_text("1 warten")
    assert idea_titled(APPROVED).state == "published"

    # Anyone can now find it in /ideas.
    anonymous = new_phone()
    anonymous.goto("/ideas")
    expect(anonymous.locator(".idea-card").get_by_role("link", name=APPROVED)).to_be_visible()
    expect(anonymous.locator(".idea-card").get_by_role("link", name=REJECTED)).to_have_count(0)
    # A moderator of another town does not see Rheine's queue.
    other = new_phone()
    log_in(other, elsewhere.email)
    other.goto("/moderation")
    expect(other.locator(".queue-item")).to_have_count(0)

    # The second idea is rejected with a template reason.
    items.filter(has_text=REJECTED).get_by_role("link", name="Ablehnen").click()
    expect(mod.get_by_role("heading", level=1)).to_have_text("Ablehnen: Idee")
    mod.locator("main").get_by_role("button", name="Ablehnen").click()
    expect(mod.locator("#reason-error")).to_have_text(
        "Bitte wählen Sie eine Vorlage oder schreiben Sie eine Begründung."
    )
    mod.get_by_label("Vorlage").select_option(label="Kein Bezug zum Kreis")
    mod.get_by_label("Begründung").fill("Für Bundesstraßen ist Straßen.NRW zuständig.")
    mod.locator("main").get_by_role("button", name="Ablehnen").click()
    expect(mod.locator(".flash")).to_contain_text(f"„{REJECTED}“ ist abgelehnt.")
    expect(mod.locator(".queue-item")).to_have_count(0)
    expect(mod.locator(".empty")).to_contain_text("Nichts zu tun")
    rejected = idea_titled(REJECTED)
    assert rejected.state == "rejected"
    assert TEMPLATE_TEXT in rejected.state_reason
    assert any(TEMPLATE_TEXT in mail.body for mail in outbox(resident.email))

    # The author sees the reason on the idea page and revises the idea.
    author.goto(f"/ideas/{rejected.id}")
    state = author.locator(".state")
    expect(state).to_contain_text("Stand: Nicht freigegeben.")
    expect(state).to_contain_text(TEMPLATE_TEXT)
    expect(state).to_contain_text("Für Bundesstraßen ist Straßen.NRW zuständig.")
    author.get_by_role("link", name="Überarbeiten und erneut einreichen").click()
    expect(author.get_by_role("heading", level=1)).to_have_text("Idee überarbeiten")
    expect(author.locator(".state-rejected")).to_contain_text(TEMPLATE_TEXT)
    revised_body = (
        "Die Stadt Rheine soll beim Landesbetrieb Straßen.NRW eine Lärmschutzwand "
        "an der Bundesstraße beantragen."
    )
    author.get_by_label("Beschreibung").fill(revised_body)
    author.get_by_role("button", name="Erneut einreichen").click()
    expect(author.locator(".flash")).to_have_text(
        "Danke! Ihre überarbeitete Idee wird erneut geprüft."
    )
    expect(author.locator(".state")).to_contain_text("Stand: Wartet auf Prüfung.")
    expect(author.get_by_role("link", name="Überarbeiten und erneut einreichen")).to_have_count(0)
    resubmitted = idea_titled(REJECTED)
    assert resubmitted.state == "pending"
    assert resubmitted.body == revised_body

    # Back in the moderator's queue, with its history.
    mod.reload()
    expect(mod.locator(".queue-item").get_by_role("heading")).to_have_text([REJECTED])
    expect(staff_link.locator(".count-badge")).to_have_text("1 warten")
    mod.locator(".queue-item").get_by_role("link", name=REJECTED).click()
    expect(mod).to_have_url(re.compile(rf"/moderation/ideas/{resubmitted.id}$"))
    expect(mod.locator(".prose")).to_contain_text("beim Landesbetrieb Straßen.NRW")
    history = mod.locator(".history")
    expect(history).to_contain_text("durch Mona Moderatorin")
    expect(history).to_contain_text(TEMPLATE_TEXT)
