"""`flask demo` plans projects from the best ideas, so the roadmap is alive after `make run`."""

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from participation.extensions import db
from participation.ideas.models import Idea, IdeaState
from participation.projects.models import Project, ProjectIdea
from participation.timeutil import utcnow
from tests.conftest import empty_tables
from tests.factories import count_rows, find_user, outbox
from tests.helpers import audit, e, html_of, main_of

TEAM = "projektteam@demo.example.org"


def run_demo(runner, *args: str) -> str:
    result = runner.invoke(args=["demo", "--users", "60", *args])
    assert result.exit_code == 0, result.output
    return result.output


def all_projects() -> list[Project]:
    db.session.expire_all()
    query = (
        select(Project)
        .order_by(Project.id)
        .options(
            selectinload(Project.fields),
            selectinload(Project.municipalities),
            selectinload(Project.funding),
            selectinload(Project.milestones),
            selectinload(Project.updates),
            selectinload(Project.idea_links).selectinload(ProjectIdea.idea),
        )
    )
    return list(db.session.scalars(query))


def ideas_in(state: str) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.state == state).order_by(Idea.id)))


@pytest.fixture
def demo(runner) -> str:
    return run_demo(runner, "--ideas", "250")


def test_demo_plans_lead_and_potential_projects_from_ideas(demo):
    assert "Projekte planen" in demo, "with a progress bar"
    projects = all_projects()
    assert f"{len(projects)} Projekte (" in demo
    assert 6 <= len(projects) <= 60
    kinds = Counter(p.kind for p in projects)
    assert set(kinds) == {"lead", "potential"}
    assert len(projects) / 4 <= kinds["lead"] <= len(projects) / 2, "about a third lead"
    assert len({p.title for p in projects}) == len(projects)
    team = find_user(TEAM)
    for project in projects:
        assert project.created_by_id == team.id
        assert project.summary and project.what and project.place
        assert project.lead and project.partners
        assert project.fields and project.municipalities
        idea_fields = {link.idea.field_id for link in project.idea_links}
        assert idea_fields <= {f.id for f in project.fields}

    merged = [p for p in projects if len({i.idea.municipality_id for i in p.idea_links}) >= 2]
    assert merged, "some projects merge ideas from several towns"
    for project in merged:
        towns = {link.idea.municipality_id for link in project.idea_links}
        places = {m.id for m in project.municipalities}
        assert places == towns or [m.is_district_wide for m in project.municipalities] == [True]
    assert any(m.is_district_wide for p in merged for m in p.municipalities), "kreisweit"
    assert any(len(p.municipalities) >= 2 for p in merged), "several towns"


def test_the_best_supported_ideas_flow_into_projects(demo):
    adopted = ideas_in(IdeaState.ADOPTED)
    links = db.session.execute(select(ProjectIdea.idea_id, ProjectIdea.added_at)).all()
    assert adopted
    assert sorted(idea_id for idea_id, _ in links) == [idea.id for idea in adopted]
    for idea in adopted:
        [added_at] = [at for idea_id, at in links if idea_id == idea.id]
        assert idea.published_at <= added_at == idea.state_changed_at
        assert idea.team_answer is None

    def mean_support(ideas):
        return sum(i.support_count for i in ideas) / len(ideas)

    still_open = ideas_in(IdeaState.PUBLISHED)
    assert mean_support(adopted) > 2 * mean_support(still_open)

    team = find_user(TEAM)
    entries = audit("idea.adopt")
    assert sorted(entry.object_id for entry in entries) == [idea.id for idea in adopted]
    assert {(e.actor_id, e.before, e.after) for e in entries} == {(team.id, "published", "adopted")}
    assert len(audit("project.take_idea")) == len(adopted)
    assert len(audit("project.create")) == count_rows(Project)


