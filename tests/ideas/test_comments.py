"""Discussing an idea: comments, one level of replies, editing, deleting, pre-moderation."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, Follow
from tests.factories import (
    choose_channels,
    count_rows,
    create_comment,
    create_idea,
    create_user,
    notifications_of,
    outbox,
    stop_path,
)
from tests.helpers import audit, field_error, fresh, html_of, main_of


def comments() -> list[Comment]:
    db.session.expire_all()
    return list(db.session.scalars(select(Comment).order_by(Comment.id)))


def write(browser, idea, body: str, parent=None):
    data = {"body": body}
    if parent is not None:
        data["parent_id"] = str(parent.id)
    return browser.submit(f"/ideas/{idea.id}/comments", data, form_page=f"/ideas/{idea.id}")


def comment_block(html: str, comment) -> str:
    return html.split(f'id="kommentar-{comment.id}"', 1)[1].split("</article>", 1)[0]


def test_comment_and_reply(as_user):
    idea = create_idea()
    anna, ben = create_user(display_name="Anna A."), create_user(display_name="Ben B.")

    response = write(as_user(anna), idea, "Gute Idee, *unbedingt* umsetzen!")
    [first] = comments()
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{idea.id}#kommentar-{first.id}"
    response = write(as_user(ben), idea, "Sehe ich genauso.", parent=first)
    [_, reply] = comments()

    assert (first.author_id, first.parent_id, first.state) == (anna.id, None, "published")
    assert (reply.author_id, reply.parent_id) == (ben.id, first.id)
    assert fresh(idea).comment_count == 2
    page = main_of(as_user(create_user()).get(f"/ideas/{idea.id}"))
    assert 'Kommentare <span class="meta">(2)</span>' in page
    assert "Gute Idee, <em>unbedingt</em> umsetzen!" in comment_block(page, first)
    replies = page.split('<ol class="comment-replies">', 1)[1].split("</ol>", 1)[0]
    assert f'id="kommentar-{reply.id}"' in replies
    assert "Ben B." in replies
    assert [e.action for e in audit()] == ["comment.create", "comment.create"]


def test_a_reply_to_a_reply_is_refused(as_user):
    idea = create_idea()
    top = create_comment(idea)
    reply = create_comment(idea, parent=top)
    response = write(as_user(create_user()), idea, "Noch eine Ebene tiefer", parent=reply)
    assert response.status_code == 400
    assert len(comments()) == 2
    assert fresh(idea).comment_count == 2


@pytest.mark.parametrize("parent_id", ["999999", "abc", "-1"])
def test_a_reply_to_an_unknown_comment_is_refused(as_user, parent_id):
    idea = create_idea()
    browser = as_user(create_user())
    response = browser.submit(
        f"/ideas/{idea.id}/comments",
        {"body": "Antwort ins Leere", "parent_id": parent_id},
        form_page=f"/ideas/{idea.id}",
    )
    assert response.status_code == 400
    assert comments() == []


def test_a_reply_to_a_comment_of_another_idea_is_refused(as_user):
    idea, other = create_idea(), create_idea()
    foreign = create_comment(other)
    response = write(as_user(create_user()), idea, "Falsche Idee", parent=foreign)
    assert response.status_code == 400
    assert len(comments()) == 1


@pytest.mark.parametrize("body", ["", "   ", "x"])
def test_empty_comment_is_explained_and_not_saved(as_user, body):
    idea = create_idea()
    response = write(as_user(create_user()), idea, body)
    assert response.status_code == 422
    expected = {
        "": "Bitte schreiben Sie einen Kommentar.",
        "   ": "Bitte schreiben Sie einen Kommentar.",
        "x": "Der Kommentar muss zwischen 2 und 2000 Zeichen lang sein.",
    }
    assert field_error(html_of(response), "body") == expected[body]
    assert comments() == []
    assert fresh(idea).comment_count == 0


def test_too_long_comment_keeps_the_text(as_user):
    idea = create_idea()
    text = "Sehr lang. " * 200
    response = write(as_user(create_user()), idea, text)
    assert response.status_code == 422
    message = field_error(html_of(response), "body")
    assert message == "Der Kommentar muss zwischen 2 und 2000 Zeichen lang sein."
    assert text.strip() in html_of(response)
    assert comments() == []


def test_author_edits_within_fifteen_minutes(as_user):
    idea = create_idea()
    author = create_user()
    comment = create_comment(idea, author, body="Tippfeler")
    browser = as_user(author)

    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert f'href="/comments/{comment.id}/edit"' in comment_block(page, comment)
    form = browser.get(f"/comments/{comment.id}/edit")
    assert form.status_code == 200
    assert "Tippfeler" in html_of(form)
    response = browser.submit(f"/comments/{comment.id}/edit", {"body": "Tippfehler"})

    assert response.status_code == 302
    comment = fresh(comment)
    assert (comment.body, comment.edited_at is not None) == ("Tippfehler", True)
    [entry] = audit("comment.edit")
    assert (entry.before, entry.after) == ("Tippfeler", "Tippfehler")
    block = comment_block(main_of(browser.get(f"/ideas/{idea.id}")), comment)
    assert "Tippfehler" in block and "bearbeitet" in block


def test_after_fifteen_minutes_the_comment_stays_as_it_is(as_user):
    idea = create_idea()
    author = create_user()
    comment = create_comment(idea, author, body="Alter Text")
    browser = as_user(author)
    token_page = f"/ideas/{idea.id}"
    comment.created_at -= timedelta(minutes=16)
    db.session.commit()

    assert f"/comments/{comment.id}/edit" not in main_of(browser.get(token_page))
    assert browser.get(f"/comments/{comment.id}/edit").status_code == 403
    response = browser.submit(
        f"/comments/{comment.id}/edit", {"body": "Neuer Text"}, form_page=token_page
    )
    assert response.status_code == 403
    assert fresh(comment).body == "Alter Text"


def test_author_deletes_and_a_placeholder_keeps_the_thread(as_user):
    idea = create_idea()
    author = create_user()
    comment = create_comment(idea, author, body="Das nehme ich zurück")
    reply = create_comment(idea, parent=comment, body="Antwort darauf")
    browser = as_user(author)

    response = browser.submit(f"/comments/{comment.id}/delete", {"confirm": "1"})

    assert response.status_code == 302
    comment = fresh(comment)
    assert (comment.state, comment.body) == ("deleted", "")
    assert fresh(idea).comment_count == 1
    [entry] = audit("comment.delete")
    assert entry.actor_id == author.id
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Das nehme ich zurück" not in page
    assert "gelöscht" in comment_block(page, comment)
    assert "Antwort darauf" in comment_block(page, reply)
    again = browser.submit(
        f"/comments/{comment.id}/delete", {"confirm": "1"}, form_page=f"/ideas/{idea.id}"
    )
    assert again.status_code == 403
    assert fresh(idea).comment_count == 1


def test_others_can_neither_edit_nor_delete(as_user):
    idea = create_idea()
    comment = create_comment(idea, body="Mein Kommentar")
    other = as_user(create_user())
    moderator = as_user(create_user(roles=("moderator",)))

    for browser in (other, moderator):
        page = main_of(browser.get(f"/ideas/{idea.id}"))
        assert f"/comments/{comment.id}/edit" not in page
        assert f"/comments/{comment.id}/delete" not in page
        assert browser.get(f"/comments/{comment.id}/edit").status_code == 403
        response = browser.submit(
            f"/comments/{comment.id}/edit", {"body": "Übernommen"}, form_page=f"/ideas/{idea.id}"
        )
        assert response.status_code == 403
        assert browser.get(f"/comments/{comment.id}/delete").status_code == 403
        response = browser.submit(
            f"/comments/{comment.id}/delete", {"confirm": "1"}, form_page=f"/ideas/{idea.id}"
        )
        assert response.status_code == 403
    comment = fresh(comment)
    assert (comment.body, comment.state) == ("Mein Kommentar", "published")
    assert fresh(idea).comment_count == 1


def test_anonymous_and_unconfirmed_cannot_comment(browser, as_user):
    idea = create_idea()
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "um mitzudiskutieren" in page
    response = browser.submit(f"/ideas/{idea.id}/comments", {"body": "Hallo"}, form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    unconfirmed = as_user(create_user(confirmed=False))
    assert 'id="kommentieren"' not in main_of(unconfirmed.get(f"/ideas/{idea.id}"))
    response = write(unconfirmed, idea, "Hallo zusammen")
    assert response.status_code == 403
    assert comments() == []


@pytest.mark.parametrize("state", ["pending", "rejected", "withdrawn"])
def test_unpublished_ideas_take_no_comments_even_from_the_author(as_user, state):
    author = create_user()
    idea = create_idea(author, state=state)
    browser = as_user(author)
    assert 'id="kommentieren"' not in main_of(browser.get(f"/ideas/{idea.id}"))
    response = browser.submit(
        f"/ideas/{idea.id}/comments", {"body": "Ein Kommentar"}, form_page="/account"
    )
    assert response.status_code == 403
    other = as_user(create_user())
    response = other.submit(
        f"/ideas/{idea.id}/comments", {"body": "Ein Kommentar"}, form_page="/account"
    )
    assert response.status_code == 404
    assert comments() == []


def test_followers_but_not_the_commenter_hear_of_a_comment(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, title="Ein Dorfladen für Laer")
    commenter = create_user(email="kommentar@example.org", display_name="Kim K.")
    db.session.add(Follow(idea_id=idea.id, user_id=commenter.id))
    db.session.commit()

    write(as_user(commenter), idea, "Ich würde dort einkaufen.")

    [comment] = comments()
    [entry] = notifications_of(author)
    assert (entry.category, entry.reason) == ("my_ideas", "author")
    assert notifications_of(commenter) == []
    assert outbox() == [], "comments on one's ideas come in the daily summary"
    anna = as_user(author)
    inbox = main_of(anna.get("/benachrichtigungen"))
    assert "Kim K. hat Ihre Idee „Ein Dorfladen für Laer“ kommentiert." in inbox
    assert "Ich würde dort einkaufen." in inbox
    opened = anna.get(f"/benachrichtigungen/{entry.id}")
    assert opened.headers["Location"] == f"/ideas/{idea.id}#kommentar-{comment.id}"


def test_a_comment_mail_quotes_the_comment_and_links_to_it(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, title="Ein Dorfladen für Laer")
    choose_channels(author, my_ideas="immediate")
    commenter = create_user(email="kommentar@example.org", display_name="Kim K.")

    write(as_user(commenter), idea, "Ich würde dort einkaufen.")

    assert [m.recipient for m in outbox()] == ["autorin@example.org"]
    [mail] = outbox()
    assert mail.subject == "Neuer Kommentar zu Ihrer Idee: Ein Dorfladen für Laer"
    assert "Kim K." in mail.body
    assert "Ich würde dort einkaufen." in mail.body
    assert "Ich würde dort einkaufen." in mail.html_body
    [comment] = comments()
    assert f"http://localhost/ideas/{idea.id}#kommentar-{comment.id}" in mail.body
    assert stop_path(mail).startswith("/benachrichtigungen/abbestellen/")
    assert "http://localhost/benachrichtigungen/einstellungen" in mail.body
    assert notifications_of(author)[0].mailed_at is not None


def test_premoderated_comment_waits_and_only_its_author_sees_it(as_user, app, client, monkeypatch):
    monkeypatch.setitem(app.config, "COMMENTS_PREMODERATED", True)
    author = create_user(email="autorin@example.org")
    idea = create_idea(author)
    commenter = create_user()
    browser = as_user(commenter)

    response = write(browser, idea, "Wartet auf die Moderation")

    assert response.status_code == 302
    [comment] = comments()
    assert comment.state == "pending"
    assert fresh(idea).comment_count == 0
    own = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Danke! Ihr Kommentar wird geprüft" in own
    assert "Wartet auf die Moderation" in own and "wartet auf Prüfung" in own
    assert "Wartet auf die Moderation" not in main_of(as_user(author).get(f"/ideas/{idea.id}"))
    assert "Wartet auf die Moderation" not in main_of(client.get(f"/ideas/{idea.id}"))
    assert outbox() == [], "followers hear of it once it is published"


def test_comment_counts_only_published_comments_on_the_card(client):
    idea = create_idea(title="Gezählte Kommentare")
    create_comment(idea)
    create_comment(idea, state="pending")
    create_comment(idea, state="hidden")
    assert count_rows(Comment) == 3
    assert "1 Kommentar" in main_of(client.get("/ideas"))


@pytest.mark.parametrize("state", ["pending", "hidden", "deleted"])
def test_no_reply_to_a_comment_that_is_not_published(as_user, state):
    idea = create_idea()
    parent = create_comment(idea, state=state)
    response = write(as_user(create_user()), idea, "Antwort auf Unsichtbares", parent=parent)
    assert response.status_code == 400
    assert len(comments()) == 1
    assert fresh(idea).comment_count == 0


def test_reply_service_refuses_unpublished_parents():
    from participation.ideas import services

    idea = create_idea()
    parent = create_comment(idea, state="pending")
    with pytest.raises(services.IdeaError):
        services.add_comment(create_user(), idea, "Antwort", parent)
    db.session.rollback()
    assert len(comments()) == 1
