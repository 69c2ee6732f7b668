"""A town's page: its projects, its newest and most supported public ideas, links to the
full lists; nothing of other towns."""

from datetime import timedelta

from participation.timeutil import utcnow
from tests.factories import create_idea, create_user
from tests.helpers import html_of, idea_ids_in, main_of
from tests.home.test_home_page import section
from tests.roadmap.helpers import make_project


def test_town_page_shows_its_projects_and_not_those_of_other_towns(client):
    team = create_user(roles=("team",))
    greven = make_project(team, title="Bürgerbus Greven", places=("greven",), status="active")
    shared = make_project(team, title="Radschnellweg Greven–Münster", places=("greven", "rheine"))
    make_project(team, title="Hafen Rheine", places=("rheine",))

    page = main_of(client.get("/municipalities/greven"))
    projects = section(page, "town-projects-title")

    assert f'<a href="/projects/{greven.id}">Bürgerbus Greven</a>' in projects
    assert f'href="/projects/{shared.id}"' in projects
    assert "Hafen Rheine" not in page
    assert "In Umsetzung" in projects
    assert 'href="/roadmap?municipality=greven"' in projects
    assert "2 Projekte" in page


def test_town_without_projects_says_so(client):
    page = main_of(client.get("/municipalities/altenberge"))
    assert "Für Altenberge gibt es noch keine Projekte in der Roadmap." in page


def test_town_page_lists_its_newest_and_most_supported_public_ideas(client):
    now = utcnow()
    ideas = [
        create_idea(municipality="greven", supports=n, created_at=now - timedelta(days=n))
        for n in range(6)
    ]
    create_idea(municipality="rheine", title="Hafenfest in Rheine", supports=50)
    create_idea(municipality="greven", title="Noch nicht geprüft", state="pending", supports=40)

    page = main_of(client.get("/municipalities/greven"))

    newest = section(page, "municipality-ideas-title")
    supported = section(page, "municipality-supported-title")
    assert idea_ids_in(newest) == [idea.id for idea in ideas[:4]]
    assert idea_ids_in(supported) == [idea.id for idea in reversed(ideas[2:])]
    assert '<a href="/ideas?municipality=greven">Alle Ideen</a> (6)' in newest
    assert 'href="/ideas?municipality=greven&amp;sort=supported"' in supported
    assert "Hafenfest in Rheine" not in page and "Noch nicht geprüft" not in page
    assert "6 öffentliche Ideen" in page


def test_with_few_ideas_the_town_shows_one_list(client):
    only = create_idea(municipality="greven")
    page = main_of(client.get("/municipalities/greven"))
    assert idea_ids_in(page) == [only.id]
    assert 'id="municipality-supported-title"' not in page


def test_town_page_invites_to_submit(client):
    html = html_of(client.get("/municipalities/rheine"))
    assert '<a class="button town-submit" href="/ideas/new">Idee einreichen</a>' in html
