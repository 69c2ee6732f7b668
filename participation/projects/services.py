"""Projects: taking ideas in, answering ideas, planning, and reporting progress."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from .. import audit, events
from ..extensions import db
from ..ideas import services as ideas
from ..ideas.models import Idea, IdeaState
from ..rating.services import PipelineError
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from .models import (
    FundingSource,
    FundingStatus,
    Milestone,
    Project,
    ProjectFollow,
    ProjectIdea,
    ProjectKind,
    ProjectStatus,
    ProjectUpdate,
)
from .permissions import can_plan_projects

PLAN_FIELDS = [
    "title",
    "summary",
    "kind",
    "status",
    "progress",
    "what",
    "starts_on",
    "ends_on",
    "place",
    "lead",
    "partners",
    "staff_fte",
    "budget",
    "internal_notes",
]


@dataclass
class ProjectPlan:
    title: str
    summary: str = ""
    kind: str = ProjectKind.POTENTIAL
    status: str = ProjectStatus.PLANNED
    progress: int = 0
    what: str = ""
    starts_on: date | None = None
    ends_on: date | None = None
    place: str = ""
    lead: str = ""
    partners: str = ""
    staff_fte: Decimal | None = None
    budget: Decimal | None = None
    internal_notes: str = ""
    field_ids: list[int] = field(default_factory=list)
    municipality_ids: list[int] = field(default_factory=list)


def _require_team(actor) -> None:
    if not can_plan_projects(actor):
        raise PipelineError("Nur das Projektteam plant Projekte und beantwortet Ideen.")


def check_plan(plan: ProjectPlan) -> None:
    """The rules a form cannot see; each error names its field."""
    if not plan.title.strip():
        raise PipelineError("Bitte geben Sie einen Titel an.", "title")
    if plan.kind not in set(ProjectKind):
        raise PipelineError("Bitte wählen Sie Leitprojekt oder Potenzialprojekt.", "kind")
    if plan.status not in set(ProjectStatus):
        raise PipelineError("Bitte wählen Sie einen Status aus der Liste.", "status")
    if not 0 <= plan.progress <= 100:
        raise PipelineError("Der Fortschritt liegt zwischen 0 und 100 Prozent.", "progress")
    if plan.starts_on and plan.ends_on and plan.ends_on < plan.starts_on:
        raise PipelineError("Das Ende darf nicht vor dem Beginn liegen.", "ends_on")
    for name in ("staff_fte", "budget"):
        if (getattr(plan, name) or 0) < 0:
            raise PipelineError("Bitte geben Sie keinen negativen Wert an.", name)
    if not plan.field_ids:
        raise PipelineError("Bitte wählen Sie mindestens ein Handlungsfeld.", "field_ids")
    if not plan.municipality_ids:
        raise PipelineError(
            "Bitte wählen Sie mindestens eine Kommune oder „Kreisweit“.", "municipality_ids"
        )


def _apply_plan(project: Project, plan: ProjectPlan) -> None:
    """Check the chosen fields and places first: a refused plan changes nothing."""
    fields = db.session.scalars(
        select(FieldOfAction).where(FieldOfAction.id.in_(plan.field_ids))
    ).all()
    places = db.session.scalars(
        select(Municipality).where(Municipality.id.in_(plan.municipality_ids))
    ).all()
    if len(fields) != len(set(plan.field_ids)):
        raise PipelineError("Bitte wählen Sie Handlungsfelder aus der Liste.", "field_ids")
    if len(places) != len(set(plan.municipality_ids)):
        raise PipelineError("Bitte wählen Sie Kommunen aus der Liste.", "municipality_ids")
    for name in PLAN_FIELDS:
        value = getattr(plan, name)
        setattr(project, name, value.strip() if isinstance(value, str) else value)
    project.fields, project.municipalities = list(fields), list(places)
    project.updated_at = utcnow()


def with_whole_plan():
    """Loader options for a project with everything its plan holds, its ideas' towns too."""
    return (
        selectinload(Project.fields),
        selectinload(Project.municipalities),
        selectinload(Project.funding),
        selectinload(Project.milestones),
        selectinload(Project.updates),
        selectinload(Project.idea_links)
        .selectinload(ProjectIdea.idea)
        .joinedload(Idea.municipality),
    )


def load_project(project_id: int) -> Project | None:
    query = select(Project).where(Project.id == project_id).options(*with_whole_plan())
    return db.session.scalar(query)


def create_project(actor, plan: ProjectPlan, source_ideas: list[Idea] = ()) -> Project:
    _require_team(actor)
    check_plan(plan)
    project = Project(created_by_id=actor.id)
    _apply_plan(project, plan)
    project.idea_links = []
    db.session.add(project)
    db.session.flush()
    audit.record(actor, "project.create", project, after={"title": project.title})
    take_ideas(actor, project, source_ideas)
    current_app.logger.info("Projekt %s angelegt von %s", project.id, actor.id)
    return project


def update_plan(actor, project: Project, plan: ProjectPlan) -> Project:
    _require_team(actor)
    check_plan(plan)
    before = {"status": project.status, "progress": project.progress, "title": project.title}
    _apply_plan(project, plan)
    after = {"status": project.status, "progress": project.progress, "title": project.title}
    audit.record(actor, "project.plan", project, before=before, after=after)
    db.session.flush()
    return project


