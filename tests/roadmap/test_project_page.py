"""/projects/<id>: the public plan, funding, milestones, news, source ideas; following."""

import re
from datetime import date
from decimal import Decimal

import pytest

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas.services import hide_idea
from participation.projects import services as projects
from participation.projects.models import Project, ProjectFollow
from tests.factories import (
    channels_of,
    choose_channels,
    count_rows,
    create_idea,
    create_user,
    notifications_of,
    outbox,
    stop_path,
)
from tests.helpers import html_of, main_of
from tests.ideas.test_queries import queries_for
from tests.roadmap.helpers import SECRET_NOTE, follows, full_plan, make_project


def project_url(project) -> str:
    return f"/projects/{project.id}"


def fact(page: str, label: str) -> str:
    """The text of the <dd> after a <dt> in the plan."""
    match = re.search(rf"<dt>{label}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert match, f"no {label!r} in the plan"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def planned_project(**extra):
    team = create_user(roles=("team",))
    ideas = [create_idea(title="Radboxen am Bahnhof Rheine"), create_idea(title="Carsharing")]
    project = make_project(
        team,
        fields=("mobilitaet", "klimaschutz-nachhaltigkeit"),
        places=("rheine", "greven"),
        ideas=ideas,
        **(full_plan() | extra),
    )
    projects.add_funding(team, project, "LEADER Steinfurter Land", Decimal("1250000"), "approved")
    projects.add_funding(team, project, "Eigenmittel Kreis", None, "applied")
    first = projects.add_milestone(team, project, "Standorte festgelegt", date(2027, 3, 31))
    projects.add_milestone(team, project, "Erste Station eröffnet", date(2027, 9, 1))
    projects.set_milestone_done(team, project, first.id, True)
    projects.publish_update(team, project, "Planung beginnt", "Wir **starten**.", date(2027, 3, 2))
    projects.publish_update(team, project, "Erste Station", "Rheine ist dran.", date(2027, 9, 3))
    db.session.commit()
    return project, team, ideas


def test_project_page_shows_the_public_plan(client):
    project, _, _ = planned_project()
    response = client.get(project_url(project))
    assert response.status_code == 200
    page = main_of(response)

    assert '<h1 id="project-title">Mobilstationen an allen Bahnhöfen</h1>' in page
    assert "Leitprojekt" in page and "Status: In Umsetzung" in page
    assert '<progress max="100" value="40"' in page and "40&nbsp;% umgesetzt" in page
    assert "Bus, Bahn, Rad und Carsharing an einem Ort." in page
    assert "<strong>Radboxen</strong>" in page  # "Was" is Markdown
    assert fact(page, "Wann") == "01.03.2027 – 31.12.2028"
    assert fact(page, "Wo") == "Bahnhofsvorplätze · Greven, Rheine"
    assert fact(page, "Wer") == "Kreis Steinfurt, Amt für Mobilität"
    assert fact(page, "Mit wem") == "Städte und Gemeinden, Regionalverkehr Münsterland"
    assert fact(page, "Handlungsfelder") == "Klimaschutz und Nachhaltigkeit, Mobilität"
    assert 'href="/fields/mobilitaet"' in page
    assert fact(page, "Personalbedarf") == "1,5 Vollzeitstellen"
    assert fact(page, "Budget") == "1.250.000,00\xa0€"
    assert SECRET_NOTE not in html_of(response)


def test_funding_and_milestones_in_german_formats(client):
    project, _, _ = planned_project()
    page = main_of(client.get(project_url(project)))

    funding = page.split('<table class="data-table funding-table">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th><td class="number">([^<]+)</td><td>([^<]+)', funding
    )
    assert rows == [
        ("LEADER Steinfurter Land", "1.250.000,00\xa0€", "Bewilligt"),
        ("Eigenmittel Kreis", "–", "Beantragt"),
    ]

    milestones = page.split('<ol class="milestones">', 1)[1].split("</ol>", 1)[0]
    items = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", item)).strip()
        for item in milestones.split("</li>")[:-1]
    ]
    assert items == [
        "✓ Erledigt: Standorte festgelegt · bis 31.03.2027",
        "○ Offen: Erste Station eröffnet · bis 01.09.2027",
    ]
    assert 'class="milestone milestone-done"' in milestones


