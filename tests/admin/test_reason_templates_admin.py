"""/admin/reasons: the administration adds, edits, deactivates and reactivates the reason
templates; moderators pick the active ones in their decisions, as before."""

import json
import re

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.moderation.models import ReasonTemplate
from tests.admin.helpers import NOT_ADMIN_ROLES
from tests.factories import create_idea, create_user
from tests.helpers import audit, field_error, html_of, main_of
from tests.moderation.helpers import create_template, idea_row

ROLES = NOT_ADMIN_ROLES


@pytest.fixture
def admin(as_user):
    user = create_user(roles=("admin",), display_name="Anna Admin")
    return user, as_user(user)


@pytest.fixture
def moderator(as_user):
    return as_user(create_user(roles=("moderator",)))


def templates() -> list[tuple[str, str, str, bool]]:
    db.session.expire_all()
    rows = db.session.scalars(select(ReasonTemplate).order_by(ReasonTemplate.id))
    return [(t.kind, t.title, t.text, t.is_active) for t in rows]


def offered(browser, idea) -> list[str]:
    """The templates a moderator is offered when rejecting the idea."""
    html = html_of(browser.get(f"/moderation/ideas/{idea.id}/reject"))
    select_html = re.search(r'<select[^>]*name="template".*?</select>', html, re.S)[0]
    return re.findall(r'<option value="[1-9]\d*"[^>]*>([^<]*)</option>', select_html)


def post(browser, url: str, data: dict | None = None):
    return browser.submit(url, data or {}, form_page="/admin/reasons")


def test_admin_adds_a_template_and_moderators_are_offered_it(admin, moderator):
    user, browser = admin
    idea = create_idea(state="pending")
    data = {"kind": "reject", "title": "Kein Bezug", "text": "Das ist nicht Sache des Kreises."}

    response = post(browser, "/admin/reasons", data)

    assert response.headers["Location"] == "/admin/reasons"
    page = main_of(browser.get("/admin/reasons"))
    assert "Die Vorlage ist gespeichert." in page
    assert "Kein Bezug" in page and "Das ist nicht Sache des Kreises." in page
    assert templates() == [("reject", "Kein Bezug", "Das ist nicht Sache des Kreises.", True)]
    [entry] = audit("reason.create")
    assert entry.actor_id == user.id and entry.object_type == "reason_templates"
    assert offered(moderator, idea) == ["Kein Bezug"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "Doppelt"}, "title", "Eine Vorlage dieser Art mit diesem Titel gibt es schon."),
        ({"title": " "}, "title", "Bitte geben Sie einen Titel an."),
        ({"text": ""}, "text", "Bitte geben Sie den Text an."),
        ({"text": "x" * 2001}, "text", "Der Text muss zwischen 5 und 2000 Zeichen lang sein."),
    ],
)
def test_a_wrong_template_is_explained_next_to_its_field_and_kept(admin, data, field, message):
    create_template("reject", "Doppelt", "Gibt es schon.")
    _, browser = admin
    typed = {"kind": "reject", "title": "Neu", "text": "Ein eigener Text der Vorlage.", **data}

    response = post(browser, "/admin/reasons", typed)

    assert response.status_code == 200
    html = html_of(response)
    assert field_error(html, field) == message
    if len(typed["text"]) < 100:
        assert typed["text"] in html
    assert templates() == [("reject", "Doppelt", "Gibt es schon.", True)]
    assert audit("reason.create") == []


def test_admin_edits_a_template_and_moderators_see_the_new_title(admin, moderator):
    user, browser = admin
    template = create_template("reject", "Unklar", "Bitte genauer beschreiben.")
    idea = create_idea(state="pending")
    url = f"/admin/reasons/{template.id}"
    assert 'value="Unklar"' in html_of(browser.get(url))

    data = {"kind": "reject", "title": "Unklar formuliert", "text": "Was soll sich ändern?"}
    response = post(browser, url, data)

    assert response.headers["Location"] == "/admin/reasons"
    assert templates() == [("reject", "Unklar formuliert", "Was soll sich ändern?", True)]
    [entry] = audit("reason.update")
    assert entry.actor_id == user.id
    assert json.loads(entry.before)["text"] == "Bitte genauer beschreiben."
    assert json.loads(entry.after)["title"] == "Unklar formuliert"
    assert offered(moderator, idea) == ["Unklar formuliert"]

    unchanged = post(browser, url, data)
    assert "Nichts geändert." in html_of(browser.get(unchanged.headers["Location"]))
    assert len(audit("reason.update")) == 1


