"""Rank and choose: the team takes ideas into projects or answers them, over HTTP."""

from sqlalchemy import select

from participation.accounts.models import User
from participation.extensions import db
from participation.ideas.models import Idea
from participation.notifications.models import Notification
from participation.projects.models import Project, ProjectIdea
from tests.factories import (
    add_supports,
    count_rows,
    create_idea,
    create_user,
    notifications_of,
    outbox,
)
from tests.helpers import audit, field_error, fresh, html_of, main_of

PLAN = {
    "title": "Mitfahrbänke im ganzen Kreis",
    "summary": "Bänke, an denen man mitgenommen wird.",
    "kind": "lead",
    "status": "planned",
    "progress": "0",
    "what": "Einheitliche Bänke mit Schildern.",
    "starts_on": "2027-03-01",
    "ends_on": "31.12.2027",
    "place": "Alle Ortsteile",
    "lead": "Stabsstelle Mobilität",
    "partners": "Heimatvereine",
    "staff_fte": "1,5",
    "budget": "250.000,00 €",
    "internal_notes": "Förderaufruf im Frühjahr",
}


def new_project_form(browser, ideas):
    return browser.get("/pipeline/projects/new?" + "&".join(f"idea={i.id}" for i in ideas))


def test_team_merges_ideas_from_two_towns_into_one_new_project(as_user):
    team = create_user(roles=("team",))
    rheine = create_idea(title="Mitfahrbank Rheine", municipality="rheine", supports=3)
    ibbenbueren = create_idea(title="Mitfahrbank Ibbenbüren", municipality="ibbenbueren")
    supporter = add_supports(ibbenbueren, 1)[0]
    browser = as_user(team)

    listing = browser.get("/pipeline")
    assert f'name="idea" value="{rheine.id}"' in html_of(listing)
    chosen = browser.submit(
        "/pipeline/take",
        {"idea": [str(rheine.id), str(ibbenbueren.id)], "target": "new"},
        form_page="/pipeline",
    )
    assert chosen.status_code == 302
    form = browser.get(chosen.headers["Location"])
    page = main_of(form)
    assert "Mitfahrbank Rheine" in page and "Mitfahrbank Ibbenbüren" in page
    # the places of both ideas are ticked in advance
    assert page.count("checked") >= 3

    ids = {"idea": [str(rheine.id), str(ibbenbueren.id)]}
    places = [str(rheine.municipality_id), str(ibbenbueren.municipality_id)]
    data = {**PLAN, **ids, "field_ids": [str(rheine.field_id)], "municipality_ids": places}
    created = browser.submit("/pipeline/projects/new", data, form_page=chosen.headers["Location"])
    assert created.status_code == 302, field_error(html_of(created), "title")

    project = db.session.scalar(select(Project))
    assert project.title == "Mitfahrbänke im ganzen Kreis"
    assert str(project.budget) == "250000.00" and str(project.staff_fte) == "1.50"
    assert project.ends_on.isoformat() == "2027-12-31"
    links = db.session.scalars(select(ProjectIdea.idea_id)).all()
    assert sorted(links) == sorted([rheine.id, ibbenbueren.id])
    assert fresh(rheine).state == fresh(ibbenbueren).state == "adopted"
    assert len(audit("idea.adopt")) == 2
    # Authors hear of it at once by mail; supporters find it in their inbox (daily summary).
    author = db.session.get(User, rheine.author_id)
    assert [m.subject for m in outbox(author.email)] == [
        "Eine Idee fließt in ein Projekt ein: Mitfahrbank Rheine"
    ]
    assert outbox(supporter.email) == []
    [heard] = notifications_of(supporter)
    assert (heard.event.kind, heard.reason) == ("idea.taken", "supporter")
    inbox = main_of(as_user(supporter).get("/benachrichtigungen"))
    assert (
        "die Idee „Mitfahrbank Ibbenbüren“ in das Projekt „Mitfahrbänke im ganzen Kreis“" in inbox
    )
    assert len(outbox()) == 2  # the two authors; not the team
    # two authors and four supporters, one entry each; not the team
    assert count_rows(Notification) == 6 and notifications_of(team) == []


