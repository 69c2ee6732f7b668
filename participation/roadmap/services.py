"""What the public sees of the pipeline: the roadmap, a project's page, an idea's path.

Read-only queries with a fixed number of statements, whatever the number of projects.
Nothing here touches ratings or internal notes beyond a date ("vom Projektteam bewertet").
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer, load_only, selectinload

from ..audit import AuditEntry
from ..extensions import db
from ..ideas.models import PUBLIC_STATES, Idea, IdeaState
from ..projects.models import (
    KIND_LABELS,
    STATUS_LABELS,
    Project,
    ProjectIdea,
    ProjectKind,
    ProjectUpdate,
)
from ..query_filters import QueryFilter, choice
from ..rating.models import Assessment
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow

# A typo like "2207" must not draw a table a thousand quarters wide.
MAX_QUARTERS = 40


# Filters ---------------------------------------------------------------------------------


@dataclass
class RoadmapFilter(QueryFilter):
    """Only values from the lists survive; anything else is ignored. The field and
    municipality slugs are given to `from_args` (`field=`, `municipality=`)."""

    municipality: str | None = choice()
    field: str | None = choice()
    kind: str | None = choice(KIND_LABELS)
    status: str | None = choice(STATUS_LABELS)


def list_projects(filters: RoadmapFilter) -> list[Project]:
    """Three statements: the projects, their fields, their municipalities."""
    query = select(Project).options(
        # Internal notes are never public: not even loaded, and touching them raises.
        defer(Project.internal_notes, raiseload=True),
        selectinload(Project.fields),
        selectinload(Project.municipalities),
    )
    if filters.kind:
        query = query.where(Project.kind == filters.kind)
    if filters.status:
        query = query.where(Project.status == filters.status)
    if filters.field:
        query = query.where(Project.fields.any(FieldOfAction.slug == filters.field))
    if filters.municipality:
        query = query.where(Project.municipalities.any(Municipality.slug == filters.municipality))
    projects = db.session.scalars(query.order_by(Project.id)).all()
    # Lead projects first, then by start (undated last), then by title.
    return sorted(
        projects,
        key=lambda p: (p.kind != ProjectKind.LEAD, p.starts_on or date.max, p.title.lower()),
    )


# Grouping by field of action ----------------------------------------------------------


@dataclass
class FieldGroup:
    field: FieldOfAction | None  # None: a project whose fields were all removed
    projects: list[Project]


def group_by_field(projects: list[Project]) -> list[FieldGroup]:
    """Each project once, under its first field (by the fields' order)."""
    groups: dict[int | None, FieldGroup] = {}
    for project in projects:
        first = project.fields[0] if project.fields else None
        key = first.id if first else None
        groups.setdefault(key, FieldGroup(first, [])).projects.append(project)
    return sorted(
        groups.values(), key=lambda g: (g.field is None, g.field.position if g.field else 0)
    )


def places_label(project: Project) -> str:
    """ "Kreisweit" for a district-wide project, else the municipalities' names."""
    wide = [place for place in project.municipalities if place.is_district_wide]
    if wide or not project.municipalities:
        return wide[0].name if wide else "Kreisweit"
    return ", ".join(place.name for place in project.municipalities)


# Timeline by quarter ---------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def index(self) -> int:
        return self.year * 4 + self.number - 1

    @classmethod
    def from_index(cls, index: int) -> "Quarter":
        return cls(index // 4, index % 4 + 1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.year}"


@dataclass
class TimelineRow:
    project: Project
    before: int  # empty columns before the bar
    span: int  # columns the bar covers
    after: int  # empty columns after it
    label: str  # "Q2 2027 – Q4 2028", "ab Q2 2027", "bis Q4 2028"


@dataclass
class Timeline:
    quarters: list[Quarter]
    rows: list[TimelineRow]
    undated: list[Project]
    current: Quarter | None = None


def _bar_label(project: Project) -> str:
    start = Quarter.of(project.starts_on).label if project.starts_on else None
    end = Quarter.of(project.ends_on).label if project.ends_on else None
    if start and end:
        return start if start == end else f"{start} – {end}"
    return f"ab {start}" if start else f"bis {end}"


def build_timeline(projects: list[Project], today: date | None = None) -> Timeline:
    """One row per dated project, a bar from its start quarter to its end quarter.

    A project without an end runs to the last column, one without a start from the first.
    """
    dated = [p for p in projects if p.starts_on or p.ends_on]
    undated = [p for p in projects if not (p.starts_on or p.ends_on)]
    if not dated:
        return Timeline([], [], undated)
    bounds = [Quarter.of(d).index for p in dated for d in (p.starts_on, p.ends_on) if d]
    first, last = min(bounds), max(bounds)
    last = min(last, first + MAX_QUARTERS - 1)
    width = last - first + 1
    rows = []
    for project in sorted(dated, key=lambda p: (p.starts_on or date.min, p.title.lower())):
        begin = Quarter.of(project.starts_on).index if project.starts_on else first
        end = Quarter.of(project.ends_on).index if project.ends_on else last
        begin = min(max(begin, first), last) - first
        end = min(max(end, first), last) - first
        rows.append(
            TimelineRow(project, begin, end - begin + 1, width - end - 1, _bar_label(project))
        )
    now = Quarter.of(today or utcnow().date())
    quarters = [Quarter.from_index(i) for i in range(first, last + 1)]
    return Timeline(quarters, rows, undated, now if now in quarters else None)


# The roadmap page ----------------------------------------------------------------------------


@dataclass
class Roadmap:
    groups: list[FieldGroup]
    timeline: Timeline
    total: int
    leads: int


def build_roadmap(filters: RoadmapFilter, today: date | None = None) -> Roadmap:
    projects = list_projects(filters)
    return Roadmap(
        groups=group_by_field(projects),
        timeline=build_timeline(projects, today),
        total=len(projects),
        leads=sum(1 for p in projects if p.kind == ProjectKind.LEAD),
    )


def public_source_ideas(project: Project) -> list[ProjectIdea]:
    """The ideas a project came from that the public may still see (hidden ones are left out)."""
    links = [link for link in project.idea_links if link.idea.state in PUBLIC_STATES]
    return sorted(links, key=lambda link: (link.added_at, link.idea_id))


# News ------------------------------------------------------------------------------------------


@dataclass
class ProjectNews:
    update: ProjectUpdate
    project_id: int
    project_title: str


def latest_updates(limit: int = 3, today: date | None = None) -> list[ProjectNews]:
    """The newest progress reports of all projects, each with its project's title; one
    statement. Reports dated in the future wait until their day."""
    today = today or utcnow().date()
    query = (
        select(ProjectUpdate, Project.title)
        .join(Project, Project.id == ProjectUpdate.project_id)
        .where(ProjectUpdate.published_on <= today)
        .order_by(ProjectUpdate.published_on.desc(), ProjectUpdate.id.desc())
        .limit(limit)
    )
    return [
        ProjectNews(update, update.project_id, title) for update, title in db.session.execute(query)
    ]


# An idea's path ------------------------------------------------------------------------------


@dataclass
class IdeaPath:
    assessed_at: datetime | None  # the first rating: only the date is public
    declined_at: datetime | None
    projects: list[tuple[Project, datetime]]  # (project, when the idea was taken in)


def idea_path(idea: Idea) -> IdeaPath:
    """Where an idea went after it was published, in one statement.

    The idea's row, outer-joined to the projects it flowed into (one row each, or one row
    of NULLs), with the first rating's date and the decline's date as scalar subqueries.
    """
    first_rating = (
        select(func.min(Assessment.created_at))
        .where(Assessment.idea_id == Idea.id)
        .scalar_subquery()
    )
    declined = (
        select(func.max(AuditEntry.created_at))
        .where(
            AuditEntry.object_type == Idea.__tablename__,
            AuditEntry.object_id == Idea.id,
            AuditEntry.action == "idea.decline",
        )
        .scalar_subquery()
    )
    query = (
        select(Project, ProjectIdea.added_at, first_rating, declined)
        .select_from(Idea)
        .outerjoin(ProjectIdea, ProjectIdea.idea_id == Idea.id)
        .outerjoin(Project, Project.id == ProjectIdea.project_id)
        .where(Idea.id == idea.id)
        .order_by(ProjectIdea.added_at, ProjectIdea.project_id)
        .options(
            load_only(
                Project.id,
                Project.title,
                Project.kind,
                Project.status,
                Project.progress,
                raiseload=True,
            )
        )
    )
    rows = db.session.execute(query).all()
    assessed_at, declined_at = (rows[0][2], rows[0][3]) if rows else (None, None)
    if declined_at is None and idea.state == IdeaState.DECLINED:
        declined_at = idea.state_changed_at  # declined before the audit log knew the action
    taken = [(project, added) for project, added, _, _ in rows if project is not None]
    return IdeaPath(assessed_at, declined_at, taken)
