"""The project team plans a project over HTTP: the plan, funding, milestones, and the
links to the ideas it came from when those ideas are hidden or their authors leave."""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Idea
from participation.moderation import decisions
from participation.projects import services as projects
from participation.projects.models import FundingSource, Milestone, Project, ProjectIdea
from participation.rating.services import PipelineError
from participation.strategy.models import FieldOfAction
from participation.timeutil import utcnow
from tests.factories import count_rows, create_idea, create_user, get_municipality
from tests.helpers import audit, field_error, fresh, html_of, main_of

NOTE = "INTERN: Kämmerei will erst 2028 zahlen"


def field_id(slug: str) -> int:
    return db.session.scalar(select(FieldOfAction.id).where(FieldOfAction.slug == slug))


def place_id(slug: str) -> int:
    return get_municipality(slug).id


def new_project(team=None, *, title="Mobilstationen an Bahnhöfen", ideas=(), **plan) -> Project:
    """A project as the team creates it through the service, committed."""
    team = team or create_user(roles=("team",))
    plan.setdefault("field_ids", [field_id("mobilitaet")])
    plan.setdefault("municipality_ids", [place_id("rheine")])
    plan.setdefault("internal_notes", NOTE)
    project = projects.create_project(team, projects.ProjectPlan(title=title, **plan), list(ideas))
    db.session.commit()
    return project


def edit_url(project) -> str:
    return f"/pipeline/projects/{project.id}/edit"


