"""Following ideas: the buttons, the news they bring, and how a person stops the mails."""

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Follow
from tests.factories import (
    channels_of,
    choose_channels,
    create_idea,
    create_user,
    notifications_of,
    outbox,
    stop_path,
)
from tests.helpers import main_of


def followers(idea) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(select(Follow.user_id).where(Follow.idea_id == idea.id)))


def press(browser, idea, action: str):
    return browser.submit(f"/ideas/{idea.id}/{action}", {}, form_page=f"/ideas/{idea.id}")


def comment_on(browser, idea, body: str = "Ein neuer Gedanke dazu"):
    response = browser.submit(
        f"/ideas/{idea.id}/comments", {"body": body}, form_page=f"/ideas/{idea.id}"
    )
    assert response.status_code == 302
    return response


def test_follow_and_unfollow_with_the_button(as_user):
    author = create_user()
    idea = create_idea(author)
    person = create_user()
    browser = as_user(person)
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Verfolgen</button>" in page

    assert press(browser, idea, "follow").status_code == 302
    assert press(browser, idea, "follow").status_code == 302
    assert followers(idea) == {author.id, person.id}
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Sie verfolgen diese Idee" in page
    assert f'action="/ideas/{idea.id}/unfollow"' in page

    assert press(browser, idea, "unfollow").status_code == 302
    assert press(browser, idea, "unfollow").status_code == 302
    assert followers(idea) == {author.id}
    assert "Verfolgen</button>" in main_of(browser.get(f"/ideas/{idea.id}"))


def inbox_text(browser) -> str:
    return main_of(browser.get("/benachrichtigungen"))


def test_follower_hears_of_comments_in_the_inbox_until_unfollowing(as_user):
    idea = create_idea(title="Ein Dorfladen für Laer")
    follower = create_user(email="folgt@example.org")
    browser = as_user(follower)
    press(browser, idea, "follow")
    commenter = as_user(create_user(display_name="Kim K."))

    comment_on(commenter, idea, "Ich würde dort einkaufen.")

    [entry] = notifications_of(follower)
    assert (entry.category, entry.reason, entry.read_at) == ("followed", "follower", None)
    inbox = inbox_text(browser)
    assert "Kim K. hat die Idee „Ein Dorfladen für Laer“ kommentiert." in inbox
    assert "Ich würde dort einkaufen." in inbox
    assert outbox("folgt@example.org") == [], "followed ideas come in the daily summary"

    press(browser, idea, "unfollow")
    comment_on(commenter, idea, "Noch ein Gedanke")
    assert len(notifications_of(follower)) == 1
    assert "Noch ein Gedanke" not in inbox_text(browser)


def test_stop_link_in_a_comment_mail_asks_then_stops_these_mails(as_user, browser):
    idea = create_idea()
    follower = create_user(email="folgt@example.org")
    press(as_user(follower), idea, "follow")
    choose_channels(follower, followed="immediate")
    comment_on(as_user(create_user()), idea)
    [mail] = outbox("folgt@example.org")

    link = stop_path(mail)
    assert link.startswith("/benachrichtigungen/abbestellen/")
    asked = browser.get(link)
    assert "Möchten Sie diese E-Mails abbestellen" in main_of(asked)
    assert "Neues zu Ideen, denen ich folge" in main_of(asked)
    # a mail scanner opening the link changes nothing
    assert channels_of(follower)["followed"] == "immediate"

    response = browser.submit(link, {})

    assert response.status_code == 200
    assert "E-Mails abbestellt" in main_of(response)
    assert 'href="/benachrichtigungen/einstellungen"' in main_of(response)
    assert channels_of(follower)["followed"] == "inbox"
    assert follower.id in followers(idea), "the news still reaches the inbox"
    assert browser.submit(link, {}).status_code == 200, "a second click does no harm"
    comment_on(as_user(create_user()), idea, "Noch ein Gedanke")
    assert len(outbox("folgt@example.org")) == 1
    assert len(notifications_of(follower)) == 2


