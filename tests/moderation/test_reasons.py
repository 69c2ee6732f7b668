"""Reason templates: admins add, edit and deactivate them; `flask seed` brings the defaults."""

import json
import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import ReasonTemplate
from tests.factories import create_idea, create_user
from tests.helpers import audit, field_error, html_of, main_of
from tests.moderation.helpers import create_template, idea_row, post


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


def test_admin_adds_a_template(admin):
    user, browser = admin

    response = post(
        browser,
        "/moderation/reasons",
        {
            "kind": "reject",
            "title": "Kein Bezug zum Kreis",
            "text": "Das ist nicht Sache des Kreises.",
        },
        page="/moderation/reasons",
    )

    assert response.headers["Location"] == "/moderation/reasons"
    page = main_of(browser.get("/moderation/reasons"))
    assert "Die Vorlage ist gespeichert." in page
    assert "Kein Bezug zum Kreis" in page and "Das ist nicht Sache des Kreises." in page
    assert templates() == [
        ("reject", "Kein Bezug zum Kreis", "Das ist nicht Sache des Kreises.", True)
    ]
    [entry] = audit("reason.create")
    assert entry.actor_id == user.id


def test_a_template_title_is_unique_per_kind(admin):
    create_template("reject", "Doppelt", "Gibt es schon.")
    _, browser = admin

    response = post(
        browser,
        "/moderation/reasons",
        {"kind": "reject", "title": "Doppelt", "text": "Ein zweiter Text mit demselben Titel."},
        page="/moderation/reasons",
    )

    assert response.status_code == 200
    assert field_error(html_of(response), "title") == (
        "Eine Vorlage dieser Art mit diesem Titel gibt es schon."
    )
    assert "Ein zweiter Text mit demselben Titel." in html_of(response)
    assert templates() == [("reject", "Doppelt", "Gibt es schon.", True)]
    assert audit("reason.create") == []


def test_admin_edits_and_deactivates_a_template(admin, moderator):
    template = create_template("reject", "Unklar", "Bitte genauer beschreiben.")
    create_template("reject", "Doppelt", "Gibt es schon.")
    _user, browser = admin
    url = f"/moderation/reasons/{template.id}"
    assert 'value="Unklar"' in html_of(browser.get(url))

    post(
        browser,
        url,
        {
            "kind": "reject",
            "title": "Unklar formuliert",
            "text": "Was soll sich ändern?",
            "action": "save",
        },
        page=url,
    )

    assert templates()[0] == ("reject", "Unklar formuliert", "Was soll sich ändern?", True)
    [entry] = audit("reason.update")
    assert json.loads(entry.before)["text"] == "Bitte genauer beschreiben."
    assert json.loads(entry.after)["text"] == "Was soll sich ändern?"
    idea = create_idea(state="pending")
    _, mod = moderator("moderator")
    assert offered(html_of(mod.get(f"/moderation/ideas/{idea.id}/reject"))) == [
        "Unklar formuliert",
        "Doppelt",
    ]

    response = post(
        browser,
        url,
        {
            "kind": "reject",
            "title": "Unklar formuliert",
            "text": "Was soll sich ändern?",
            "action": "deactivate",
        },
        page=url,
    )

    assert response.headers["Location"] == "/moderation/reasons"
    assert templates()[0][3] is False
    assert "inaktiv" in main_of(browser.get("/moderation/reasons"))
    reject = f"/moderation/ideas/{idea.id}/reject"
    assert offered(html_of(mod.get(reject))) == ["Doppelt"]
    refused = post(mod, reject, {"template": str(template.id), "reason": ""}, page=reject)
    assert field_error(html_of(refused), "template") == "Keine gültige Auswahl."
    assert idea_row(idea.id).state == "pending"


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
        url = f"/moderation/reasons/{by_title[title].id}"
        post(browser, url, {"kind": "reject", "title": new_title, "text": text}, page=url)

    second = runner.invoke(args=["seed"])

    assert second.exit_code == 0, second.output
    assert "reason_templates" not in second.output
    titles = {title: text for _, title, text, _ in templates()}
    assert len(titles) == 9, "no default comes back next to its edited version"
    assert titles["Doppelt"] == "Unser eigener Text."
    assert titles["Bitte genauer"] == "Was genau soll sich ändern?"
    assert "Unklar formuliert" not in titles
    page = main_of(browser.get("/moderation/reasons"))
    assert "Unser eigener Text." in page
