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
from participation.ideas.models import Idea
from participation.pipeline import projects
from participation.pipeline.models import (
    Assessment,
    FundingSource,
    Milestone,
    Project,
    ProjectIdea,
    ProjectUpdate,
)
from participation.pipeline.services import rate_idea
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user
from tests.ideas.conftest import html_of, main_of
from tests.pipeline.test_planning import new_project, place_id, plan_data

READ = "read"  # committee and team read
RATE = "rate"  # committee and team write (their own rating)
TEAM = "team"  # the project team only

ROUTES = {
    ("pipeline.index", "GET"): READ,
    ("pipeline.projects", "GET"): READ,
    ("pipeline_charts.matrix", "GET"): READ,
    ("pipeline_charts.stats", "GET"): READ,
    ("pipeline_exports.page", "GET"): READ,
    ("pipeline_exports.download", "GET"): READ,
    ("pipeline.rate", "GET"): READ,
    ("pipeline.rate", "POST"): RATE,
    ("pipeline.take", "POST"): TEAM,
    ("pipeline.decline", "GET"): TEAM,
    ("pipeline.decline", "POST"): TEAM,
    ("pipeline.new_project", "GET"): TEAM,
    ("pipeline.new_project", "POST"): TEAM,
    ("pipeline.edit_project", "GET"): TEAM,
    ("pipeline.edit_project", "POST"): TEAM,
    ("pipeline.add_funding", "POST"): TEAM,
    ("pipeline.remove_funding", "POST"): TEAM,
    ("pipeline.add_milestone", "POST"): TEAM,
    ("pipeline.change_milestone", "POST"): TEAM,
    ("pipeline.new_update", "GET"): TEAM,
    ("pipeline.new_update", "POST"): TEAM,
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
        "pipeline.rate": {"relevance": "4", "feasibility": "2", "note": "gut"},
        "pipeline.take": {
            "idea": [str(ideas["take"].id)],
            "target": "existing",
            "project": str(world["project"].id),
        },
        "pipeline.decline": {"answer": "Gibt es schon im Nachbarort."},
        "pipeline.new_project": plan_data(title="Ein neues Projekt"),
        "pipeline.edit_project": plan_data(
            title="Mitfahrbänke im Kreis", municipality_ids=[str(place_id("kreisweit"))]
        ),
        "pipeline.add_funding": {
            "funding-programme": "Leader",
            "funding-amount": "80.000,00",
            "funding-status": "applied",
        },
        "pipeline.remove_funding": {},
        "pipeline.add_milestone": {"milestone-title": "Eröffnung", "milestone-due_on": ""},
        "pipeline.change_milestone": {"action": "done"},
        "pipeline.new_update": {"title": "Es geht los", "body": "Die Bänke sind bestellt."},
    }[endpoint]


def url_of(app, endpoint: str, world) -> str:
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    args = dict(world["args"])
    args["idea_id"] = world["ideas"]["decline" if endpoint == "pipeline.decline" else "rate"].id
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
