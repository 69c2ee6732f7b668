"""Demo pipeline: ratings, then projects made from the best ideas, and a few answers.

Rows are written in bulk, with the audit entries the real services would write
(`idea.adopt`, `idea.decline`, `project.create`, `project.take_idea`) but without
the mails: a demo must not fill the outbox with thousands of messages.
"""

import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain

from sqlalchemy import func, insert, select, true, update

from ..accounts.models import User
from ..audit import AuditEntry, summary  # the very format `audit.record` stores
from ..extensions import db
from ..ideas.models import Idea, IdeaState
from ..projects.models import (
    FundingSource,
    Milestone,
    Project,
    ProjectFollow,
    ProjectIdea,
    ProjectKind,
    ProjectUpdate,
    project_fields,
    project_municipalities,
)
from ..rating.models import Assessment
from ..roles import PIPELINE_ROLES, Role, RoleAssignment
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from .bulk import insert_rows
from .generate import DEMO_DOMAIN
from .project_content import PLANS, TEAM_ANSWERS
from .project_plans import Draft, Source, draft_project

# About one project per 25 public ideas, within these bounds; one answer
# "nicht weiterverfolgt" per 50.
IDEAS_PER_PROJECT, MIN_PROJECTS, MAX_PROJECTS = 25, 6, 60
IDEAS_PER_DECLINE, MIN_DECLINED, MAX_DECLINED = 50, 2, 120
TEAM_EMAIL = "projektteam@demo.example.org"

NOTES = ["", "", "Passt zur Digitalstrategie.", "Förderung prüfen.", "Mit Nachbarkommunen bündeln?"]


