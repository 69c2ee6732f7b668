"""Decisions on comments: approve, reject, hide, restore, dismiss, correct; the count follows."""

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, CommentState
from participation.moderation import decisions
from participation.moderation.models import Report
from tests.factories import (
    create_comment,
    create_idea,
    create_user,
    link_from,
    notifications_of,
    outbox,
)
from tests.helpers import audit, field_error, html_of, main_of
from tests.moderation.helpers import comment_row, create_report, create_template, idea_row, post


@pytest.fixture
def premoderated(app, monkeypatch):
    monkeypatch.setitem(app.config, "COMMENTS_PREMODERATED", True)


@pytest.fixture
def commenter():
    return create_user(email="kurt@example.org", display_name="Kurt Kommentar")


def write_comment(as_user, person, idea, body: str) -> Comment:
    response = as_user(person).submit(f"/ideas/{idea.id}/comments", {"body": body})
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.scalar(select(Comment).where(Comment.body == body))


def thread_text(client, idea) -> str:
    return main_of(client.get(f"/ideas/{idea.id}")).split('id="comments-title"', 1)[1]


def test_approving_a_premoderated_comment_publishes_it(
    premoderated, commenter, moderator, as_user, client
):
    idea_author = create_user(email="anna@example.org")
    idea = create_idea(idea_author, title="Bänke am Emsufer")
    comment = write_comment(as_user, commenter, idea, "Gute Idee, bitte mit Schatten!")
    assert comment.state == "pending"
    assert "Gute Idee" not in thread_text(client, idea), "the public does not see it yet"
    assert idea_row(idea.id).comment_count == 0
    assert outbox() == [], "followers hear of it only once it is published"
    mod, browser = moderator("moderator:rheine")

    response = post(browser, f"/moderation/comments/{comment.id}/approve", page="/moderation")

    assert response.headers["Location"] == "/moderation"
    assert "Der Kommentar ist freigegeben." in main_of(browser.get("/moderation"))
    assert comment_row(comment.id).state == "published"
    assert idea_row(idea.id).comment_count == 1
    public = thread_text(client, idea)
    assert "Gute Idee, bitte mit Schatten!" in public and "(1)" in main_of(
        client.get(f"/ideas/{idea.id}")
    )
    [entry] = audit("comment.approve")
    assert (entry.actor_id, entry.before, entry.after) == (mod.id, "pending", "published")
    [mail] = outbox("kurt@example.org")
    assert mail.subject == "Ihr Kommentar ist freigegeben: Bänke am Emsufer"
    assert "„Bänke am Emsufer“ ist freigegeben" in mail.body
    assert "Ihr Kommentar zur Idee „Bänke am Emsufer“ ist freigegeben" in main_of(
        as_user(commenter).get("/benachrichtigungen")
    )
    # The idea's author hears of the comment now, as if it came in now (daily summary).
    assert outbox("anna@example.org") == []
    [heard] = notifications_of(idea_author)
    assert (heard.category, heard.reason) == ("my_ideas", "author")
    inbox = main_of(as_user(idea_author).get("/benachrichtigungen"))
    assert "Kurt Kommentar hat Ihre Idee „Bänke am Emsufer“ kommentiert." in inbox
    assert "Gute Idee, bitte mit Schatten!" in inbox


