"""The state table: every allowed transition, forbidden ones, scopes, audit and who hears."""

import pytest

from participation.extensions import db
from participation.ideas import services
from participation.ideas.models import Follow, IdeaState
from participation.ideas.services import IdeaError, NotAllowed
from tests.factories import (
    channels_of,
    create_idea,
    create_user,
    notifications_of,
    outbox,
    stop_path,
)
from tests.helpers import audit, fresh, main_of


@pytest.fixture
def moderator():
    return create_user(roles=("moderator",), display_name="Mo Deration")


def follow(user, idea) -> None:
    db.session.add(Follow(idea_id=idea.id, user_id=user.id))
    db.session.commit()


ALLOWED = [
    # (start, call, arguments, end, action, reason, followers hear of it)
    ("pending", services.publish_idea, (), "published", "idea.publish", None, False),
    ("pending", services.reject_idea, ("Doppelt",), "rejected", "idea.reject", True, False),
    ("published", services.hide_idea, ("Beleidigend",), "hidden", "idea.hide", True, True),
    ("hidden", services.restore_idea, (), "published", "idea.restore", None, True),
]


@pytest.mark.parametrize(
    ("start", "call", "args", "end", "action", "reason", "followers_hear"), ALLOWED
)
def test_moderator_transitions_change_state_log_and_tell_author_and_followers(
    moderator, as_user, start, call, args, end, action, reason, followers_hear
):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state=start)
    follower = create_user(email="folgt@example.org")
    follow(follower, idea)

    call(moderator, idea, *args)
    db.session.commit()

    idea = fresh(idea)
    assert idea.state == end
    assert idea.state_reason == (args[0] if reason else None)
    [entry] = audit(action)
    assert (entry.actor_id, entry.object_type, entry.object_id) == (moderator.id, "ideas", idea.id)
    assert (entry.before, entry.after) == (start, end)
    assert entry.reason == (args[0] if reason else None)
    # The author hears of a decision at once, by mail and in the inbox.
    assert [m.recipient for m in outbox()] == ["autorin@example.org"]
    [mail] = outbox()
    assert idea.title[:40] in mail.subject
    assert f"http://localhost/ideas/{idea.id}" in mail.body
    if reason:
        assert f"Begründung:\n{args[0]}" in mail.body
    [told] = notifications_of(author)
    assert (told.category, told.reason, told.mailed_at is not None) == ("decisions", "author", True)
    assert idea.title in main_of(as_user(author).get("/benachrichtigungen"))
    # Followers hear of what happens to an idea they could see, in their inbox.
    heard = notifications_of(follower)
    assert [(n.category, n.reason) for n in heard] == (
        [("followed", "follower")] if followers_hear else []
    )
    if followers_hear:
        assert idea.title in main_of(as_user(follower).get("/benachrichtigungen"))


def test_publishing_sets_the_publication_date_once(moderator):
    idea = create_idea(state="pending")
    assert idea.published_at is None
    services.publish_idea(moderator, idea)
    first = fresh(idea).published_at
    assert first is not None
    services.hide_idea(moderator, idea, "Prüfung")
    services.restore_idea(moderator, idea)
    assert fresh(idea).published_at == first


def test_author_withdraws_a_pending_idea_and_followers_hear_of_it(as_user):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending", title="Ein Dorfladen für Laer")
    follower = create_user(email="folgt@example.org")
    follow(follower, idea)

    services.withdraw_idea(author, idea)
    db.session.commit()

    assert fresh(idea).state == "withdrawn"
    [entry] = audit("idea.withdraw")
    assert (entry.actor_id, entry.before, entry.after) == (author.id, "pending", "withdrawn")
    assert notifications_of(author) == [], "not to the author herself"
    [heard] = notifications_of(follower)
    assert (heard.category, heard.reason) == ("followed", "follower")
    inbox = main_of(as_user(follower).get("/benachrichtigungen"))
    assert "Die Idee „Ein Dorfladen für Laer“ wurde von ihrer Autorin" in inbox
    assert outbox() == [], "followed ideas come in the daily summary"


def test_decision_mail_has_a_stop_link_that_works_once_clicked(browser, moderator):
    author = create_user(email="autorin@example.org")
    idea = create_idea(author, state="pending")
    services.publish_idea(moderator, idea)
    db.session.commit()
    [mail] = outbox("autorin@example.org")

    link = stop_path(mail)
    assert "Entscheidungen zu meinen Beiträgen" in main_of(browser.get(link))
    assert channels_of(author)["decisions"] == "immediate", "opening the link changes nothing"
    response = browser.submit(link, {})

    assert response.status_code == 200
    assert "E-Mails abbestellt" in main_of(response)
    assert channels_of(author)["decisions"] == "inbox"
    assert browser.submit(link, {}).status_code == 200, "a second click does no harm"
    assert browser.get(link[:-3] + "xyz").status_code == 404

    services.hide_idea(moderator, idea, "Spam")
    db.session.commit()
    assert len(outbox("autorin@example.org")) == 1, "no more mail after unsubscribing"
    assert [n.event.data["action"] for n in notifications_of(author)] == ["publish", "hide"]


