"""Temporary: phone screenshots for a visual check (deleted afterwards)."""

import pytest

from tests.browser.helpers import log_in, seed_reason_templates
from tests.browser.test_accessibility import _full_queue, _idea_with_discussion, _decided_ideas
from tests.factories import create_user, create_idea

pytestmark = pytest.mark.browser
OUT = "/tmp/shots2"


def shot(page, name):
    page.screenshot(path=f"{OUT}/{name}.png", full_page=True)
    height = page.evaluate("document.documentElement.scrollHeight")
    width = page.evaluate("document.documentElement.scrollWidth")
    for n, top in enumerate(range(0, height, 760)):
        clip = {"x": 0, "y": top, "width": width, "height": min(760, height - top)}
        page.screenshot(path=f"{OUT}/{name}-{n}.png", full_page=True, clip=clip)


def test_shots(new_phone, app):
    page = new_phone(device_scale_factor=1)
    idea = _idea_with_discussion()
    pub = _full_queue(app)
    seed_reason_templates()
    _decided_ideas()
    for i in range(3):
        create_idea(title=f"Weitere Idee zum Thema Radverkehr und Schulwege Nummer {i}", supports=i)
    page.goto("/ideas")
    shot(page, "ideas")
    user = create_user(display_name="Lena Lesbar")
    log_in(page, user.email)
    page.goto(f"/ideas/{idea.id}")
    page.locator("details.reply summary").first.click()
    shot(page, "idea")
    page.goto("/ideas/new")
    page.get_by_label("Titel").fill("Mitfahrbänke für Ochtrup")
    page.wait_for_timeout(800)
    shot(page, "new")
    mod = new_phone(device_scale_factor=1)
    log_in(mod, create_user(display_name="Mona Moderatorin", roles=("moderator",)).email)
    mod.goto("/moderation")
    shot(mod, "queue")
    mod.goto(f"/moderation/ideas/{pub.id}/reject")
    mod.locator("main").get_by_role("button", name="Ablehnen").click()
    shot(mod, "reject")
    mod.goto(f"/moderation/ideas/{pub.id}")
    shot(mod, "mod-idea")
    mod.goto("/moderation/stats")
    shot(mod, "stats")
    mod.goto("/moderation/log")
    shot(mod, "log")
    mod.goto(f"/moderation/ideas/{pub.id}/correct")
    shot(mod, "correct")
    page.goto("/account")
    shot(page, "account")
    page.goto(f"/ideas/{idea.id}/report")
    shot(page, "report")