def take_ideas(actor, project: Project, source_ideas) -> list[Idea]:
    """Link ideas to a project; each newly taken idea changes state (logged) and its
    author, supporters and followers hear of it. Returns the ideas that were new."""
    _require_team(actor)
    linked = set(
        db.session.scalars(select(ProjectIdea.idea_id).where(ProjectIdea.project_id == project.id))
    )
    taken = []
    for idea in source_ideas:
        if not idea.is_public:  # published, in another project, or reconsidered
            raise PipelineError(
                f"„{idea.title}“ ist nicht veröffentlicht und kann nicht in ein Projekt einfließen."
            )
        if idea.id in linked:
            continue
        db.session.add(ProjectIdea(project_id=project.id, idea_id=idea.id, added_by_id=actor.id))
        if idea.state != IdeaState.ADOPTED:
            ideas.change_state(actor, idea, IdeaState.ADOPTED, action="adopt")
            idea.team_answer = None
        audit.record(actor, "project.take_idea", project, after={"idea": idea.id})
        db.session.flush()
        events.record("idea.taken", actor, idea=idea, project=project)
        linked.add(idea.id)
        taken.append(idea)
    return taken


def decline_idea(actor, idea: Idea, answer: str) -> Idea:
    """Answer an idea "nicht weiterverfolgt" with a public reason."""
    _require_team(actor)
    answer = (answer or "").strip()
    if not answer:
        raise PipelineError(
            "Bitte begründen Sie öffentlich, warum die Idee nicht weiterverfolgt wird.", "answer"
        )
    try:
        ideas.change_state(actor, idea, IdeaState.DECLINED, answer, action="decline")
    except ideas.IdeaError as error:
        raise PipelineError(str(error), "answer") from error
    idea.team_answer = answer
    db.session.flush()
    return idea


def add_funding(
    actor, project: Project, programme: str, amount: Decimal | None, status: str
) -> FundingSource:
    _require_team(actor)
    if not programme.strip():
        raise PipelineError("Bitte nennen Sie das Programm oder die Mittel.", "programme")
    if amount is not None and amount < 0:
        raise PipelineError("Bitte geben Sie keinen negativen Betrag an.", "amount")
    if status not in set(FundingStatus):
        raise PipelineError("Bitte wählen Sie einen Stand aus der Liste.", "status")
    source = FundingSource(
        project_id=project.id, programme=programme.strip(), amount=amount, status=status
    )
    db.session.add(source)
    db.session.flush()
    audit.record(
        actor,
        "project.funding",
        project,
        after={"programme": source.programme, "amount": amount, "status": status},
    )
    return source


def remove_funding(actor, project: Project, source_id: int) -> None:
    _require_team(actor)
    source = db.session.get(FundingSource, source_id)
    if source is None or source.project_id != project.id:
        raise PipelineError("Diese Finanzierungsquelle gibt es in diesem Projekt nicht.")
    audit.record(
        actor,
        "project.funding_removed",
        project,
        before={"programme": source.programme, "amount": source.amount, "status": source.status},
    )
    db.session.delete(source)


def add_milestone(actor, project: Project, title: str, due_on: date | None) -> Milestone:
    _require_team(actor)
    if not title.strip():
        raise PipelineError("Bitte geben Sie dem Meilenstein einen Titel.", "title")
    milestone = Milestone(project_id=project.id, title=title.strip(), due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    audit.record(actor, "project.milestone", project, after={"milestone": milestone.title})
    return milestone


def _own_milestone(project: Project, milestone_id: int) -> Milestone:
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.project_id != project.id:
        raise PipelineError("Diesen Meilenstein gibt es in diesem Projekt nicht.")
    return milestone


def set_milestone_done(actor, project: Project, milestone_id: int, done: bool) -> Milestone:
    _require_team(actor)
    milestone = _own_milestone(project, milestone_id)
    milestone.done = done
    audit.record(
        actor,
        "project.milestone_done" if done else "project.milestone_open",
        project,
        after={"milestone": milestone.title},
    )
    return milestone


def remove_milestone(actor, project: Project, milestone_id: int) -> None:
    _require_team(actor)
    milestone = _own_milestone(project, milestone_id)
    audit.record(actor, "project.milestone_removed", project, before={"milestone": milestone.title})
    db.session.delete(milestone)


def publish_update(
    actor, project: Project, title: str, body: str, published_on: date | None = None
) -> ProjectUpdate:
    """A public progress report; followers of the project and of its ideas get a mail."""
    _require_team(actor)
    if not title.strip():
        raise PipelineError("Bitte geben Sie einen Titel an.", "title")
    if not body.strip():
        raise PipelineError("Bitte schreiben Sie, was es Neues gibt.", "body")
    update = ProjectUpdate(
        project_id=project.id,
        title=title.strip(),
        body=body.strip(),
        published_on=published_on or utcnow().date(),
        author_id=actor.id,
    )
    db.session.add(update)
    db.session.flush()
    audit.record(actor, "project.update", project, after={"update": update.title})
    events.record("project.updated", actor, update=update)
    return update


def follow_project(user, project: Project) -> None:
    ideas.insert_ignoring_duplicate(
        ProjectFollow, project_id=project.id, user_id=user.id, created_at=utcnow()
    )


def unfollow_project(user_id: int, project_id: int) -> None:
    db.session.execute(
        delete(ProjectFollow).where(
            ProjectFollow.project_id == project_id, ProjectFollow.user_id == user_id
        )
    )


def is_following(user, project: Project) -> bool:
    if user is None or not user.is_authenticated:
        return False
    query = select(ProjectFollow.id).where(
        ProjectFollow.project_id == project.id, ProjectFollow.user_id == user.id
    )
    return db.session.scalar(query) is not None


def projects_of_idea(idea: Idea) -> list[Project]:
    query = (
        select(Project)
        .join(ProjectIdea, ProjectIdea.project_id == Project.id)
        .where(ProjectIdea.idea_id == idea.id)
        .order_by(Project.id)
    )
    return list(db.session.scalars(query))
