"""Every /pipeline route, for every role: who may read, who may plan, who is sent away.

The route list comes from the app itself; a new /pipeline route fails
`test_every_pipeline_route_is_classified` until it is added to ROUTES below (and so
gets checked for every role).
"""

from datetime import date
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, Idea, Support
from participation.projects import services as projects
from participation.projects.models import (
    FundingSource,
    Milestone,
    Project,
    ProjectIdea,
    ProjectUpdate,
)
from participation.rating.models import Assessment
from participation.rating.services import rate_idea
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user
from tests.helpers import e, fresh, html_of, main_of
from tests.pipeline.test_planning import new_project, place_id, plan_data

READ = "read"  # committee and team read
RATE = "rate"  # committee and team write (their own rating)
TEAM = "team"  # the project team only

ROUTES = {
    ("rating.index", "GET"): READ,
    ("projects.index", "GET"): READ,
    ("pipeline_reports.matrix", "GET"): READ,
    ("pipeline_reports.stats", "GET"): READ,
    ("pipeline_reports.exports", "GET"): READ,
    ("pipeline_reports.download", "GET"): READ,
    ("rating.rate", "GET"): READ,
    ("rating.rate", "POST"): RATE,
    ("projects.take", "POST"): TEAM,
    ("projects.decline", "GET"): TEAM,
    ("projects.decline", "POST"): TEAM,
    ("projects.new_project", "GET"): TEAM,
    ("projects.new_project", "POST"): TEAM,
    ("projects.edit_project", "GET"): TEAM,
    ("projects.edit_project", "POST"): TEAM,
    ("projects.add_funding", "POST"): TEAM,
    ("projects.remove_funding", "POST"): TEAM,
    ("projects.add_milestone", "POST"): TEAM,
    ("projects.change_milestone", "POST"): TEAM,
    ("projects.new_update", "GET"): TEAM,
    ("projects.new_update", "POST"): TEAM,
}

REFUSED = {
    "resident": (),
    "moderator": ("moderator",),
    "district-moderator": ("moderator:rheine",),
    "admin": ("admin",),
    "admin-moderator": ("admin", "moderator"),
}
PROJECT_NOTE = "INTERN-PROJEKT: Kämmerei zahlt erst 2028"
RATING_NOTE = "INTERN-BEWERTUNG: Bürgermeister dagegen"


def pipeline_routes(app) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/pipeline")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_pipeline_route_is_classified(app):
    routes = pipeline_routes(app)
    unclassified = sorted(routes - set(ROUTES))
    assert not unclassified, f"classify these /pipeline routes in ROUTES: {unclassified}"
    assert not sorted(set(ROUTES) - routes), "ROUTES lists routes the app no longer has"


@pytest.fixture
def world(app):
    """A project with funding and a milestone, and an idea for each action."""
    owner = create_user(roles=("team",))
    source = create_idea(title="Mitfahrbank am Markt")
    project = new_project(
        owner, title="Mitfahrbänke im Kreis", ideas=[source], internal_notes=PROJECT_NOTE
    )
    funding = projects.add_funding(owner, project, "Landesmittel", Decimal("5000"), "approved")
    milestone = projects.add_milestone(owner, project, "Spatenstich", date(2027, 5, 1))
    rate_idea(create_user(roles=("committee",)), source, 4, 2, RATING_NOTE)
    db.session.commit()
    ideas = {name: create_idea(title=f"Idee zum {name}") for name in ("rate", "decline", "take")}
    return {
        "project": project,
        "source": source,
        "ideas": ideas,
        "args": {
            "project_id": project.id,
            "source_id": funding.id,
            "milestone_id": milestone.id,
            "kind": "projects",
            "fmt": "csv",
        },
    }


def post_data(endpoint: str, world) -> dict:
    ideas = world["ideas"]
    return {
        "rating.rate": {"relevance": "4", "feasibility": "2", "note": "gut"},
        "projects.take": {
            "idea": [str(ideas["take"].id)],
            "target": "existing",
            "project": str(world["project"].id),
        },
        "projects.decline": {"answer": "Gibt es schon im Nachbarort."},
        "projects.new_project": plan_data(title="Ein neues Projekt"),
        "projects.edit_project": plan_data(
            title="Mitfahrbänke im Kreis", municipality_ids=[str(place_id("kreisweit"))]
        ),
        "projects.add_funding": {
            "funding-programme": "Leader",
            "funding-amount": "80.000,00",
            "funding-status": "applied",
        },
        "projects.remove_funding": {},
        "projects.add_milestone": {"milestone-title": "Eröffnung", "milestone-due_on": ""},
        "projects.change_milestone": {"action": "done"},
        "projects.new_update": {"title": "Es geht los", "body": "Die Bänke sind bestellt."},
    }[endpoint]