def test_team_adds_an_idea_to_an_existing_project(as_user):
    team = create_user(roles=("team",))
    first, later = create_idea(title="Erste Idee"), create_idea(title="Spätere Idee")
    browser = as_user(team)
    data = {
        **PLAN,
        "idea": [str(first.id)],
        "field_ids": [str(first.field_id)],
        "municipality_ids": [str(first.municipality_id)],
    }
    browser.submit("/pipeline/projects/new", data, form_page="/pipeline/projects/new")
    project = db.session.scalar(select(Project))

    added = browser.submit(
        "/pipeline/take",
        {"idea": [str(later.id)], "target": "existing", "project": str(project.id)},
        form_page="/pipeline",
    )
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"/pipeline/projects/{project.id}/edit")
    assert fresh(later).state == "adopted"
    assert "Spätere Idee" in main_of(browser.get(added.headers["Location"]))


def test_plan_errors_show_next_to_the_field_and_keep_the_input(as_user):
    team = create_user(roles=("team",))
    browser = as_user(team)
    data = {
        **PLAN,
        "title": "",
        "budget": "viel",
        "progress": "140",
        "ends_on": "2020-01-01",
        "field_ids": [],
        "municipality_ids": [],
    }
    response = browser.submit("/pipeline/projects/new", data, form_page="/pipeline/projects/new")
    html = html_of(response)
    assert response.status_code == 200
    assert field_error(html, "title") == "Bitte geben Sie dem Projekt einen Titel."
    assert "zum Beispiel 250.000,00" in field_error(html, "budget")
    assert field_error(html, "progress") == "Der Fortschritt liegt zwischen 0 und 100 Prozent."
    assert 'value="viel"' in html and "Stabsstelle Mobilität" in html
    assert db.session.scalar(select(Project)) is None


def test_team_declines_with_a_public_reason(as_user):
    team = create_user(roles=("team",))
    idea = create_idea(title="Seilbahn über die Ems", supports=2)
    browser = as_user(team)

    empty = browser.submit(f"/pipeline/ideas/{idea.id}/decline", {"answer": " "})
    assert "Bitte begründen Sie öffentlich" in field_error(html_of(empty), "answer")
    assert fresh(idea).state == "published"

    done = browser.submit(
        f"/pipeline/ideas/{idea.id}/decline", {"answer": "Zu teuer für den Nutzen."}
    )
    assert done.status_code == 302
    assert fresh(idea).state == "declined" and fresh(idea).team_answer == "Zu teuer für den Nutzen."
    [entry] = audit("idea.decline")
    assert entry.reason == "Zu teuer für den Nutzen."
    [mail] = outbox()
    assert mail.recipient == db.session.get(User, idea.author_id).email
    assert "Zu teuer für den Nutzen." in mail.body
    entries = db.session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [n.reason for n in entries] == ["author", "supporter", "supporter"]
    supporter = db.session.get(User, entries[1].user_id)
    inbox = main_of(as_user(supporter).get("/benachrichtigungen"))
    assert "Das Projektteam wird die Idee „Seilbahn über die Ems“ nicht weiterverfolgen." in inbox
    assert "Zu teuer für den Nutzen." in inbox


def test_committee_rates_but_cannot_take_decline_or_plan(as_user):
    member = create_user(roles=("committee",))
    idea = create_idea()
    browser = as_user(member)
    assert 'name="idea"' not in html_of(browser.get("/pipeline"))
    assert browser.get(f"/pipeline/ideas/{idea.id}/decline").status_code == 403
    assert browser.get("/pipeline/projects/new").status_code == 403
    taken = browser.submit(
        "/pipeline/take", {"idea": [str(idea.id)], "target": "new"}, form_page="/pipeline"
    )
    assert taken.status_code == 403
    assert fresh(idea).state == "published"
    assert db.session.scalar(select(Idea.state).where(Idea.id == idea.id)) == "published"


def test_answered_ideas_stay_in_the_public_list_with_their_state(client):
    shown = {
        state: create_idea(title=f"Idee im Stand {state}", state=state)
        for state in ("published", "adopted", "declined", "pending", "hidden", "rejected")
    }
    everything = html_of(client.get("/ideas"))
    for state in ("published", "adopted", "declined"):
        assert f"Idee im Stand {state}" in everything
    for state in ("pending", "hidden", "rejected"):
        assert f"Idee im Stand {state}" not in everything
    assert "Nicht weiterverfolgt</span>" in everything

    only_adopted = html_of(client.get("/ideas?state=adopted"))
    assert "Idee im Stand adopted" in only_adopted
    assert "Idee im Stand published" not in only_adopted
    assert db.session.get(Idea, shown["adopted"].id).listed is True