def test_rejecting_a_premoderated_comment_keeps_it_from_the_public(
    premoderated, commenter, moderator, as_user, client
):
    idea = create_idea()
    comment = write_comment(as_user, commenter, idea, "Kauft alle bei meinem Laden ein!")
    template = create_template("reject", "Werbung", "Der Kommentar enthält Werbung.")
    mod, browser = moderator("moderator:rheine")
    url = f"/moderation/comments/{comment.id}/reject"
    form = main_of(browser.get(url))
    assert "Kauft alle bei meinem Laden ein!" in form and "Werbung" in form

    empty = post(browser, url, {"template": "0", "reason": ""}, page=url)
    assert empty.status_code == 200
    assert field_error(html_of(empty), "reason") == (
        "Bitte wählen Sie eine Vorlage oder schreiben Sie eine Begründung."
    )
    assert comment_row(comment.id).state == "pending"

    response = post(browser, url, {"template": str(template.id), "reason": ""}, page=url)

    assert response.headers["Location"] == "/moderation"
    row = comment_row(comment.id)
    assert (row.state, row.state_reason, row.reason_category) == (
        "hidden",
        "Der Kommentar enthält Werbung.",
        "Werbung",
    )
    assert idea_row(idea.id).comment_count == 0
    assert "Kauft alle" not in thread_text(client, idea)
    [entry] = audit("comment.reject")
    assert (entry.actor_id, entry.reason) == (mod.id, "Der Kommentar enthält Werbung.")
    [mail] = outbox("kurt@example.org")
    assert "Der Kommentar enthält Werbung." in mail.body


def test_hide_and_restore_a_reported_comment(commenter, moderator, as_user, client):
    idea = create_idea()
    comment = create_comment(idea, commenter, body="Ihr seid alle Idioten.")
    create_report(comment=comment, reason="insult")
    template = create_template("hide", "Beleidigung", "Der Kommentar beleidigt andere.")
    mod, browser = moderator("moderator:rheine")
    assert "Ihr seid alle Idioten." in main_of(browser.get("/moderation"))
    url = f"/moderation/comments/{comment.id}/hide"

    response = post(
        browser, url, {"template": str(template.id), "reason": "Bitte sachlich."}, page=url
    )

    assert response.headers["Location"] == "/moderation"
    row = comment_row(comment.id)
    assert (row.state, row.reason_category) == ("hidden", "Beleidigung")
    assert row.state_reason == "Der Kommentar beleidigt andere.\n\nBitte sachlich."
    assert idea_row(idea.id).comment_count == 0
    public = thread_text(client, idea)
    assert "Von der Moderation ausgeblendet. Grund: Beleidigung" in public
    assert "Idioten" not in public
    db.session.expire_all()
    [report] = db.session.scalars(select(Report))
    assert (report.resolution, report.resolved_by_id) == ("hidden", mod.id)
    assert "Nichts zu tun" in main_of(browser.get("/moderation"))
    hidden = outbox("kurt@example.org")[-1]
    assert hidden.subject == f"Ihr Beitrag wurde ausgeblendet: {idea.title}"
    assert "Der Kommentar beleidigt andere.\n\nBitte sachlich." in hidden.body

    response = post(
        browser,
        f"/moderation/comments/{comment.id}/restore",
        page=f"/moderation/ideas/{idea.id}",
    )

    assert response.status_code == 302
    assert comment_row(comment.id).state == "published"
    assert idea_row(idea.id).comment_count == 1
    assert "Ihr seid alle Idioten." in thread_text(client, idea)
    assert [e.action for e in audit() if e.action.startswith("comment.")] == [
        "comment.hide",
        "comment.restore",
    ]
    restored = outbox("kurt@example.org")[-1]
    assert restored.subject == f"Ihr Beitrag ist wieder sichtbar: {idea.title}"
    assert link_from(restored, "/ideas/") == f"/ideas/{idea.id}#kommentar-{comment.id}"
    assert [n.event.data["action"] for n in notifications_of(commenter)] == ["hide", "restore"]
    inbox = main_of(as_user(commenter).get("/benachrichtigungen"))
    assert f"Ihr Kommentar zur Idee „{idea.title}“ ist wieder sichtbar." in inbox


def test_dismissing_reports_on_a_comment_keeps_it(commenter, moderator, client):
    idea = create_idea()
    comment = create_comment(idea, commenter, body="Eine sachliche Kritik am Vorschlag.")
    create_report(comment=comment, reason="insult")
    mod, browser = moderator("moderator:rheine")

    response = post(browser, f"/moderation/comments/{comment.id}/dismiss", page="/moderation")

    assert response.headers["Location"] == "/moderation"
    assert "1 Meldung(en) geschlossen. Der Kommentar bleibt sichtbar." in main_of(
        browser.get("/moderation")
    )
    assert comment_row(comment.id).state == "published"
    assert idea_row(idea.id).comment_count == 1
    [entry] = audit("report.dismiss")
    assert (entry.object_type, entry.object_id, entry.actor_id) == ("comments", comment.id, mod.id)
    assert "Eine sachliche Kritik" in thread_text(client, idea)


