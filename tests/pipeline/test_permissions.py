"""Who may see and use the rating pages, for every role; ratings never reach the public."""

import pytest

from participation.extensions import db
from participation.rating.models import Assessment
from participation.rating.services import rate_idea
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user
from tests.helpers import html_of, main_of
from tests.pipeline.helpers import rate_url

REFUSED = {
    "resident": (),
    "moderator": ("moderator",),
    "moderator-rheine": ("moderator:rheine",),
    "admin": ("admin",),
    "admin-moderator": ("admin", "moderator"),
}
ALLOWED = {"committee": ("committee",), "team": ("team",), "admin-team": ("admin", "team")}
VALID = {"relevance": "4", "feasibility": "2", "note": "GEHEIME-NOTIZ"}
NOTE = "GEHEIME-NOTIZ"


def blocked_member():
    member = create_user(roles=("committee",))
    member.blocked_at = utcnow()
    db.session.commit()
    return member


def requests(browser, idea, token_page="/account"):
    """GET /pipeline, GET and POST of the rate form (with a valid CSRF token from token_page)."""
    yield "GET /pipeline", browser.get("/pipeline")
    yield "GET rate", browser.get(rate_url(idea))
    yield "POST rate", browser.submit(rate_url(idea), VALID, form_page=token_page)


def test_anonymous_people_are_sent_to_login(browser):
    idea = create_idea()
    for name, response in requests(browser, idea, token_page="/login"):
        assert response.status_code == 302, name
        assert "/login" in response.headers["Location"], name
    assert count_rows(Assessment) == 0


def test_anonymous_post_without_csrf_token_is_refused(client):
    idea = create_idea()
    response = client.post(rate_url(idea), data={"relevance": "4", "feasibility": "2"})
    assert response.status_code in (302, 400)
    assert count_rows(Assessment) == 0


@pytest.mark.parametrize("role", [*REFUSED, "blocked-committee"])
def test_other_roles_are_refused(as_user, role):
    user = blocked_member() if role == "blocked-committee" else create_user(roles=REFUSED[role])
    idea = create_idea()
    for name, response in requests(as_user(user), idea):
        assert response.status_code == 403, f"{role}: {name}"
        assert NOTE not in html_of(response)
    assert count_rows(Assessment) == 0


def test_refused_even_for_ideas_that_do_not_exist(as_user):
    browser = as_user(create_user(roles=("moderator",)))
    assert browser.get("/pipeline/ideas/999999/rate").status_code == 403


@pytest.mark.parametrize("role", ALLOWED)
def test_committee_and_team_may_rate(as_user, role):
    idea = create_idea()
    results = dict(requests(as_user(create_user(roles=ALLOWED[role])), idea))
    assert results["GET /pipeline"].status_code == 200
    assert results["GET rate"].status_code == 200
    assert results["POST rate"].status_code == 302
    assert count_rows(Assessment) == 1


def test_the_service_refuses_non_members_too():
    from participation.rating.services import PipelineError

    idea = create_idea()
    for user in (create_user(), create_user(roles=("moderator", "admin")), blocked_member()):
        with pytest.raises(PipelineError):
            rate_idea(user, idea, 3, 3)
    with pytest.raises(PipelineError):
        rate_idea(create_user(roles=("team",)), create_idea(state="pending"), 3, 3)
    db.session.rollback()
    assert count_rows(Assessment) == 0


# Privacy ----------------------------------------------------------------------------


@pytest.fixture
def rated_idea():
    idea = create_idea(title="Mitfahrbänke in allen Ortsteilen", supports=1)
    for role, values in (("committee", (5, 1)), ("team", (2, 4))):
        rate_idea(create_user(display_name=f"Mitglied {role}", roles=(role,)), idea, *values, NOTE)
    db.session.commit()
    return idea


PUBLIC_VIEWERS = {
    "anonymous": None,
    "resident": (),
    "moderator": ("moderator",),
    "admin": ("admin",),
}


@pytest.mark.parametrize("viewer", PUBLIC_VIEWERS)
def test_ratings_and_notes_never_reach_public_pages(browser, as_user, rated_idea, viewer):
    roles = PUBLIC_VIEWERS[viewer]
    person = browser if roles is None else as_user(create_user(roles=roles))
    for path in (f"/ideas/{rated_idea.id}", "/ideas", "/ideas?sort=new", "/"):
        response = person.get(path)
        assert response.status_code == 200, path
        html = html_of(response)
        assert NOTE not in html, path
        for hint in ("Relevanz", "Realisierbarkeit", "von 2 bewertet", "Uneinigkeit", "Mitglied "):
            assert hint not in html, f"{path}: {hint}"
    assert "Mitfahrbänke in allen Ortsteilen" in html_of(person.get("/ideas"))


def test_members_see_the_note_only_on_the_internal_pages(as_user, rated_idea):
    member = as_user(create_user(roles=("committee",)))
    assert NOTE not in html_of(member.get(f"/ideas/{rated_idea.id}"))
    assert NOTE in main_of(member.get(rate_url(rated_idea)))


@pytest.mark.parametrize(
    ("roles", "shown"),
    [
        (None, False),
        ((), False),
        (("moderator",), False),
        (("admin",), False),
        (("committee",), True),
        (("team",), True),
    ],
)
def test_the_nav_link_shows_only_for_members(browser, as_user, roles, shown):
    person = browser if roles is None else as_user(create_user(roles=roles))
    for path in ("/", "/ideas", "/gibt-es-nicht"):
        header = html_of(person.get(path)).split("<main", 1)[0]
        assert ('href="/pipeline"' in header) is shown, path
        assert (">Bewerten</a>" in header) is shown, path


def test_the_nav_link_disappears_when_a_member_is_blocked(as_user):
    member = create_user(roles=("team",))
    browser = as_user(member)
    assert 'href="/pipeline"' in html_of(browser.get("/"))
    member.blocked_at = utcnow()
    db.session.commit()
    assert 'href="/pipeline"' not in html_of(browser.get("/"))