def test_project_plans_match_their_status(demo):
    today = utcnow().date()
    projects = all_projects()
    statuses = Counter(p.status for p in projects)
    assert {"planned", "active", "completed", "paused"} <= set(statuses)
    assert statuses["stopped"] == 1
    for project in projects:
        assert project.starts_on <= project.ends_on
        assert today.year - 2 <= project.starts_on.year and project.ends_on.year <= today.year + 2
        assert isinstance(project.budget, Decimal) and project.budget > 0
        assert isinstance(project.staff_fte, Decimal) and project.staff_fte > 0
        assert project.funding
        money = sum(f.amount for f in project.funding if f.status != "declined")
        if project.status == "stopped":
            assert "declined" in {f.status for f in project.funding}, "why it stopped"
        else:
            assert money == project.budget
        assert 2 <= len(project.milestones) <= 5
        assert 0 <= len(project.updates) <= 3
        assert all(u.published_on <= today and u.title and u.body for u in project.updates)
        if project.status == "completed":
            assert project.progress == 100 and project.ends_on < today
            assert all(m.done for m in project.milestones)
            assert {f.status for f in project.funding} == {"approved"}
        elif project.status == "planned":
            assert project.progress <= 10 and project.starts_on > today
            assert not any(m.done for m in project.milestones)
        else:
            assert 0 < project.progress < 100 and project.starts_on < today
        if project.status in ("active", "paused"):
            assert all(m.done == (m.due_on <= today) for m in project.milestones)
    kinds_of_money = {f.programme for p in projects for f in p.funding}
    assert {"Haushalt Kreis Steinfurt", "Smart Cities – Made in Germany"} <= kinds_of_money


def test_demo_answers_some_ideas_without_sending_mail(runner, demo):
    declined = ideas_in(IdeaState.DECLINED)
    assert len(declined) >= 2
    assert f"{len(declined)} nicht weiterverfolgt" in demo
    for idea in declined:
        assert idea.team_answer and idea.state_reason == idea.team_answer
    entries = audit("idea.decline")
    assert sorted(entry.object_id for entry in entries) == [idea.id for idea in declined]
    assert all(entry.reason for entry in entries)
    assert ideas_in(IdeaState.PUBLISHED), "most ideas stay open"

    assert outbox() == [], "no mails for demo decisions"
    check = runner.invoke(args=["recount", "--check"])
    assert "0 Abweichungen gefunden." in check.output


def snapshot() -> list[tuple]:
    """A demo's projects, independent of row ids."""
    return [
        (
            p.title,
            p.status,
            p.progress,
            p.budget,
            sorted(link.idea.title for link in p.idea_links),
            [(f.programme, f.amount) for f in p.funding],
        )
        for p in all_projects()
    ]


def test_demo_projects_are_reproducible_and_planned_once(runner):
    run_demo(runner, "--ideas", "60", "--seed", "11")
    first = snapshot()
    empty_tables()
    run_demo(runner, "--ideas", "60", "--seed", "11")
    assert snapshot() == first

    again = run_demo(runner, "--ideas", "10", "--seed", "12")
    assert "\n0 Projekte (0 Leitprojekte), 0 Ideen" in again
    assert snapshot() == first, "a second run adds ideas, not more projects"
    skipped = runner.invoke(args=["demo", "--ideas", "10", "--if-empty"])
    assert "Es gibt schon Ideen" in skipped.output
    assert count_rows(Project) == len(first)


def test_a_tiny_demo_still_has_a_roadmap(runner):
    run_demo(runner, "--ideas", "5")
    projects = all_projects()
    assert len(projects) == 6
    without_ideas = [p for p in projects if not p.idea_links]
    assert without_ideas
    for project in without_ideas:
        assert [m.is_district_wide for m in project.municipalities] == [True]
    assert outbox() == []


def test_demo_projects_show_on_the_roadmap(client, demo):
    projects = all_projects()
    roadmap = client.get("/roadmap")
    assert roadmap.status_code == 200
    page = main_of(roadmap)
    assert all(e(p.title) in page for p in projects)

    merged = max(projects, key=lambda p: len(p.idea_links))
    detail = client.get(f"/projects/{merged.id}")
    assert detail.status_code == 200
    page = html_of(detail)
    assert e(merged.title) in page
    assert all(e(db.session.get(Idea, link.idea_id).title) in page for link in merged.idea_links)
    assert not any(p.internal_notes and e(p.internal_notes) in page for p in projects)
