"""The idea page tells where an idea went: into a project, or answered by the team."""

import re
from datetime import datetime

from participation.extensions import db
from participation.ideas.models import Idea
from participation.projects import services as projects
from participation.rating.services import rate_idea
from participation.templating import format_day
from participation.timeutil import utcnow
from tests.factories import create_idea, create_user
from tests.helpers import html_of, main_of
from tests.ideas.test_queries import queries_for
from tests.roadmap.helpers import SECRET_NOTE, make_project

SUBMITTED = datetime(2026, 3, 2, 9, 30)
PUBLISHED = datetime(2026, 3, 4, 15, 0)


def dated_idea(**kwargs) -> Idea:
    idea = create_idea(title="Radboxen am Bahnhof", created_at=SUBMITTED, **kwargs)
    idea.submitted_at, idea.published_at = SUBMITTED, PUBLISHED
    db.session.commit()
    return idea


def path_steps(page: str) -> list[str]:
    """The steps of "Der Weg dieser Idee" as plain text."""
    path = page.split('<ol class="idea-path">', 1)[1].split("</ol>", 1)[0]
    items = path.split("</li>")[:-1]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).replace("&nbsp;", " ").strip()
        for item in items
    ]


def test_a_fresh_idea_shows_its_first_steps_and_what_comes_next(client):
    idea = dated_idea()
    page = main_of(client.get(f"/ideas/{idea.id}"))
    assert '<h2 id="path-title">Der Weg dieser Idee</h2>' in page
    assert path_steps(page) == [
        f"Eingereicht {format_day(SUBMITTED)}",
        f"Veröffentlicht {format_day(PUBLISHED)}",
        "Als Nächstes: Das Projektteam prüft, ob die Idee in ein Projekt einfließt.",
    ]
    assert "eingeflossen</h2>" not in page and "Antwort des Projektteams" not in page


def test_a_rated_idea_shows_only_that_the_team_rated_it(client):
    idea = dated_idea()
    rate_idea(create_user(roles=("committee",)), idea, 5, 1, "Interne Notiz: zu teuer")
    rate_idea(create_user(roles=("team",)), idea, 2, 4, "")
    db.session.commit()
    page = main_of(client.get(f"/ideas/{idea.id}"))
    steps = path_steps(page)
    assert steps[2] == f"Vom Projektteam bewertet {format_day(utcnow())}"
    for secret in ("Interne Notiz", "zu teuer", "Relevanz", "Realisierbarkeit", "2 Bewertungen"):
        assert secret not in page


def test_an_idea_taken_into_a_project_links_to_it(client):
    idea = dated_idea()
    project = make_project(
        title="Mobilstationen", ideas=[idea], kind="lead", status="active", progress=40
    )
    response = client.get(f"/ideas/{idea.id}")
    page = main_of(response)

    box = page.split('<section class="project-box"', 1)[1].split("</section>", 1)[0]
    assert (
        f'<h2 id="in-project-title" class="h3">In Projekt „<a href="/projects/{project.id}">'
        "Mobilstationen</a>“ eingeflossen</h2>"
    ) in box
    assert "Leitprojekt · Status: In Umsetzung" in box and "40&nbsp;% umgesetzt" in box
    assert "Stand: In ein Projekt eingeflossen." in page

    steps = path_steps(page)
    assert steps[-1] == (
        f"In Projekt übernommen {format_day(utcnow())}: Mobilstationen "
        "(In Umsetzung, 40 % umgesetzt)"
    )
    assert "Als Nächstes" not in page
    assert SECRET_NOTE not in html_of(response)

    # The link works, and the project page links back.
    project_page = main_of(client.get(f"/projects/{project.id}"))
    assert f'<a href="/ideas/{idea.id}">Radboxen am Bahnhof</a>' in project_page