def test_updates_newest_first_as_safe_markdown(client):
    project, team, _ = planned_project()
    projects.publish_update(
        team,
        project,
        "Bürgerabend",
        "<script>alert(1)</script> [Mehr](javascript:alert(2))",
        date(2027, 10, 1),
    )
    db.session.commit()
    page = main_of(client.get(project_url(project)))
    news = page.split('<h2 id="updates-title">Neuigkeiten</h2>', 1)[1]
    assert re.findall(r'<h3 id="update-\d+">([^<]+)</h3>', news) == [
        "Bürgerabend",
        "Erste Station",
        "Planung beginnt",
    ]
    assert "03.09.2027" in news and "02.03.2027" in news
    assert "Wir <strong>starten</strong>." in news
    assert "<script>alert" not in news and 'href="javascript' not in news


def test_source_ideas_are_linked_but_hidden_ones_left_out(client):
    project, _, (boxes, carsharing) = planned_project()
    hide_idea(create_user(roles=("moderator",)), carsharing, "Enthält Werbung")
    db.session.commit()
    page = main_of(client.get(project_url(project)))
    ideas = page.split('<h2 id="ideas-title">Aus diesen Ideen entstanden</h2>', 1)[1]
    assert f'<a href="/ideas/{boxes.id}">Radboxen am Bahnhof Rheine</a>' in ideas
    assert "Carsharing</a>" not in ideas
    assert client.get(f"/ideas/{boxes.id}").status_code == 200


def test_a_bare_project_shows_no_empty_sections(client):
    project = make_project(title="Nur ein Titel", places=("kreisweit",))
    page = main_of(client.get(project_url(project)))
    assert fact(page, "Wann") == "noch offen"
    assert fact(page, "Wo") == "Kreisweit"
    for absent in ("Finanzierung", "Meilensteine", "Aus diesen Ideen", "Budget", "Personalbedarf"):
        assert absent not in page
    assert "Noch keine Neuigkeiten" in page
    assert "0&nbsp;% umgesetzt" in page


def test_unknown_projects_are_404(client, as_user):
    assert client.get("/projects/999").status_code == 404
    assert client.get("/projects/abc").status_code == 404
    browser = as_user(create_user())
    make_project()
    response = browser.submit("/projects/999/follow", {}, form_page="/roadmap")
    assert response.status_code == 404
    assert count_rows(ProjectFollow) == 0


def test_never_shows_internal_notes_on_any_public_page(client, as_user):
    project, _, (idea, _) = planned_project()
    team_member = create_user(roles=("team",))
    urls = ["/roadmap", project_url(project), f"/ideas/{idea.id}", "/ideas", "/fields/mobilitaet"]
    for browser in (client, as_user(create_user()), as_user(team_member)):
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert SECRET_NOTE not in html_of(response), url
            assert "GEHEIM" not in html_of(response), url


@pytest.mark.parametrize(
    ("roles", "sees_edit"), [(("team",), True), (("committee",), False), ((), False)]
)
def test_only_the_team_sees_the_edit_link(as_user, roles, sees_edit):
    project = make_project()
    page = main_of(as_user(create_user(roles=roles)).get(project_url(project)))
    edit = f'href="/pipeline/projects/{project.id}/edit">Bearbeiten</a>'
    assert (edit in page) is sees_edit


