"""A blocked account contributes and changes nothing, not even its own ideas and comments;
every refusal explains the block and its end; its own security and mail choices stay."""

from datetime import timedelta

import pytest

from participation.extensions import db
from participation.ideas.models import Comment, CommentState, Idea, IdeaState
from participation.templating import format_day
from participation.timeutil import utcnow
from tests.factories import create_comment, create_idea, create_user, get_field, get_municipality
from tests.helpers import fresh, html_of, main_of
from tests.moderation.helpers import post

REASON = "Wiederholt beleidigende Kommentare"


@pytest.fixture
def blocked_author(as_user):
    """A person with a pending idea, a rejected idea and a fresh comment, then blocked
    for a week; signed in again afterwards (blocking signs them out)."""
    person = create_user(display_name="Gesperrte Person")
    pending = create_idea(person, state="pending", title="Wartende Idee der Person")
    rejected = create_idea(person, state="rejected", title="Abgelehnte Idee der Person")
    public = create_idea()
    comment = create_comment(public, person, body="Eigener Kommentar, noch bearbeitbar")
    person.blocked_at = utcnow()
    person.blocked_until = utcnow() + timedelta(days=7)
    person.blocked_reason = REASON
    db.session.commit()
    return person, as_user(person), pending, rejected, comment


def _idea_form(title: str) -> dict:
    return {
        "title": title,
        "body": "Ein geänderter Text, lang genug für das Formular der Idee.",
        "field": str(get_field("mobilitaet").id),
        "municipality": str(get_municipality("rheine").id),
        "confirmed": "1",
    }


def test_a_blocked_account_changes_none_of_its_own_contributions(blocked_author):
    person, browser, pending, rejected, comment = blocked_author
    attempts = {
        "edit idea": (f"/ideas/{pending.id}/edit", _idea_form("Heimlich geändert")),
        "withdraw idea": (f"/ideas/{pending.id}/withdraw", {}),
        "revise idea": (f"/ideas/{rejected.id}/revise", _idea_form("Heimlich überarbeitet")),
        "edit comment": (f"/comments/{comment.id}/edit", {"body": "Heimlich geändert"}),
        "delete comment": (f"/comments/{comment.id}/delete", {}),
        "edit profile": ("/account/profile", {"display_name": "Neuer Name", "kind": "resident"}),
    }
    for name, (url, data) in attempts.items():
        response = post(browser, url, data, page="/account")
        assert response.status_code == 403, name
        page = main_of(response)
        assert "Ihr Konto ist gesperrt" in page and REASON in page, name
        assert f"Bis einschließlich {format_day(person.blocked_until)}" in page, name

    assert fresh(pending).title == "Wartende Idee der Person"
    assert fresh(pending).state == IdeaState.PENDING
    assert fresh(rejected).state == IdeaState.REJECTED
    assert db.session.get(Comment, comment.id).body == "Eigener Kommentar, noch bearbeitbar"
    assert db.session.get(Comment, comment.id).state == CommentState.PUBLISHED
    assert fresh(person).display_name == "Gesperrte Person"


def test_the_edit_forms_explain_the_block_instead_of_opening(blocked_author):
    _, browser, pending, rejected, comment = blocked_author
    for url in (
        f"/ideas/{pending.id}/edit",
        f"/ideas/{rejected.id}/revise",
        f"/comments/{comment.id}/edit",
        "/ideas/new",
    ):
        response = browser.get(url)
        assert response.status_code == 403, url
        assert REASON in main_of(response), url
    assert "Ihr Konto ist gesperrt" in main_of(browser.get("/account"))


def test_a_blocked_account_keeps_its_password_and_can_sign_out(blocked_author):
    _, browser, *_ = blocked_author
    changed = browser.submit(
        "/account/password",
        {
            "password": "ein sicheres Passwort",
            "new_password": "ein neues sicheres Passwort",
            "new_password_confirm": "ein neues sicheres Passwort",
        },
    )
    assert changed.status_code == 302
    assert browser.logout().status_code == 302
    assert browser.get("/account").status_code == 302, "signed out"


def test_the_block_ends_on_its_date(blocked_author):
    person, browser, pending, *_ = blocked_author
    person.blocked_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = post(
        browser, f"/ideas/{pending.id}/edit", _idea_form("Nach der Sperre"), page="/account"
    )
    assert response.status_code == 302
    assert fresh(pending).title == "Nach der Sperre"


def test_nobody_else_sees_the_block_page(as_user):
    other = create_user()
    idea = create_idea(create_user(), state="pending")
    response = as_user(other).get(f"/ideas/{idea.id}/edit")
    assert response.status_code in (403, 404)
    assert "Ihr Konto ist gesperrt" not in html_of(response)
    assert db.session.get(Idea, idea.id).state == IdeaState.PENDING


def test_a_blocked_account_reads_its_notifications_and_chooses_its_mail(blocked_author):
    from participation.ideas import services as ideas
    from participation.notifications.tokens import stop_token
    from tests.factories import notifications_of

    person, browser, *_ = blocked_author
    idea = create_idea(person, title="Veröffentlichte Idee der Person")
    ideas.add_comment(create_user(), idea, "Eine Antwort an die gesperrte Person")
    db.session.commit()
    [news] = notifications_of(person)
    choices = {
        "decisions": "inbox",
        "replies": "inbox",
        "my_ideas": "inbox",
        "followed": "daily",
        "projects": "weekly",
    }

    answers = {
        "read one": post(browser, f"/benachrichtigungen/{news.id}/gelesen", {}, page="/account"),
        "read all": post(browser, "/benachrichtigungen/alle-gelesen", {}, page="/account"),
        "preferences": post(browser, "/benachrichtigungen/einstellungen", choices, page="/account"),
        "stop link": post(
            browser,
            f"/benachrichtigungen/abbestellen/{stop_token(person.id, 'all')}",
            {},
            page="/account",
        ),
    }

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 302) | {
        "stop link": 200
    }
    assert fresh(news).read_at is not None
    assert "Abbestellt: alle E-Mails über Neuigkeiten." in main_of(answers["stop link"])