def test_an_idea_in_two_projects_lists_both(client):
    idea = dated_idea()
    team = create_user(roles=("team",))
    first = make_project(team, title="Mobilstationen", ideas=[idea])
    second = make_project(team, title="Radverkehrskonzept", ideas=[db.session.get(Idea, idea.id)])
    page = main_of(client.get(f"/ideas/{idea.id}"))
    box = page.split('<section class="project-box"', 1)[1].split("</section>", 1)[0]
    assert "In 2 Projekte eingeflossen" in box
    assert f'<a href="/projects/{first.id}">„Mobilstationen“</a>' in box
    assert f'<a href="/projects/{second.id}">„Radverkehrskonzept“</a>' in box
    assert [step.split(":", 1)[0] for step in path_steps(page)[2:]] == [
        f"In Projekt übernommen {format_day(utcnow())}"
    ] * 2


def test_a_declined_idea_shows_the_teams_answer(client):
    idea = dated_idea()
    answer = "Das übernimmt bereits der Regionalverkehr mit seinem Radkonzept."
    projects.decline_idea(create_user(roles=("team",)), idea, answer)
    db.session.commit()
    page = main_of(client.get(f"/ideas/{idea.id}"))

    section = page.split('<section class="team-answer"', 1)[1].split("</section>", 1)[0]
    assert '<h2 id="team-answer-title" class="h3">Antwort des Projektteams</h2>' in section
    assert answer in section
    assert page.count(answer) == 1, "the answer is not repeated as a moderation reason"
    assert "Stand: Nicht weiterverfolgt." in page
    assert path_steps(page)[-1] == f"Nicht weiterverfolgt {format_day(utcnow())}"
    assert "project-box" not in page


def test_a_declined_idea_taken_in_later_shows_the_project_not_the_old_answer(client):
    idea = dated_idea()
    team = create_user(roles=("team",))
    projects.decline_idea(team, idea, "Erst einmal nicht.")
    db.session.commit()
    project = make_project(team, title="Doch noch", ideas=[db.session.get(Idea, idea.id)])
    page = main_of(client.get(f"/ideas/{idea.id}"))
    assert f'<a href="/projects/{project.id}">Doch noch</a>' in page
    assert "Erst einmal nicht." not in page and "Antwort des Projektteams" not in page
    assert not any(step.startswith("Nicht weiterverfolgt") for step in path_steps(page))


def test_the_ideas_list_marks_adopted_and_declined_ideas(client):
    team = create_user(roles=("team",))
    adopted, declined = create_idea(title="Übernommen"), create_idea(title="Abgelehnt")
    make_project(team, ideas=[adopted])
    projects.decline_idea(team, declined, "Passt nicht zur Strategie.")
    db.session.commit()
    response = client.get("/ideas")
    assert response.status_code == 200
    page = main_of(response)
    assert '<span class="badge badge-state badge-state-adopted">In ein Projekt eingeflossen' in page
    assert '<span class="badge badge-state badge-state-declined">Nicht weiterverfolgt' in page


def test_the_idea_page_runs_the_same_queries_for_one_or_three_projects(
    client, as_user, count_queries
):
    idea = dated_idea()
    idea_id = idea.id
    team = create_user(roles=("team",))
    team_id = team.id
    make_project(team, title="Eins", ideas=[idea])
    viewers = {"anonymous": client, "resident": as_user(create_user())}
    url = f"/ideas/{idea_id}"

    def measure() -> dict:
        return {who: queries_for(browser, count_queries, url) for who, browser in viewers.items()}

    one = measure()
    from participation.accounts.models import User

    for title in ("Zwei", "Drei"):
        make_project(
            db.session.get(User, team_id), title=title, ideas=[db.session.get(Idea, idea_id)]
        )
    rate_idea(db.session.get(User, team_id), db.session.get(Idea, idea_id), 3, 3, "")
    db.session.commit()
    assert "In 3 Projekte eingeflossen" in main_of(client.get(url))
    three = measure()
    print(f"\nSQL statements for an idea in 1 -> 3 projects: {one} -> {three}")
    assert one == three
    # tests/ideas/test_queries.py: 2 and 6 before, plus one for the idea's path and one
    # for its photos; signed in, one more for the header's count of unread notifications
    assert three == {"anonymous": 4, "resident": 9}