def test_followers_who_chose_the_inbox_only_get_no_mail(as_user, moderator):
    idea = create_idea(title="Ein Dorfladen für Laer")
    quiet = create_user(email="leise@example.org")
    loud = create_user(email="laut@example.org")  # the control: mail at once
    for person, channel in ((quiet, "inbox"), (loud, "immediate")):
        follow(person, idea)
        response = as_user(person).submit(
            "/benachrichtigungen/einstellungen", {"followed": channel}
        )
        assert response.status_code == 302
    services.hide_idea(moderator, idea, "Beleidigend")
    db.session.commit()
    assert fresh(idea).state == "hidden"
    [mail] = outbox("laut@example.org")
    assert "Die Idee „Ein Dorfladen für Laer“ wurde von der Moderation ausgeblendet." in mail.body
    assert outbox("leise@example.org") == []
    assert len(notifications_of(quiet)) == len(notifications_of(loud)) == 1
    inbox = main_of(as_user(quiet).get("/benachrichtigungen"))
    assert "Die Idee „Ein Dorfladen für Laer“ wurde von der Moderation ausgeblendet." in inbox


FORBIDDEN = [
    ("published", services.publish_idea, ()),
    ("rejected", services.publish_idea, ()),
    ("withdrawn", services.publish_idea, ()),
    ("hidden", services.publish_idea, ()),
    ("pending", services.restore_idea, ()),
    ("published", services.restore_idea, ()),
    ("pending", services.hide_idea, ("Grund",)),
    ("rejected", services.hide_idea, ("Grund",)),
    ("hidden", services.hide_idea, ("Grund",)),
    ("published", services.reject_idea, ("Grund",)),
    ("withdrawn", services.reject_idea, ("Grund",)),
    ("rejected", services.reject_idea, ("Grund",)),
]


@pytest.mark.parametrize(("start", "call", "args"), FORBIDDEN)
def test_transitions_outside_the_table_are_refused(moderator, start, call, args):
    idea = create_idea(state=start)
    with pytest.raises(IdeaError):
        call(moderator, idea, *args)
    db.session.rollback()
    assert fresh(idea).state == start
    assert audit() == []
    assert outbox() == []


@pytest.mark.parametrize("start", ["published", "rejected", "hidden", "withdrawn"])
def test_author_cannot_withdraw_once_it_left_pending(start):
    author = create_user()
    idea = create_idea(author, state=start)
    with pytest.raises(IdeaError):
        services.withdraw_idea(author, idea)
    assert fresh(idea).state == start


@pytest.mark.parametrize(
    ("call", "args"), [(services.reject_idea, ("",)), (services.reject_idea, ("   ",))]
)
def test_rejecting_needs_a_reason(moderator, call, args):
    idea = create_idea(state="pending")
    with pytest.raises(IdeaError) as raised:
        call(moderator, idea, *args)
    assert raised.value.field == "reason"
    assert "Begründung" in str(raised.value)
    assert fresh(idea).state == "pending"


def test_hiding_needs_a_reason(moderator):
    idea = create_idea()
    with pytest.raises(IdeaError) as raised:
        services.hide_idea(moderator, idea, "")
    assert raised.value.field == "reason"
    assert fresh(idea).state == "published"
    assert audit() == []


def test_residents_and_strangers_cannot_moderate():
    author = create_user()
    idea = create_idea(author, state="pending")
    for actor in (author, create_user(), create_user(roles=("team",)), None):
        with pytest.raises(NotAllowed):
            services.publish_idea(actor, idea)
    with pytest.raises(NotAllowed):
        services.withdraw_idea(create_user(roles=("moderator",)), idea)
    with pytest.raises(NotAllowed):
        services.withdraw_idea(None, idea)
    assert fresh(idea).state == "pending"
    assert audit() == []


def test_municipal_moderator_decides_only_in_their_town():
    rheine_moderator = create_user(roles=("moderator:rheine",))
    in_greven = create_idea(state="pending", municipality="greven")
    in_rheine = create_idea(state="pending", municipality="rheine")

    with pytest.raises(NotAllowed):
        services.publish_idea(rheine_moderator, in_greven)
    services.publish_idea(rheine_moderator, in_rheine)

    assert fresh(in_greven).state == "pending"
    assert fresh(in_rheine).state == "published"
    district_moderator = create_user(roles=("moderator",))
    services.publish_idea(district_moderator, in_greven)
    assert fresh(in_greven).state == "published"
    assert [e.actor_id for e in audit("idea.publish")] == [
        rheine_moderator.id,
        district_moderator.id,
    ]


def test_admin_moderates_everywhere():
    admin = create_user(roles=("admin",))
    idea = create_idea(state="pending", municipality="greven")
    services.reject_idea(admin, idea, "Nicht im Kreis")
    assert fresh(idea).state == "rejected"


def test_the_state_table_is_the_only_way(moderator):
    """Each named service does only its own transition (restore is not publish)."""
    assert set(services.TRANSITIONS) >= {
        (IdeaState.PENDING, IdeaState.PUBLISHED),
        (IdeaState.PENDING, IdeaState.REJECTED),
        (IdeaState.PENDING, IdeaState.WITHDRAWN),
        (IdeaState.PUBLISHED, IdeaState.HIDDEN),
        (IdeaState.HIDDEN, IdeaState.PUBLISHED),
    }
    hidden = create_idea(state="hidden")
    services.restore_idea(moderator, hidden)
    assert [e.action for e in audit()] == ["idea.restore"]


def test_rejected_idea_explains_the_reason_to_its_author(as_user, client, moderator):
    author = create_user()
    idea = create_idea(author, state="pending")
    services.reject_idea(moderator, idea, "Das betrifft nicht den Kreis")
    db.session.commit()

    page = main_of(as_user(author).get(f"/ideas/{idea.id}"))
    assert "Nicht freigegeben" in page
    assert "Begründung: Das betrifft nicht den Kreis" in page
    assert client.get(f"/ideas/{idea.id}").status_code == 404
