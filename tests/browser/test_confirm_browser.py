"""On a phone: withdrawing an idea asks first, and the answer that changes things is red."""

import pytest

from participation.extensions import db
from participation.ideas.models import Idea
from tests.browser.helpers import has_visible_focus, log_in, tab_to
from tests.browser.test_accessibility import assert_no_violations
from tests.factories import create_idea, create_user

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def state_of(model, row_id: int) -> str:
    db.session.expire_all()
    return db.session.get(model, row_id).state


def background(locator) -> str:
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_withdraw_an_own_idea_after_a_question(new_phone):
    page = new_phone(width=360)
    author = create_user()
    idea = create_idea(author, state="pending", title="Trinkbrunnen am Bahnhof Rheine")
    log_in(page, author.email)
    page.goto(f"/ideas/{idea.id}")

    actions = page.locator(".author-actions")
    withdraw = actions.get_by_role("link", name="Zurückziehen")
    edit = actions.get_by_role("link", name="Bearbeiten")
    assert background(withdraw) == background(edit) == "rgb(255, 255, 255)"
    assert withdraw.evaluate("el => getComputedStyle(el).color") == "rgb(176, 0, 32)"
    assert edit.evaluate("el => getComputedStyle(el).color") != "rgb(176, 0, 32)"

    withdraw.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Idee zurückziehen?")
    assert state_of(Idea, idea.id) == "pending"
    assert_no_violations(page)
    page.get_by_role("link", name="Abbrechen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trinkbrunnen am Bahnhof Rheine")
    assert state_of(Idea, idea.id) == "pending"

    page.locator(".author-actions").get_by_role("link", name="Zurückziehen").click()
    yes = page.get_by_role("button", name="Ja, zurückziehen")
    assert background(yes) == "rgb(176, 0, 32)"
    tab_to(page, yes)
    assert has_visible_focus(yes)
    page.keyboard.press("Enter")
    expect(page.locator(".flash").first).to_contain_text("Sie haben Ihre Idee zurückgezogen.")
    assert state_of(Idea, idea.id) == "withdrawn"
