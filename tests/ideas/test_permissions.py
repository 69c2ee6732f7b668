"""Who may do what, role by role: the pure predicates, and the pages that use them."""

from datetime import timedelta

import pytest
from flask_login import AnonymousUserMixin

from participation.ideas import permissions as p
from participation.timeutil import utcnow
from tests.factories import create_comment, create_idea, create_user

ROLES = ["anonymous", "unconfirmed", "author", "resident", "mod_rheine", "mod_greven", "mod_all"]
STATES = ["pending", "published", "rejected", "hidden", "withdrawn"]


@pytest.fixture
def people() -> dict:
    return {
        "anonymous": AnonymousUserMixin(),
        "unconfirmed": create_user(confirmed=False),
        "author": create_user(),
        "resident": create_user(),
        "mod_rheine": create_user(roles=("moderator:rheine",)),
        "mod_greven": create_user(roles=("moderator:greven",)),
        "mod_all": create_user(roles=("moderator",)),
    }


def idea_in(state: str, people: dict):
    return create_idea(people["author"], state=state, municipality="rheine")


# Whose request finds the idea's page (the idea concerns Rheine). A hidden idea
# keeps its page, with an explanation instead of the content.
VIEW = {
    "published": set(ROLES),
    "pending": {"author", "mod_rheine", "mod_all"},
    "rejected": {"author", "mod_rheine", "mod_all"},
    "withdrawn": {"author", "mod_rheine", "mod_all"},
    "hidden": set(ROLES),
}
# Who reads title and description.
CONTENT = {**VIEW, "hidden": {"mod_rheine", "mod_all"}}


@pytest.mark.parametrize("state", STATES)
def test_who_sees_an_idea(people, state):
    idea = idea_in(state, people)
    assert {role for role in ROLES if p.can_view_idea(people[role], idea)} == VIEW[state]
    assert {role for role in ROLES if p.can_see_idea_content(people[role], idea)} == CONTENT[state]


@pytest.mark.parametrize("state", STATES)
def test_who_sees_an_idea_over_http(people, as_user, client, state):
    idea = idea_in(state, people)
    for role in ROLES:
        browser = client if role == "anonymous" else as_user(people[role])
        response = browser.get(f"/ideas/{idea.id}")
        assert response.status_code == (200 if role in VIEW[state] else 404), role
        shows_content = idea.title in response.get_data(as_text=True)
        assert shows_content is (role in CONTENT[state]), role


@pytest.mark.parametrize("state", STATES)
def test_only_the_author_edits_and_withdraws_and_only_while_pending(people, state):
    idea = idea_in(state, people)
    for role in ROLES:
        expected = role == "author" and state == "pending"
        assert p.can_edit_idea(people[role], idea) is expected, role
        assert p.can_withdraw_idea(people[role], idea) is expected, role


@pytest.mark.parametrize("state", STATES)
def test_confirmed_people_support_others_and_comment_published_ideas(people, state):
    idea = idea_in(state, people)
    confirmed = {"author", "resident", "mod_rheine", "mod_greven", "mod_all"}
    for role in ROLES:
        expected = role in confirmed and state == "published"
        assert p.can_support_idea(people[role], idea) is (expected and role != "author"), role
        assert p.can_comment_idea(people[role], idea) is expected, role


@pytest.mark.parametrize("state", STATES)
def test_signed_in_people_follow_what_they_can_see(people, state):
    idea = idea_in(state, people)
    for role in ROLES:
        expected = role != "anonymous" and role in VIEW[state]
        assert p.can_follow_idea(people[role], idea) is expected, role


def test_submitting_needs_a_confirmed_account_and_reporting_a_login(people):
    assert {r for r in ROLES if p.can_submit_idea(people[r])} == set(ROLES) - {
        "anonymous",
        "unconfirmed",
    }
    assert {r for r in ROLES if p.can_report(people[r])} == set(ROLES) - {"anonymous"}
    assert p.can_submit_idea(None) is False
    assert p.can_report(None) is False
    assert p.can_report(people["resident"], people["author"].id) is True
    assert p.can_report(people["author"], people["author"].id) is False


def test_comment_edit_and_delete_are_for_its_author(people):
    idea = create_idea()
    comment = create_comment(idea, people["author"])
    for role in ROLES:
        is_author = role == "author"
        assert p.can_edit_comment(people[role], comment) is is_author, role
        assert p.can_delete_comment(people[role], comment) is is_author, role


def test_comment_edit_window_is_fifteen_minutes(people):
    author = people["author"]
    comment = create_comment(create_idea(), author)
    start = comment.created_at
    assert p.can_edit_comment(author, comment, now=start + timedelta(minutes=14, seconds=59))
    assert p.can_edit_comment(author, comment, now=start + timedelta(minutes=15))
    assert not p.can_edit_comment(author, comment, now=start + timedelta(minutes=15, seconds=1))
    assert p.can_delete_comment(author, comment), "deleting has no time limit"
    comment.created_at = utcnow() - timedelta(days=30)
    assert p.can_delete_comment(author, comment)


@pytest.mark.parametrize(
    ("state", "edit", "delete"),
    [
        ("published", True, True),
        ("pending", False, True),
        ("hidden", False, False),
        ("deleted", False, False),
    ],
)
def test_what_the_author_may_do_with_a_comment_in_each_state(people, state, edit, delete):
    comment = create_comment(create_idea(), people["author"], state=state)
    assert p.can_edit_comment(people["author"], comment) is edit
    assert p.can_delete_comment(people["author"], comment) is delete


@pytest.mark.parametrize(
    ("state", "readers"),
    [
        ("published", set(ROLES)),
        ("deleted", set(ROLES)),
        ("pending", {"author", "mod_rheine", "mod_all"}),
        ("hidden", {"author", "mod_rheine", "mod_all"}),
    ],
)
def test_who_reads_a_comment(people, state, readers):
    idea = create_idea(municipality="rheine")
    comment = create_comment(idea, people["author"], state=state)
    assert {r for r in ROLES if p.can_view_comment(people[r], comment, idea)} == readers


def test_a_hidden_idea_shows_its_content_on_no_page_to_non_moderators(people, as_user, client):
    idea = create_idea(
        people["author"], state="hidden", title="Geheimer Titel XYZ", body="Geheimer Text XYZ " * 3
    )
    comment = create_comment(idea, body="Kommentar XYZ unter der Idee")
    urls = [
        f"/ideas/{idea.id}",
        f"/ideas/{idea.id}/report",
        f"/comments/{comment.id}/report",
        "/ideas",
        "/ideas?q=Geheimer",
        "/fields/mobilitaet",
        "/municipalities/rheine",
    ]
    for role in ("anonymous", "resident", "mod_greven", "author"):
        browser = client if role == "anonymous" else as_user(people[role])
        for url in urls:
            html = browser.get(url, follow_redirects=True).get_data(as_text=True)
            assert "XYZ" not in html, (role, url)
    moderator = as_user(people["mod_rheine"])
    assert "Geheimer Titel XYZ" in moderator.get(f"/ideas/{idea.id}").get_data(as_text=True)
