"""On a 360-px phone: the home page's first screen, and sharing an idea where the phone
has no share sheet ("Link kopieren")."""

import pytest

from participation.projects.models import ProjectStatus
from tests.factories import create_idea, create_user
from tests.roadmap.helpers import make_project

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser
FIRST_SCREEN = {"width": 360, "height": 640}
NO_SHARE_SHEET = "delete Navigator.prototype.share;"


def test_the_first_screen_invites_and_shows_signs_of_life(new_phone):
    create_idea(supports=2)
    make_project(create_user(roles=("team",)), status=ProjectStatus.ACTIVE)
    phone = new_phone(viewport=FIRST_SCREEN)
    phone.goto("/")

    submit = phone.locator("main").get_by_role("link", name="Idee einreichen").first
    figures = phone.locator(".signs-of-life")
    expect(submit).to_be_visible()
    expect(figures).to_contain_text("1 Idee")
    expect(figures).to_contain_text("2 Unterstützungen")
    expect(figures).to_contain_text("1 Projekt in Umsetzung")
    for element in (submit, figures):
        box = element.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 640, box
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_without_a_share_sheet_the_link_is_copied_and_announced(new_phone, app):
    idea = create_idea(title="Mitfahrbank am Markt")
    address = f"{app.config['SITE_URL']}/ideas/{idea.id}"
    phone = new_phone(width=360, permissions=["clipboard-read", "clipboard-write"])
    phone.add_init_script(NO_SHARE_SHEET)
    phone.goto(f"/ideas/{idea.id}")

    button = phone.get_by_role("button", name="Link kopieren")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    expect(phone.get_by_label("Link zu dieser Seite")).to_be_hidden()  # the button does it
    button.click()

    status = phone.get_by_role("status").filter(has_text="Link kopiert")
    expect(status).to_be_visible()
    assert status.get_attribute("aria-live") == "polite"
    assert phone.evaluate("navigator.clipboard.readText()") == address


def test_without_javascript_the_address_is_there_to_copy(new_phone):
    idea = create_idea()
    phone = new_phone(width=360, java_script_enabled=False)
    phone.goto(f"/ideas/{idea.id}")
    field = phone.get_by_label("Link zu dieser Seite")
    expect(field).to_be_visible()
    assert field.get_attribute("readonly") is not None
    assert field.input_value().endswith(f"/ideas/{idea.id}")
    expect(phone.get_by_role("button", name="Link kopieren")).to_have_count(0)