def test_stop_link_of_one_person_does_not_touch_another(as_user, browser):
    idea = create_idea()
    anna = create_user(email="anna@example.org")
    ben = create_user(email="ben@example.org")
    for person in (anna, ben):
        press(as_user(person), idea, "follow")
        choose_channels(person, followed="immediate")
    comment_on(as_user(create_user()), idea)
    [mail] = outbox("anna@example.org")

    browser.submit(stop_path(mail), {})

    assert channels_of(anna)["followed"] == "inbox"
    assert channels_of(ben)["followed"] == "immediate"
    comment_on(as_user(create_user()), idea, "Noch ein Gedanke")
    assert len(outbox("ben@example.org")) == 2
    assert len(outbox("anna@example.org")) == 1
    assert {anna.id, ben.id} <= followers(idea)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_unfollow_link_of_an_old_mail_points_to_the_preferences(as_user, client, method):
    idea = create_idea()
    follower = create_user()
    press(as_user(follower), idea, "follow")

    response = getattr(client, method)("/unfollow/MQ.eine-alte-signatur")

    assert response.status_code == 410
    assert "Dieser Link gilt nicht mehr" in main_of(response)
    assert 'href="/benachrichtigungen/einstellungen"' in main_of(response)
    assert follower.id in followers(idea)


def choose(browser, **channels) -> None:
    response = browser.submit("/benachrichtigungen/einstellungen", channels)
    assert response.status_code == 302


def test_preferences_stop_comment_mail_but_not_decision_mail(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending", title="Ein Dorfladen für Laer")
    browser = as_user(author)
    form = main_of(browser.get("/benachrichtigungen/einstellungen"))
    assert 'name="my_ideas" type="radio" value="immediate"' in form
    choose(browser, my_ideas="immediate")
    assert channels_of(author)["my_ideas"] == "immediate"

    choose(browser, my_ideas="inbox", decisions="immediate")

    chosen = channels_of(author)
    assert (chosen["my_ideas"], chosen["decisions"]) == ("inbox", "immediate")
    assert (chosen["followed"], chosen["projects"]) == ("daily", "weekly"), "others unchanged"
    services.publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()
    comment_on(as_user(create_user()), idea)
    subjects = [m.subject for m in outbox("autorin@example.org")]
    assert subjects == ["Ihre Idee ist freigegeben: Ein Dorfladen für Laer"]
    assert [n.category for n in notifications_of(author)] == ["decisions", "my_ideas"]
    inbox = inbox_text(browser)
    assert "Ihre Idee „Ein Dorfladen für Laer“ ist freigegeben." in inbox
    assert "hat Ihre Idee „Ein Dorfladen für Laer“ kommentiert." in inbox


def test_preferences_stop_decision_mail_but_not_comment_mail(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending", title="Ein Dorfladen für Laer")
    browser = as_user(author)

    choose(browser, my_ideas="immediate", decisions="inbox")

    services.publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()
    comment_on(as_user(create_user()), idea)
    subjects = [m.subject for m in outbox("autorin@example.org")]
    assert subjects == ["Neuer Kommentar zu Ihrer Idee: Ein Dorfladen für Laer"]
    assert [n.category for n in notifications_of(author)] == ["decisions", "my_ideas"]
    assert "Ihre Idee „Ein Dorfladen für Laer“ ist freigegeben." in inbox_text(browser)


def test_anonymous_cannot_follow(browser):
    idea = create_idea()
    response = browser.submit(f"/ideas/{idea.id}/follow", {}, form_page="/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert followers(idea) == {idea.author_id}


def test_nobody_follows_an_idea_they_cannot_see(as_user):
    idea = create_idea(state="pending")
    browser = as_user(create_user())
    response = browser.submit(f"/ideas/{idea.id}/follow", {}, form_page="/account")
    assert response.status_code == 404
    assert followers(idea) == {idea.author_id}