def test_follow_and_unfollow(as_user):
    project = make_project()
    person = create_user()
    browser = as_user(person)
    url = project_url(project)
    assert "Projekt folgen" in main_of(browser.get(url))

    response = browser.submit(f"{url}/follow", {}, form_page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert follows(project) == [person.id]
    page = main_of(browser.get(url))
    assert "Sie folgen dem Projekt. Neuigkeiten finden Sie unter Benachrichtigungen." in page
    assert f'action="{url}/unfollow"' in page and "Nicht mehr folgen" in page

    browser.submit(f"{url}/follow", {}, form_page=url)  # a double tap changes nothing
    assert follows(project) == [person.id]

    response = browser.submit(f"{url}/unfollow", {}, form_page=url)
    assert response.status_code == 302
    assert follows(project) == []
    assert f'action="{url}/follow"' in main_of(browser.get(url))


def test_logged_out_people_are_asked_to_log_in(client):
    project = make_project()
    url = project_url(project)
    page = main_of(client.get(url))
    assert f'<a href="/login?next=/projects/{project.id}">Melden Sie sich an</a>' in page
    assert "/follow" not in page
    response = client.post(f"{url}/follow")
    assert response.status_code in (302, 400)
    assert count_rows(ProjectFollow) == 0


def test_following_without_csrf_token_is_refused(as_user):
    project = make_project()
    browser = as_user(create_user())
    response = browser.client.post(f"{project_url(project)}/follow")
    assert response.status_code == 400
    assert follows(project) == []


def test_the_stop_link_in_a_project_mail_turns_these_mails_off(as_user, browser):
    project = make_project()
    follower = create_user(email="leser@example.org")
    reader = as_user(follower)
    reader.submit(f"{project_url(project)}/follow", {}, form_page=project_url(project))
    reader.submit("/benachrichtigungen/einstellungen", {"projects": "immediate"})
    team = create_user(roles=("team",))
    projects.publish_update(team, db.session.get(Project, project.id), "Neu", "Es geht los.")
    db.session.commit()
    [mail] = outbox("leser@example.org")

    stop = stop_path(mail)
    asked = main_of(browser.get(stop))
    assert "Möchten Sie diese E-Mails abbestellen" in asked and "Neues aus Projekten" in asked
    assert channels_of(follower)["projects"] == "immediate"
    response = browser.submit(stop, {})
    assert response.status_code == 200
    assert "E-Mails abbestellt" in main_of(response)
    assert channels_of(follower)["projects"] == "inbox"

    # The next update reaches the inbox only.
    projects.publish_update(team, db.session.get(Project, project.id), "Neuer", "Weiter geht's.")
    db.session.commit()
    assert len(outbox("leser@example.org")) == 1
    assert len(notifications_of(follower)) == 2
    inbox = main_of(reader.get("/benachrichtigungen"))
    assert f"Neues aus dem Projekt „{project.title}“: Neuer" in inbox


@pytest.mark.parametrize("token", ["kaputt", "MQ.falsche-signatur", "1"])
def test_a_bad_stop_token_is_404_and_changes_nothing(client, token):
    person = create_user(email="bleibt@example.org")
    choose_channels(person, projects="immediate")
    assert client.get(f"/benachrichtigungen/abbestellen/{token}").status_code == 404
    assert client.post(f"/benachrichtigungen/abbestellen/{token}").status_code == 404
    assert channels_of(person)["projects"] == "immediate"
    assert db.session.get(User, person.id) is not None


def test_the_stop_link_of_an_old_mail_answers_gone_and_points_to_the_preferences(client):
    person = create_user(email="bleibt@example.org")
    response = client.get("/mitteilungen/abbestellen/MQ.alte-signatur")
    assert response.status_code == 410
    page = main_of(response)
    assert "Dieser Link gilt nicht mehr" in page
    assert 'href="/benachrichtigungen/einstellungen"' in page
    assert channels_of(person)["projects"] == "weekly"


def test_project_page_runs_the_same_queries_however_much_it_holds(client, as_user, count_queries):
    project, team, _ = planned_project()
    project_id, team_id = project.id, team.id
    viewers = {"anonymous": client, "resident": as_user(create_user())}
    url = f"/projects/{project_id}"

    def measure() -> dict:
        return {who: queries_for(browser, count_queries, url) for who, browser in viewers.items()}

    small = measure()
    team, project = db.session.get(User, team_id), db.session.get(Project, project_id)
    projects.take_ideas(team, project, [create_idea() for _ in range(8)])
    for n in range(8):
        projects.publish_update(team, project, f"Neuigkeit {n}", "Text", date(2027, 1, 1 + n))
        projects.add_milestone(team, project, f"Schritt {n}", date(2028, 1, 1 + n))
        projects.add_funding(team, project, f"Programm {n}", Decimal(n * 1000), "applied")
    db.session.commit()
    large = measure()
    print(f"\nSQL statements for /projects/<id>, small -> large: {small} -> {large}")
    assert small == large
    # The project, then fields, places, funding, milestones, updates, idea links and their
    # ideas; logged in also the person, their roles, whether they follow and (in the
    # header) how many notifications they have not read.
    assert large == {"anonymous": 8, "resident": 12}

    db.session.remove()
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    print(f"/projects/<id> with 10 updates: {len(response.get_data())} bytes sent")
    assert len(response.get_data()) < 30_000