def test_a_deactivated_template_is_no_longer_offered_and_comes_back_when_reactivated(
    admin, moderator
):
    user, browser = admin
    template = create_template("reject", "Unklar", "Bitte genauer beschreiben.")
    create_template("reject", "Doppelt", "Gibt es schon.")
    idea = create_idea(state="pending")

    response = post(browser, f"/admin/reasons/{template.id}/retire")

    assert response.headers["Location"] == "/admin/reasons"
    page = main_of(browser.get("/admin/reasons"))
    assert "„Unklar“ wird in Entscheidungen nicht mehr angeboten." in page
    assert "inaktiv" in page and "Wieder aktivieren" in page
    assert templates()[0][3] is False
    [entry] = audit("reason.retire")
    assert entry.actor_id == user.id and json.loads(entry.after) == {"active": False}
    assert offered(moderator, idea) == ["Doppelt"]
    reject = f"/moderation/ideas/{idea.id}/reject"
    refused = moderator.submit(reject, {"template": str(template.id), "reason": ""})
    assert field_error(html_of(refused), "template") == "Keine gültige Auswahl."
    assert idea_row(idea.id).state == "pending"

    post(browser, f"/admin/reasons/{template.id}/retire")  # twice: nothing more happens
    assert len(audit("reason.retire")) == 1

    post(browser, f"/admin/reasons/{template.id}/reactivate")

    assert templates()[0][3] is True
    assert len(audit("reason.reactivate")) == 1
    assert offered(moderator, idea) == ["Unklar", "Doppelt"]


def test_the_moderation_navigation_sends_admins_here(admin, moderator):
    _, browser = admin
    assert 'href="/admin/reasons"' in html_of(browser.get("/moderation"))
    assert 'href="/admin/reasons"' not in html_of(moderator.get("/moderation"))
    assert browser.get("/moderation/reasons").status_code == 404


def reason_requests(template) -> list[tuple[str, str]]:
    base = f"/admin/reasons/{template.id}"
    return [
        ("GET", "/admin/reasons"),
        ("POST", "/admin/reasons"),
        ("GET", base),
        ("POST", base),
        ("POST", f"{base}/retire"),
        ("POST", f"{base}/reactivate"),
    ]


HIJACK = {"kind": "hide", "title": "Gekapert", "text": "Ein fremder Text der Vorlage."}


@pytest.mark.parametrize("role", ROLES)
def test_everyone_but_the_administration_is_refused(as_user, role):
    template = create_template("reject", "Doppelt", "Gibt es schon.", active=False)
    browser = as_user(create_user(roles=ROLES[role]))
    for method, url in reason_requests(template):
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.submit(url, HIJACK, form_page="/account")
        assert response.status_code == 403, (role, method, url)
    assert templates() == [("reject", "Doppelt", "Gibt es schon.", False)]
    assert audit() == []


def test_anonymous_people_are_sent_to_the_login(client):
    template = create_template("reject", "Doppelt", "Gibt es schon.")
    for method, url in reason_requests(template):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            assert client.post(url, data=HIJACK).status_code in (302, 400), url
    assert templates() == [("reject", "Doppelt", "Gibt es schon.", True)]


def test_hostile_ids_find_nothing(admin):
    _, browser = admin
    template = create_template("reject", "Doppelt", "Gibt es schon.")
    for template_id in (template.id + 1, 2**31, 0, "abc"):
        base = f"/admin/reasons/{template_id}"
        assert browser.get(base).status_code == 404, base
        for url in (base, f"{base}/retire", f"{base}/reactivate"):
            assert post(browser, url, HIJACK).status_code == 404, url
    assert templates() == [("reject", "Doppelt", "Gibt es schon.", True)]
    assert audit() == []


def test_every_change_is_rate_limited(admin, app, monkeypatch):
    _, browser = admin
    template = create_template("reject", "Doppelt", "Gibt es schon.")
    monkeypatch.setitem(app.config, "MODERATION_RATE_LIMIT", "2 per minute")
    retire, reactivate = (f"/admin/reasons/{template.id}/{a}" for a in ("retire", "reactivate"))
    assert [post(browser, retire).status_code for _ in range(3)] == [302, 302, 429]
    assert [post(browser, reactivate).status_code for _ in range(3)] == [302, 302, 429]
    edit = f"/admin/reasons/{template.id}"
    codes = [post(browser, edit, {**HIJACK, "title": f"T{n}"}).status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert templates()[0][1] == "T1"
