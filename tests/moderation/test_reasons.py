"""Reason templates in decisions, and the defaults `flask seed` brings.

Adding, editing and deactivating them: tests/admin/test_reason_templates_admin.py."""

import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import ReasonTemplate
from tests.factories import create_idea, create_user
from tests.helpers import html_of, main_of
from tests.moderation.helpers import create_template, post


def templates() -> list[tuple[str, str, str, bool]]:
    db.session.expire_all()
    rows = db.session.scalars(select(ReasonTemplate).order_by(ReasonTemplate.id))
    return [(t.kind, t.title, t.text, t.is_active) for t in rows]


def offered(html: str) -> list[str]:
    """The template choices of a decision form, without "Keine Vorlage"."""
    select_html = re.search(r'<select[^>]*name="template".*?</select>', html, re.S)[0]
    return re.findall(r'<option value="[1-9]\d*"[^>]*>([^<]*)</option>', select_html)


@pytest.fixture
def admin(moderator):
    return moderator("admin")


def test_each_form_offers_only_active_templates_of_its_kind(moderator):
    for kind in ("reject", "hide", "block"):
        create_template(kind, f"Aktiv {kind}")
        create_template(kind, f"Inaktiv {kind}", active=False)
    pending, published = create_idea(state="pending"), create_idea()
    _, browser = moderator("moderator")
    forms = {
        "reject": f"/moderation/ideas/{pending.id}/reject",
        "hide": f"/moderation/ideas/{published.id}/hide",
        "block": f"/moderation/users/{create_user().id}/block",
    }
    for kind, url in forms.items():
        assert offered(html_of(browser.get(url))) == [f"Aktiv {kind}"], kind


def test_seed_creates_the_default_templates_once(runner, admin):
    first = runner.invoke(args=["seed"])

    assert first.exit_code == 0, first.output
    assert "reason_templates: 9 neu" in first.output
    seeded = templates()
    assert len(seeded) == 9
    assert ("reject", "Doppelt") in [(kind, title) for kind, title, _, _ in seeded]

    # An admin edits one default's text and renames another.
    _, browser = admin
    by_title = {t.title: t for t in db.session.scalars(select(ReasonTemplate))}
    for title, new_title, text in (
        ("Doppelt", "Doppelt", "Unser eigener Text."),
        ("Unklar formuliert", "Bitte genauer", "Was genau soll sich ändern?"),
    ):
        url = f"/admin/reasons/{by_title[title].id}"
        post(browser, url, {"kind": "reject", "title": new_title, "text": text}, page=url)

    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert "reason_templates" not in second.output
    titles = {title: text for _, title, text, _ in templates()}
    assert len(titles) == 9, "no default comes back next to its edited version"
    assert titles["Doppelt"] == "Unser eigener Text."
    assert titles["Bitte genauer"] == "Was genau soll sich ändern?"
    assert "Unklar formuliert" not in titles
    page = main_of(browser.get("/admin/reasons"))
    assert "Unser eigener Text." in page