def checked_values(html: str, name: str) -> list[int]:
    """The values of the ticked checkboxes called `name`."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', html)
    return sorted(
        int(re.search(r'value="(\d+)"', tag).group(1)) for tag in inputs if " checked" in tag
    )


def plan_data(**changes) -> dict:
    data = {
        "title": "Mobilstationen im ganzen Kreis",
        "summary": "Bus, Bahn, Rad und Carsharing an einem Ort.",
        "kind": "lead",
        "status": "active",
        "progress": "40",
        "what": "Zwölf Mobilstationen mit Radboxen.",
        "starts_on": "2027-03-01",
        "ends_on": "31.12.2028",
        "place": "Bahnhofsvorplätze",
        "lead": "Amt für Mobilität",
        "partners": "Regionalverkehr Münsterland",
        "staff_fte": "1,5",
        "budget": "1.250.000,00 €",
        "internal_notes": "Förderaufruf im Frühjahr abwarten",
        "field_ids": [str(field_id("mobilitaet")), str(field_id("klimaschutz-nachhaltigkeit"))],
        "municipality_ids": [str(place_id("kreisweit")), str(place_id("rheine"))],
    }
    data.update(changes)
    return data


# The plan -------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["2027-03-01", "01.03.2027"])
def test_team_saves_every_field_of_the_plan(as_user, start):
    team = create_user(roles=("team",))
    project = new_project(team, title="Mobilstationen")
    browser = as_user(team)
    form = browser.get(edit_url(project))
    assert form.status_code == 200
    assert checked_values(html_of(form), "municipality_ids") == [place_id("rheine")]

    saved = browser.submit(edit_url(project), plan_data(starts_on=start))
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(edit_url(project))

    project = fresh(project)
    assert project.title == "Mobilstationen im ganzen Kreis"
    assert project.summary == "Bus, Bahn, Rad und Carsharing an einem Ort."
    assert (project.kind, project.status, project.progress) == ("lead", "active", 40)
    assert project.what == "Zwölf Mobilstationen mit Radboxen."
    assert project.starts_on == date(2027, 3, 1)
    assert project.ends_on == date(2028, 12, 31)
    assert (project.place, project.lead) == ("Bahnhofsvorplätze", "Amt für Mobilität")
    assert project.partners == "Regionalverkehr Münsterland"
    assert project.staff_fte == Decimal("1.50")
    assert project.budget == Decimal("1250000.00")
    assert project.internal_notes == "Förderaufruf im Frühjahr abwarten"
    loaded = projects.load_project(project.id)
    assert sorted(f.slug for f in loaded.fields) == ["klimaschutz-nachhaltigkeit", "mobilitaet"]
    assert sorted(m.slug for m in loaded.municipalities) == ["kreisweit", "rheine"]

    page = browser.get(saved.headers["Location"])
    html = html_of(page)
    assert "Der Plan ist gespeichert." in html
    assert 'value="1.250.000,00"' in html and 'value="1,50"' in html
    assert 'value="2027-03-01"' in html and 'value="2028-12-31"' in html
    assert checked_values(html, "municipality_ids") == sorted(
        [place_id("kreisweit"), place_id("rheine")]
    )
    assert checked_values(html, "field_ids") == sorted(
        [field_id("mobilitaet"), field_id("klimaschutz-nachhaltigkeit")]
    )
    assert "Förderaufruf im Frühjahr abwarten" in main_of(page)


def test_status_and_progress_changes_are_logged(as_user):
    team = create_user(roles=("team",))
    project = new_project(team, title="Mobilstationen")
    browser = as_user(team)
    browser.submit(edit_url(project), plan_data(status="active", progress="40"))
    browser.submit(edit_url(project), plan_data(status="completed", progress="100"))

    entries = audit("project.plan")
    assert [(entry.actor_id, entry.object_type, entry.object_id) for entry in entries] == [
        (team.id, "projects", project.id)
    ] * 2
    first, second = (
        {"before": json.loads(e.before), "after": json.loads(e.after)} for e in entries
    )
    assert first["before"] == {"progress": 0, "status": "planned", "title": "Mobilstationen"}
    assert first["after"] == {
        "progress": 40,
        "status": "active",
        "title": "Mobilstationen im ganzen Kreis",
    }
    assert (second["before"]["status"], second["after"]["status"]) == ("active", "completed")
    assert second["after"]["progress"] == 100
    assert fresh(project).status == "completed"


BAD_PLANS = {
    "impossible date": (
        {"starts_on": "31.02.2027"},
        "starts_on",
        "Bitte geben Sie ein Datum an, zum Beispiel 01.03.2027.",
        'value="31.02.2027"',
    ),
    "negative budget": (
        {"budget": "-5.000,00"},
        "budget",
        "Bitte geben Sie keinen negativen Wert an.",
        'value="-5.000,00"',
    ),
    "negative staff": (
        {"staff_fte": "-1"},
        "staff_fte",
        "Bitte geben Sie keinen negativen Wert an.",
        'value="-1"',
    ),
    "end before start": (
        {"starts_on": "01.03.2027", "ends_on": "2027-02-28"},
        "ends_on",
        "Das Ende darf nicht vor dem Beginn liegen.",
        'value="2027-02-28"',
    ),
    "no field": (
        {"field_ids": []},
        "field_ids",
        "Bitte wählen Sie mindestens ein Handlungsfeld.",
        'value="Amt für Mobilität"',
    ),
    "no place": (
        {"municipality_ids": []},
        "municipality_ids",
        "Bitte wählen Sie mindestens eine Kommune oder „Kreisweit“.",
        'value="Amt für Mobilität"',
    ),
    "unknown place": (
        {"municipality_ids": [str(10_000), "1"]},
        "municipality_ids",
        "Bitte wählen Sie Kommunen aus der Liste.",
        'value="Amt für Mobilität"',
    ),
    "unknown field": (
        {"field_ids": ["abc"]},
        "field_ids",
        "Bitte wählen Sie Handlungsfelder aus der Liste.",
        'value="Amt für Mobilität"',
    ),
}


@pytest.mark.parametrize("case", BAD_PLANS)
def test_plan_errors_show_by_the_field_keep_the_input_and_save_nothing(as_user, case):
    changes, name, message, kept = BAD_PLANS[case]
    team = create_user(roles=("team",))
    project = new_project(team, title="Mobilstationen")
    browser = as_user(team)

    response = browser.submit(edit_url(project), plan_data(**changes), form_page=edit_url(project))
    html = html_of(response)
    assert response.status_code in (200, 422)
    assert message in (field_error(html, name) or ""), field_error(html, name)
    assert kept in html
    assert 'value="Mobilstationen im ganzen Kreis"' in html  # the typed title, not the saved one

    project = fresh(project)
    assert (project.title, project.status, project.progress) == ("Mobilstationen", "planned", 0)
    assert project.budget is None and project.starts_on is None
    assert [m.slug for m in projects.load_project(project.id).municipalities] == ["rheine"]
    assert audit("project.plan") == []


def test_the_service_refuses_unknown_places_without_touching_the_project():
    team = create_user(roles=("team",))
    project = new_project(team, title="Mobilstationen")
    plan = projects.ProjectPlan(
        title="Ganz anders",
        status="active",
        field_ids=[field_id("mobilitaet")],
        municipality_ids=[place_id("rheine"), 10_000],
    )
    with pytest.raises(PipelineError) as refused:
        projects.update_plan(team, project, plan)
    assert refused.value.field == "municipality_ids"
    assert (project.title, project.status) == ("Mobilstationen", "planned")
    with pytest.raises(PipelineError):
        projects.update_plan(create_user(roles=("committee",)), project, plan)
    db.session.rollback()


def test_a_new_project_needs_a_field_and_a_place(as_user):
    browser = as_user(create_user(roles=("team",)))
    data = plan_data(field_ids=[], municipality_ids=[str(place_id("kreisweit"))])
    response = browser.submit("/pipeline/projects/new", data)
    assert field_error(html_of(response), "field_ids") == (
        "Bitte wählen Sie mindestens ein Handlungsfeld."
    )
    assert count_rows(Project) == 0


# Funding --------------------------------------------------------------------------------


def funding_url(project) -> str:
    return f"/pipeline/projects/{project.id}/funding"


def funding_data(
    programme="Smart Cities – Made in Germany", amount="1.250.000,00 €", status="approved"
):
    return {"funding-programme": programme, "funding-amount": amount, "funding-status": status}


def test_team_adds_lists_and_removes_funding(as_user):
    team = create_user(roles=("team",))
    project = new_project(team)
    browser = as_user(team)

    added = browser.submit(funding_url(project), funding_data(), form_page=edit_url(project))
    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"{edit_url(project)}#funding")
    assert "Die Finanzierungsquelle ist eingetragen." in html_of(
        browser.get(added.headers["Location"])
    )
    [source] = db.session.scalars(select(FundingSource)).all()
    assert (source.project_id, source.programme) == (project.id, "Smart Cities – Made in Germany")
    assert (source.amount, source.status) == (Decimal("1250000.00"), "approved")
    browser.submit(
        funding_url(project),
        funding_data(programme="Haushaltsmittel", amount="", status="applied"),
        form_page=edit_url(project),
    )

    page = main_of(browser.get(edit_url(project)))
    listed = re.sub(r"\s+", " ", page.replace("\xa0", " "))
    assert "Smart Cities – Made in Germany: 1.250.000,00 € (Bewilligt)" in listed
    assert "Haushaltsmittel: Betrag offen (Beantragt)" in listed
    public = html_of(browser.get(f"/projects/{project.id}")).replace("\xa0", " ")
    assert "1.250.000,00 €" in public

    removed = browser.submit(
        f"{funding_url(project)}/{source.id}/delete", {}, form_page=edit_url(project)
    )
    assert removed.status_code == 302
    assert [s.programme for s in db.session.scalars(select(FundingSource))] == ["Haushaltsmittel"]
    assert "Smart Cities – Made in Germany:" not in main_of(browser.get(edit_url(project)))
    assert [e.action for e in audit() if e.action.startswith("project.funding")] == [
        "project.funding",
        "project.funding",
        "project.funding_removed",
    ]


FUNDING_ERRORS = {
    "no programme": (
        {"funding-programme": ""},
        "funding-programme",
        "Bitte nennen Sie das Programm",
    ),
    "word for amount": ({"funding-amount": "viel"}, "funding-amount", "zum Beispiel 80.000,00"),
    "negative amount": (
        {"funding-amount": "-80.000,00"},
        "funding-amount",
        "Bitte geben Sie keinen negativen Betrag an.",
    ),
    "unknown status": (
        {"funding-status": "maybe"},
        "funding-status",
        "Bitte wählen Sie einen Stand aus der Liste.",
    ),
}


@pytest.mark.parametrize("case", FUNDING_ERRORS)
def test_funding_errors_keep_the_input_and_answer_422(as_user, case):
    changes, name, message = FUNDING_ERRORS[case]
    team = create_user(roles=("team",))
    project = new_project(team)
    browser = as_user(team)
    data = {**funding_data(programme="Leader-Region Steinfurter Land"), **changes}

    response = browser.submit(funding_url(project), data, form_page=edit_url(project))
    html = html_of(response)
    assert response.status_code == 422
    assert field_error(html, name) is not None and message in field_error(html, name)
    typed = changes.get("funding-amount") or changes.get("funding-programme")
    if typed:
        assert f'value="{typed}"' in html
    assert "Bitte prüfen Sie Ihre Eingaben" in html
    assert count_rows(FundingSource) == 0
    # the plan form above is still filled in with the saved plan
    assert 'value="Mobilstationen an Bahnhöfen"' in html


def test_funding_of_another_project_cannot_be_removed_through_this_one(as_user):
    team = create_user(roles=("team",))
    mine, other = new_project(team, title="Meins"), new_project(team, title="Anderes")
    source = projects.add_funding(team, other, "Landesmittel", Decimal("5000"), "approved")
    db.session.commit()
    browser = as_user(team)

    response = browser.submit(
        f"{funding_url(mine)}/{source.id}/delete", {}, form_page=edit_url(mine)
    )
    assert response.status_code == 404
    assert db.session.get(FundingSource, source.id) is not None
    assert audit("project.funding_removed") == []
    assert "Landesmittel" in main_of(browser.get(edit_url(other)))


# Milestones -----------------------------------------------------------------------------


def milestone_url(project, milestone=None) -> str:
    base = f"/pipeline/projects/{project.id}/milestones"
    return base if milestone is None else f"{base}/{milestone.id}"


def milestone_row(html: str, title: str) -> str:
    rows = re.findall(r'<li class="item-row">(.*?)</li>', html, re.S)
    [row] = [row for row in rows if title in row]
    return row


def test_team_adds_completes_reopens_and_removes_a_milestone(as_user):
    team = create_user(roles=("team",))
    project = new_project(team)
    browser = as_user(team)

    added = browser.submit(
        milestone_url(project),
        {"milestone-title": "Ausschreibung veröffentlicht", "milestone-due_on": "01.06.2027"},
        form_page=edit_url(project),
    )
    assert added.status_code == 302
    assert added.headers["Location"].endswith("#milestone")
    [milestone] = db.session.scalars(select(Milestone)).all()
    assert (milestone.title, milestone.due_on, milestone.done) == (
        "Ausschreibung veröffentlicht",
        date(2027, 6, 1),
        False,
    )
    row = milestone_row(html_of(browser.get(edit_url(project))), "Ausschreibung")
    assert "01.06.2027" in row and 'value="done"' in row and "Erledigt:" not in row

    done = browser.submit(milestone_url(project, milestone), {"action": "done"}, edit_url(project))
    assert done.status_code == 302 and fresh(milestone).done is True
    row = milestone_row(html_of(browser.get(edit_url(project))), "Ausschreibung")
    assert "Erledigt:" in row and 'value="open"' in row
    public = main_of(browser.get(f"/projects/{project.id}"))
    assert "milestone-done" in public and "Ausschreibung veröffentlicht" in public

    browser.submit(milestone_url(project, milestone), {"action": "open"}, edit_url(project))
    assert fresh(milestone).done is False

    removed = browser.submit(
        milestone_url(project, milestone), {"action": "remove"}, edit_url(project)
    )
    assert removed.status_code == 302
    assert count_rows(Milestone) == 0
    assert "Noch keine Meilensteine." in main_of(browser.get(edit_url(project)))
    assert [e.action for e in audit() if "milestone" in e.action] == [
        "project.milestone",
        "project.milestone_done",
        "project.milestone_open",
        "project.milestone_removed",
    ]


def test_milestone_errors_keep_the_input(as_user):
    team = create_user(roles=("team",))
    project = new_project(team)
    browser = as_user(team)
    response = browser.submit(
        milestone_url(project),
        {"milestone-title": "", "milestone-due_on": "31.02.2027"},
        form_page=edit_url(project),
    )
    html = html_of(response)
    assert response.status_code == 422
    assert field_error(html, "milestone-title") == "Bitte geben Sie dem Meilenstein einen Titel."
    assert field_error(html, "milestone-due_on") == (
        "Bitte geben Sie ein Datum an, zum Beispiel 01.03.2027."
    )
    assert 'value="31.02.2027"' in html
    assert count_rows(Milestone) == 0


@pytest.mark.parametrize("action", ["done", "open", "remove"])
def test_a_milestone_of_another_project_is_not_found(as_user, action):
    team = create_user(roles=("team",))
    mine, other = new_project(team, title="Meins"), new_project(team, title="Anderes")
    milestone = projects.add_milestone(team, other, "Spatenstich", date(2027, 5, 1))
    projects.set_milestone_done(team, other, milestone.id, action == "open")
    db.session.commit()
    browser = as_user(team)

    response = browser.submit(
        f"{milestone_url(mine)}/{milestone.id}", {"action": action}, form_page=edit_url(mine)
    )
    assert response.status_code == 404
    kept = fresh(milestone)
    assert kept is not None and kept.project_id == other.id
    assert kept.done is (action == "open")
    assert not [e for e in audit() if e.object_id == mine.id and "milestone" in e.action]


# Ideas that change after they were taken ------------------------------------------------


def links() -> list[tuple[int, int]]:
    db.session.expire_all()
    return [
        tuple(row)
        for row in db.session.execute(select(ProjectIdea.project_id, ProjectIdea.idea_id))
    ]


def source_titles(html: str) -> list[str]:
    section = html.split('id="ideas-title"', 1)
    if len(section) == 1:
        return []
    return re.findall(r'<li><a href="/ideas/\d+">([^<]+)</a>', section[1])


def test_a_hidden_adopted_idea_keeps_its_link_and_returns_adopted(browser):
    team = create_user(roles=("team",))
    moderator = create_user(roles=("moderator",))
    idea = create_idea(title="Mitfahrbank am Markt")
    project = new_project(team, ideas=[idea])
    assert fresh(idea).state == "adopted"

    decisions.hide_idea(moderator, fresh(idea), "Persönliche Daten im Text")
    db.session.commit()
    assert fresh(idea).state == "hidden"
    assert links() == [(project.id, idea.id)]
    assert "Mitfahrbank am Markt" not in source_titles(
        html_of(browser.get(f"/projects/{project.id}"))
    )

    decisions.restore_idea(moderator, fresh(idea))
    db.session.commit()
    assert fresh(idea).state == "adopted"
    assert links() == [(project.id, idea.id)]
    assert [e.after for e in audit() if e.object_type == "ideas"][-1] == "adopted"
    assert source_titles(html_of(browser.get(f"/projects/{project.id}"))) == [
        "Mitfahrbank am Markt"
    ]


def test_a_hidden_declined_idea_returns_declined(as_user):
    team = create_user(roles=("team",))
    moderator = create_user(roles=("moderator",))
    idea = create_idea(title="Seilbahn über die Ems")
    projects.decline_idea(team, idea, "Zu teuer für den Nutzen.")
    db.session.commit()

    decisions.hide_idea(moderator, fresh(idea), "Beleidigender Kommentar im Text")
    db.session.commit()
    decisions.restore_idea(moderator, fresh(idea))
    db.session.commit()
    restored = fresh(idea)
    assert (restored.state, restored.team_answer) == ("declined", "Zu teuer für den Nutzen.")
    assert "Zu teuer für den Nutzen." in main_of(as_user(create_user()).get(f"/ideas/{idea.id}"))


def test_an_idea_whose_author_left_stays_in_the_project(browser):
    author = create_user(display_name="Erika Muster")
    idea = create_idea(author, title="Bücherschrank im Bahnhof")
    project = new_project(ideas=[idea])
    # what leaving does to an account: marked deleted, name and address gone
    author.deleted_at = utcnow()
    author.display_name = "Gelöschtes Konto"
    author.email = f"geloescht-{author.id}@invalid.example"
    db.session.commit()

    assert links() == [(project.id, idea.id)]
    assert db.session.get(Idea, idea.id).state == "adopted"
    page = html_of(browser.get(f"/projects/{project.id}"))
    assert source_titles(page) == ["Bücherschrank im Bahnhof"]
    assert "Erika Muster" not in page