def url_of(app, endpoint: str, world) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    args = dict(world["args"])
    args["idea_id"] = world["ideas"]["decline" if endpoint == "projects.decline" else "rate"].id
    with app.test_request_context():
        return url_for(endpoint, **{name: args[name] for name in rule.arguments})


def visit_all(app, browser, world, token_page="/account"):
    """Every classified route once, in ROUTES order: yields (endpoint, method, kind, response)."""
    for (endpoint, method), kind in ROUTES.items():
        url = url_of(app, endpoint, world)
        if method == "GET":
            response = browser.get(url)
        else:
            response = browser.submit(url, post_data(endpoint, world), form_page=token_page)
        yield endpoint, method, kind, response


def snapshot() -> dict:
    """What the team's actions would change."""
    db.session.expire_all()
    project = db.session.scalar(select(Project).order_by(Project.id))
    return {
        "projects": count_rows(Project),
        "title": project.title,
        "notes": project.internal_notes,
        "funding": count_rows(FundingSource),
        "milestones": count_rows(Milestone),
        "done": db.session.scalars(select(Milestone.done)).all(),
        "updates": count_rows(ProjectUpdate),
        "links": count_rows(ProjectIdea),
        "states": dict(db.session.execute(select(Idea.id, Idea.state)).all()),
    }


def test_anonymous_people_are_sent_to_login(app, browser, world):
    before, ratings = snapshot(), count_rows(Assessment)
    for endpoint, method, _kind, response in visit_all(app, browser, world, "/login"):
        assert response.status_code == 302, (endpoint, method)
        assert "/login" in response.headers["Location"], (endpoint, method)
    assert snapshot() == before
    assert count_rows(Assessment) == ratings


@pytest.mark.parametrize("role", [*REFUSED, "blocked-team"])
def test_people_without_a_pipeline_role_are_refused_everywhere(app, as_user, world, role):
    if role == "blocked-team":
        person = create_user(roles=("team",))
        browser = as_user(person)
        person.blocked_at = utcnow()
        db.session.commit()
    else:
        browser = as_user(create_user(roles=REFUSED[role]))
    before, ratings = snapshot(), count_rows(Assessment)
    for endpoint, method, _kind, response in visit_all(app, browser, world):
        assert response.status_code == 403, (role, endpoint, method)
        html = html_of(response)
        assert PROJECT_NOTE not in html and RATING_NOTE not in html
    assert snapshot() == before
    assert count_rows(Assessment) == ratings


def test_the_committee_reads_and_rates_but_plans_nothing(app, as_user, world):
    member = create_user(roles=("committee",))
    browser = as_user(member)
    before = snapshot()
    for endpoint, method, kind, response in visit_all(app, browser, world):
        expected = {READ: 200, RATE: 302, TEAM: 403}[kind]
        assert response.status_code == expected, (endpoint, method)
        if kind == TEAM:
            assert PROJECT_NOTE not in html_of(response)
    assert snapshot() == before
    assert db.session.scalar(select(Assessment.rater_id).order_by(Assessment.id.desc())) == (
        member.id
    )
    # the list offers no planning buttons, and the project links to its public page
    listing = main_of(browser.get("/pipeline/projects"))
    assert "/edit" not in listing and f'href="/projects/{world["project"].id}"' in listing
    assert 'name="target"' not in html_of(browser.get("/pipeline"))


def test_the_project_team_may_do_everything(app, as_user, world):
    browser = as_user(create_user(roles=("team",)))
    for endpoint, method, _kind, response in visit_all(app, browser, world):
        expected = 200 if method == "GET" else 302
        assert response.status_code == expected, (endpoint, method, html_of(response)[:300])
    after = snapshot()
    ideas = world["ideas"]
    assert after["states"][ideas["take"].id] == "adopted"
    assert after["states"][ideas["decline"].id] == "declined"
    assert (after["projects"], after["links"], after["updates"]) == (2, 2, 1)
    # the funding source was removed after one was added; the milestones: one added
    assert (after["funding"], after["milestones"], after["done"].count(True)) == (1, 2, 1)


# Public pages never show what is internal -----------------------------------------------