def test_correcting_a_comment(commenter, moderator, as_user, client):
    idea = create_idea()
    comment = create_comment(idea, commenter, body="Ruft mich an: 0171 2345678, Grüße")
    _mod, browser = moderator("moderator:rheine")
    url = f"/moderation/comments/{comment.id}/correct"
    assert "0171 2345678" in html_of(browser.get(url))

    response = post(
        browser, url, {"body": "Ruft mich an, Grüße", "note": "Telefonnummer entfernt"}, page=url
    )

    assert response.headers["Location"] == f"/moderation/ideas/{idea.id}"
    row = comment_row(comment.id)
    assert (row.body, row.state) == ("Ruft mich an, Grüße", "published")
    assert row.edited_at is not None
    assert idea_row(idea.id).comment_count == 1
    [entry] = audit("comment.correct")
    assert (entry.before, entry.after, entry.reason) == (
        "Ruft mich an: 0171 2345678, Grüße",
        "Ruft mich an, Grüße",
        "Telefonnummer entfernt",
    )
    [mail] = outbox("kurt@example.org")
    assert mail.subject == f"Die Moderation hat Ihren Beitrag korrigiert: {idea.title}"
    assert "Was geändert wurde:\nTelefonnummer entfernt" in mail.body
    assert "0171" not in thread_text(client, idea) and "0171" not in mail.body
    [told] = notifications_of(commenter)
    assert (told.category, told.mailed_at is not None) == ("decisions", True)
    inbox = main_of(as_user(commenter).get("/benachrichtigungen"))
    assert f"Die Moderation hat Ihren Kommentar zur Idee „{idea.title}“ korrigiert." in inbox


def test_restore_does_not_publish_a_pending_comment(premoderated, commenter, moderator, as_user):
    idea = create_idea()
    comment = write_comment(as_user, commenter, idea, "Noch nicht gelesen von der Moderation.")
    _, browser = moderator("moderator")

    response = post(browser, f"/moderation/comments/{comment.id}/restore", page="/moderation")

    assert response.status_code == 302
    assert "kann nicht" in main_of(browser.get("/moderation"))
    assert comment_row(comment.id).state == "pending"
    assert idea_row(idea.id).comment_count == 0
    assert audit("comment.approve") == audit("comment.restore") == []


def test_the_moderation_page_of_an_idea_shows_every_comment_with_its_decisions(
    premoderated, commenter, moderator, as_user
):
    idea = create_idea()
    waiting = write_comment(as_user, commenter, idea, "Wartet noch auf die Moderation.")
    hidden = create_comment(idea, body="Wurde ausgeblendet.", state="hidden")
    shown = create_comment(idea, body="Ist veröffentlicht.")
    _, browser = moderator("moderator:rheine")

    page = main_of(browser.get(f"/moderation/ideas/{idea.id}"))

    for comment in (waiting, hidden, shown):
        assert f'id="kommentar-{comment.id}"' in page
        assert comment.body in page
    assert f'action="/moderation/comments/{waiting.id}/approve"' in page
    assert f'action="/moderation/comments/{hidden.id}/restore"' in page
    assert f'href="/moderation/comments/{shown.id}/hide"' in page
    assert comment_row(waiting.id).state == "pending"


def test_a_deleted_comment_cannot_be_corrected(app):
    moderator = create_user(roles=("moderator",))
    comment = create_comment(idea=create_idea())
    comment.state, comment.body = CommentState.DELETED, ""
    db.session.commit()
    with pytest.raises(decisions.ModerationError):
        decisions.correct_comment(moderator, comment, "Neuer Text", "Tippfehler")
    db.session.rollback()
    assert db.session.get(type(comment), comment.id).body == ""