def write_ratings(seed: int, share: float = 0.3) -> int:
    """Rate the best-supported share of published ideas, a little differently per member."""
    rng = random.Random(seed)
    members = db.session.scalars(
        select(RoleAssignment.user_id)
        .where(RoleAssignment.role.in_(list(PIPELINE_ROLES)))
        .distinct()
    ).all()
    ideas = db.session.scalars(
        select(Idea.id).where(Idea.state == IdeaState.PUBLISHED).order_by(Idea.support_count.desc())
    ).all()
    chosen = ideas[: int(len(ideas) * share)]
    now = utcnow()
    rows = []
    for idea_id in chosen:
        base_relevance, base_feasibility = rng.randint(2, 5), rng.randint(1, 5)
        for member in members:
            if rng.random() < 0.8:
                rows.append(
                    {
                        "idea_id": idea_id,
                        "rater_id": member,
                        "note": rng.choice(NOTES),
                        "relevance": min(max(base_relevance + rng.randint(-1, 1), 1), 5),
                        "feasibility": min(max(base_feasibility + rng.randint(-1, 1), 1), 5),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    existing = set(db.session.execute(select(Assessment.idea_id, Assessment.rater_id)).all())
    rows = [r for r in rows if (r["idea_id"], r["rater_id"]) not in existing]
    insert_rows(Assessment, rows)
    return len(rows)


@dataclass
class Candidate(Source):
    """A published idea the team could take into a project or answer."""

    field_id: int = 0
    title: str = ""
    score: float = 0.0
    rated: bool = False


@dataclass
class Context:
    """What every drafted project needs to know about the site."""

    now: datetime
    today: date
    team_id: int | None
    district_id: int
    names: dict[int, str]
    field_ids: dict[str, int]
    residents: list[int]


@dataclass
class ProjectReport:
    projects: int = 0
    leads: int = 0
    adopted: int = 0
    declined: int = 0


def _count(query) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def _public_ideas() -> int:
    return _count(select(Idea.id).where(Idea.listed == true()))


def projects_to_create() -> int:
    """How many projects the demo still lacks for its ideas (none on a second run)."""
    wanted = min(max(_public_ideas() // IDEAS_PER_PROJECT, MIN_PROJECTS), MAX_PROJECTS)
    return max(wanted - _count(select(Project.id)), 0)


def _declines_to_write() -> int:
    wanted = min(max(_public_ideas() // IDEAS_PER_DECLINE, MIN_DECLINED), MAX_DECLINED)
    return max(wanted - _count(select(Idea.id).where(Idea.state == IdeaState.DECLINED)), 0)


def _candidates() -> list[Candidate]:
    """Published ideas, the most supported and best rated first."""
    ratings = (
        select(
            Assessment.idea_id, func.avg(Assessment.relevance + Assessment.feasibility).label("r")
        )
        .group_by(Assessment.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Idea.id,
            Idea.municipality_id,
            func.coalesce(Idea.published_at, Idea.created_at),
            Idea.field_id,
            Idea.title,
            Idea.support_count,
            ratings.c.r,
        )
        .outerjoin(ratings, ratings.c.idea_id == Idea.id)
        .where(Idea.state == IdeaState.PUBLISHED)
        .order_by(Idea.id)
    ).all()
    found = [
        Candidate(idea_id, place, at, field, title, support + 3 * float(r or 0), r is not None)
        for idea_id, place, at, field, title, support, r in rows
    ]
    return sorted(found, key=lambda c: -c.score)


def _merges(rng: random.Random, plan, index: int) -> int:
    """How many ideas a project takes: Leitprojekte and some others merge 2–4 similar
    ideas from different towns (one in three plans after a Leitprojekt, at least)."""
    if plan.is_lead:
        return rng.randint(2, 4)
    return rng.randint(2, 3) if index % 3 == 1 or rng.random() < 0.2 else 1


def _pick(plan, pool: list[Candidate], taken: set[int], wanted: int) -> list[Candidate]:
    """The best open ideas of the plan's field, its own themes first, one per town."""
    open_ideas = [c for c in pool if c.id not in taken]
    themed = (c for c in open_ideas if c.title.startswith(plan.themes))
    others = (c for c in open_ideas if not c.title.startswith(plan.themes))
    chosen: list[Candidate] = []
    for candidate in chain(themed, others):
        if len(chosen) == wanted:
            break
        if all(candidate.municipality_id != c.municipality_id for c in chosen):
            chosen.append(candidate)
    taken.update(c.id for c in chosen)
    return chosen


def _team_member(email: str) -> int | None:
    """The demo team account, or else the first project team member."""
    by_email = db.session.scalar(select(User.id).where(User.email == email))
    first_member = (
        select(RoleAssignment.user_id)
        .where(RoleAssignment.role == Role.TEAM)
        .order_by(RoleAssignment.user_id)
        .limit(1)
    )
    return by_email or db.session.scalar(first_member)


def _context(now: datetime, team_email: str) -> Context:
    places = db.session.execute(
        select(Municipality.id, Municipality.name, Municipality.is_district_wide)
    ).all()
    district = next((p.id for p in places if p.is_district_wide), None)
    if district is None:
        raise RuntimeError("Keine Stammdaten: bitte zuerst `flask seed` ausführen.")
    team_id = _team_member(team_email)
    fields = dict(db.session.execute(select(FieldOfAction.slug, FieldOfAction.id)).all())
    residents = db.session.scalars(
        select(User.id)
        .where(User.email.like(f"person%@{DEMO_DOMAIN}"))
        .order_by(User.id)
        .limit(2000)
    ).all()
    names = {p.id: p.name for p in places}
    return Context(now, now.date(), team_id, district, names, fields, list(residents))


def write_projects(
    seed: int,
    team_email: str = TEAM_EMAIL,
    progress: Callable[[int], None] | None = None,
) -> ProjectReport:
    """Plan projects from the best ideas and answer a few others, as the team would."""
    rng = random.Random(seed)
    now = utcnow()
    context = _context(now, team_email)
    candidates = _candidates()
    pools: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        pools[candidate.field_id].append(candidate)
    first = _count(select(Project.id))
    taken: set[int] = set()
    drafts = []
    for index in range(first, first + projects_to_create()):
        plan = PLANS[index % len(PLANS)]
        pool = pools[context.field_ids[plan.field]]
        sources = _pick(plan, pool, taken, _merges(rng, plan, index))
        drafts.append(draft_project(rng, plan, index, sources, context))
        if progress:
            progress(1)
    report = ProjectReport(projects=len(drafts))
    report.leads = sum(d.row["kind"] == ProjectKind.LEAD for d in drafts)
    report.adopted = _write_drafts(rng, drafts, context)
    open_ideas = [c for c in candidates if c.id not in taken]
    report.declined = _decline(rng, open_ideas, _declines_to_write(), context)
    return report


def _write_drafts(rng: random.Random, drafts: list[Draft], context: Context) -> int:
    if not drafts:
        return 0
    ids = db.session.scalars(
        insert(Project).returning(Project.id, sort_by_parameter_order=True), [d.row for d in drafts]
    ).all()
    children: dict = defaultdict(list)
    for project_id, draft in zip(ids, drafts, strict=True):
        _collect(children, project_id, draft, context)
        _add_followers(rng, children, project_id, draft, context)
    for table in (project_fields, project_municipalities):
        db.session.execute(insert(table), children[table.name])
    for model in (FundingSource, Milestone, ProjectUpdate, ProjectIdea, ProjectFollow, AuditEntry):
        if children[model]:
            db.session.execute(insert(model), children[model])
    adopted = children["adopted"]
    if adopted:
        db.session.execute(update(Idea), adopted)
    return len(adopted)


def _audit(actor_id, action: str, obj: tuple[str, int], at: datetime, **values) -> dict:
    return {
        "actor_id": actor_id,
        "action": action,
        "object_type": obj[0],
        "object_id": obj[1],
        "before": summary(values.get("before")),
        "after": summary(values.get("after")),
        "reason": values.get("reason"),
        "municipality_id": values.get("town"),
        "created_at": at,
    }


def _collect(children: dict, project_id: int, draft: Draft, context: Context) -> None:
    """The project's rows, its ideas taken in, and the log of both."""
    own = {"project_id": project_id}
    team = context.team_id
    children[project_fields.name] += [own | {"field_id": i} for i in draft.field_ids]
    children[project_municipalities.name] += [
        own | {"municipality_id": i} for i in draft.municipality_ids
    ]
    children[FundingSource] += [own | row for row in draft.funding]
    children[Milestone] += [own | row for row in draft.milestones]
    children[ProjectUpdate] += [own | row for row in draft.updates]
    created = draft.row["created_at"]
    children[AuditEntry].append(
        _audit(
            team,
            "project.create",
            ("projects", project_id),
            created,
            after={"title": draft.row["title"]},
        )
    )
    for idea, at in zip(draft.links, draft.taken_at, strict=True):
        children[ProjectIdea].append(
            own | {"idea_id": idea.id, "added_by_id": team, "added_at": at}
        )
        adopted = {"before": "published", "after": "adopted", "town": idea.municipality_id}
        children[AuditEntry] += [
            _audit(team, "idea.adopt", ("ideas", idea.id), at, **adopted),
            _audit(
                team, "project.take_idea", ("projects", project_id), at, after={"idea": idea.id}
            ),
        ]
        children["adopted"].append(
            {
                "id": idea.id,
                "state": IdeaState.ADOPTED,
                "state_reason": None,
                "state_changed_at": at,
                "team_answer": None,
            }
        )


def _add_followers(rng: random.Random, children, project_id: int, draft: Draft, context) -> None:
    """A handful of residents follow each project for its news."""
    people = rng.sample(context.residents, min(rng.randint(0, 8), len(context.residents)))
    span = max((context.now - draft.row["created_at"]).total_seconds(), 60)
    children[ProjectFollow] += [
        {
            "project_id": project_id,
            "user_id": user_id,
            "created_at": draft.row["created_at"] + timedelta(seconds=rng.uniform(0, span)),
        }
        for user_id in people
    ]


def _decline(rng: random.Random, open_ideas: list[Candidate], count: int, context: Context) -> int:
    """Answer the weakest rated ideas (then the weakest unrated ones) "nicht weiterverfolgt"."""
    weakest = sorted(open_ideas, key=lambda c: (not c.rated, c.score))[:count]
    answers, entries = [], []
    for candidate in weakest:
        answer = rng.choice(TEAM_ANSWERS)
        at = min(candidate.published_at + timedelta(days=rng.uniform(7, 60)), context.now)
        answers.append(
            {
                "id": candidate.id,
                "state": IdeaState.DECLINED,
                "state_reason": answer,
                "state_changed_at": at,
                "team_answer": answer,
            }
        )
        entries.append(
            _audit(
                context.team_id,
                "idea.decline",
                ("ideas", candidate.id),
                at,
                before="published",
                after="declined",
                reason=answer,
                town=candidate.municipality_id,
            )
        )
    if answers:
        db.session.execute(update(Idea), answers)
        db.session.execute(insert(AuditEntry), entries)
    return len(answers)