VIEWERS = {
    "anonymous": None,
    "resident": (),
    "moderator": ("moderator",),
    "admin": ("admin",),
    "committee": ("committee",),
    "team": ("team",),
}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_internal_notes_and_ratings_never_reach_public_pages(browser, as_user, world, viewer):
    roles = VIEWERS[viewer]
    person = browser if roles is None else as_user(create_user(roles=roles))
    project, source = world["project"], world["source"]
    for path in ("/roadmap", f"/projects/{project.id}", f"/ideas/{source.id}", "/ideas", "/"):
        response = person.get(path)
        assert response.status_code == 200, path
        html = html_of(response)
        assert PROJECT_NOTE not in html, path
        assert RATING_NOTE not in html, path
        for word in ("Relevanz", "Realisierbarkeit", "Uneinigkeit", "Interne Notiz"):
            assert word not in main_of(response), f"{path}: {word}"
    assert "Mitfahrbänke im Kreis" in main_of(person.get("/roadmap"))
    assert "Mitfahrbank am Markt" in main_of(person.get(f"/projects/{project.id}"))


# Adopted and declined ideas, role by role -----------------------------------------------

PEOPLE = {
    "anonymous": None,
    "resident": (),
    "blocked-resident": (),
    "moderator": ("moderator",),
    "town-moderator": ("moderator:rheine",),
    "other-town-moderator": ("moderator:greven",),
    "committee": ("committee",),
    "team": ("team",),
    "admin": ("admin",),
}
MODERATORS = ("moderator", "town-moderator", "admin")  # in scope: the ideas are Rheine's
DECLINE_ANSWER = "Eine Seilbahn passt nicht in den Haushalt des Kreises."


@pytest.fixture
def decided():
    """An idea the team took into a project and one it declined, both from Rheine."""
    team = create_user(roles=("team",))
    adopted = create_idea(title="Bücherschrank am Bahnhof")
    new_project(team, title="Offene Bücherschränke", ideas=[adopted])
    declined = create_idea(title="Seilbahn über die Ems")
    projects.decline_idea(team, declined, DECLINE_ANSWER)
    db.session.commit()
    assert (fresh(adopted).state, fresh(declined).state) == ("adopted", "declined")
    return {"adopted": adopted, "declined": declined}


def signed_in_as(role: str, browser, as_user):
    """(browser, page with a CSRF token) for a person of this role."""
    if PEOPLE[role] is None:
        return browser, "/login"
    person = create_user(roles=PEOPLE[role])
    signed_in = as_user(person)
    if role == "blocked-resident":
        person.blocked_at = utcnow()
        db.session.commit()
    return signed_in, "/account"


def allowed(role: str, response) -> bool:
    """Whether the action went through (a redirect back); else it was refused with 403 or
    404, and anonymous people were sent to log in."""
    if role == "anonymous":
        assert response.status_code == 302 and "/login" in response.headers["Location"]
        return False
    assert response.status_code in (302, 403, 404), response.status_code
    return response.status_code == 302


@pytest.mark.parametrize("state", ["adopted", "declined"])
@pytest.mark.parametrize("role", PEOPLE)
def test_who_may_view_support_comment_and_moderate_adopted_and_declined_ideas(
    browser, as_user, decided, role, state
):
    idea = decided[state]
    person, token_page = signed_in_as(role, browser, as_user)
    page = f"/ideas/{idea.id}"

    # Everybody reads both, with the team's answer on a declined idea.
    view = person.get(page)
    assert view.status_code == 200
    assert e(idea.title) in main_of(view)
    assert (e(DECLINE_ANSWER) in main_of(view)) == (state == "declined")

    # Members support and comment an adopted idea; a declined one is closed for everybody.
    contributes = role not in ("anonymous", "blocked-resident") and state == "adopted"
    assert (f'action="{page}/support"' in html_of(view)) == contributes
    support = person.submit(f"{page}/support", {}, form_page=token_page)
    comment = person.submit(f"{page}/comments", {"body": f"Ich ({role})"}, form_page=token_page)
    assert allowed(role, support) == contributes
    assert allowed(role, comment) == contributes
    assert (count_rows(Support), fresh(idea).support_count) == (int(contributes),) * 2
    assert count_rows(Comment) == int(contributes)

    # Only moderators with the idea's town in scope hide it (the other town's: no such idea).
    hide = person.submit(
        f"/moderation/ideas/{idea.id}/hide", {"reason": "Persönliche Daten"}, form_page=token_page
    )
    moderates = role in MODERATORS
    assert allowed(role, hide) == moderates
    if role == "other-town-moderator":
        assert hide.status_code == 404
    assert fresh(idea).state == ("hidden" if moderates else state)
