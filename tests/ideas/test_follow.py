"""Following ideas: the buttons, the mails they bring, and the switches in the profile."""

from sqlalchemy import select

from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Follow
from tests.factories import create_idea, create_user, link_from, outbox
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
    assert "Verfolgen (E-Mail bei Neuigkeiten)" in page

    assert press(browser, idea, "follow").status_code == 302
    assert press(browser, idea, "follow").status_code == 302
    assert followers(idea) == {author.id, person.id}
    page = main_of(browser.get(f"/ideas/{idea.id}"))
    assert "Sie verfolgen diese Idee" in page
    assert f'action="/ideas/{idea.id}/unfollow"' in page

    assert press(browser, idea, "unfollow").status_code == 302
    assert press(browser, idea, "unfollow").status_code == 302
    assert followers(idea) == {author.id}
    assert "Verfolgen (E-Mail bei Neuigkeiten)" in main_of(browser.get(f"/ideas/{idea.id}"))


def test_follower_gets_comment_mail_until_unfollowing(as_user):
    idea = create_idea()
    follower = create_user(email="folgt@example.org")
    browser = as_user(follower)
    press(browser, idea, "follow")
    commenter = as_user(create_user())

    comment_on(commenter, idea)
    assert len(outbox("folgt@example.org")) == 1
    press(browser, idea, "unfollow")
    comment_on(commenter, idea, "Noch ein Gedanke")
    assert len(outbox("folgt@example.org")) == 1


def test_unsubscribe_link_in_a_comment_mail(as_user, browser):
    idea = create_idea()
    follower = create_user(email="folgt@example.org")
    press(as_user(follower), idea, "follow")
    comment_on(as_user(create_user()), idea)
    [mail] = outbox("folgt@example.org")

    link = link_from(mail, "/unfollow/")
    asked = browser.get(link)
    assert "Möchten Sie keine E-Mails mehr zu dieser Idee erhalten?" in main_of(asked)
    assert follower.id in followers(idea)  # a mail scanner opening the link changes nothing

    response = browser.submit(link, {})

    assert response.status_code == 200
    assert "Sie erhalten keine E-Mails mehr zu dieser Idee" in main_of(response)
    assert follower.id not in followers(idea)


def test_unsubscribe_link_of_one_person_does_not_touch_another(as_user, browser):
    idea = create_idea()
    anna = create_user(email="anna@example.org")
    ben = create_user(email="ben@example.org")
    for person in (anna, ben):
        press(as_user(person), idea, "follow")
    comment_on(as_user(create_user()), idea)
    [mail] = outbox("anna@example.org")
    browser.submit(link_from(mail, "/unfollow/"), {})
    assert ben.id in followers(idea)
    assert anna.id not in followers(idea)


def profile(browser, user, **switches) -> None:
    data = {
        "display_name": user.display_name,
        "kind": "resident",
        "organisation_name": "",
        "municipality": "0",
    }
    data.update({name: "y" for name, on in switches.items() if on})
    response = browser.submit("/account/profile", data)
    assert response.status_code == 302


def test_profile_switch_stops_comment_mail_but_not_state_mail(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending")
    browser = as_user(author)
    form = main_of(browser.get("/account/profile"))
    assert 'name="notify_comments" type="checkbox" value="y"' in form

    profile(browser, author, notify_comments=False, notify_state_changes=True)

    db.session.expire_all()
    assert (author.notify_comments, author.notify_state_changes) == (False, True)
    services.publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()
    comment_on(as_user(create_user()), idea)
    assert [m.subject[:11] for m in outbox("autorin@example.org")] == ["Neuer Stand"]


def test_profile_switch_stops_state_mail_but_not_comment_mail(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending")
    browser = as_user(author)

    profile(browser, author, notify_comments=True, notify_state_changes=False)

    services.publish_idea(create_user(roles=("moderator",)), idea)
    db.session.commit()
    comment_on(as_user(create_user()), idea)
    assert [m.subject[:16] for m in outbox("autorin@example.org")] == ["Neuer Kommentar "]


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
