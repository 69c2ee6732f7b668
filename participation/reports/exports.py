"""Exports for the committee and the project team: ideas with their supports and internal
ratings, projects with their whole plan, as CSV, XLSX and JSON (see `export_formats`
for what each format looks like in a spreadsheet).

Plain functions, callable without a request: the views, `flask export` and the bench
use them. However many rows, an export is a fixed handful of queries: ideas are one
query with the ratings aggregated by one GROUP BY, plus one query for the project
titles; projects are one query with their related rows loaded alongside (selectinload).
The files are internal (ratings, internal notes): only committee and team get them.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select, true

from ..extensions import db
from ..ideas.models import STATE_LABELS, Idea
from ..links import external_url
from ..projects.models import FundingStatus, Project, ProjectIdea
from ..projects.services import with_whole_plan
from ..rating.services import rating_figures
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from .export_formats import (
    BOOL,
    DATE,
    DECIMAL,
    INT,
    LIST,
    MEAN,
    MEDIA_TYPES,
    MONEY,
    TEXT,
    Column,
    Export,
    Table,
    write,
)

__all__ = ["MEDIA_TYPES", "Export", "counts", "filename", "load", "today", "write"]
FILE_NAMES = {"ideas": "ideen", "projects": "projekte"}


IDEA_COLUMNS = [
    Column("id", "ID", INT, 8),
    Column("title", "Titel", TEXT, 48),
    Column("field", "Handlungsfeld", TEXT, 28),
    Column("municipality", "Kommune", TEXT, 18),
    Column("state", "Stand", TEXT, 26),
    Column("submitted_on", "Eingereicht", DATE, 12),
    Column("supports", "Unterstützungen", INT, 12),
    Column("comments", "Kommentare", INT, 12),
    Column("ratings", "Bewertungen", INT, 12),
    Column("relevance", "Relevanz", MEAN, 11),
    Column("feasibility", "Realisierbarkeit", MEAN, 11),
    Column("projects", "Projekte", LIST, 40),
    Column("url", "Link", TEXT, 40),
]


def load_ideas() -> Export:
    """Every public idea (published, adopted, declined) with its figures; never pending,
    hidden, rejected or withdrawn ones, and no names of people."""
    titles = _project_titles()
    link = _link_maker("ideas.detail", "idea_id")
    day = _local_day_converter()
    rows = [
        (
            row.id,
            row.title,
            row.field,
            row.municipality,
            STATE_LABELS.get(row.state, row.state),
            day(row.created_at),
            row.support_count,
            row.comment_count,
            row.raters,
            _mean(row.relevance),
            _mean(row.feasibility),
            titles.get(row.id, []),
            link(row.id),
        )
        for row in db.session.execute(_idea_query())
    ]
    return Export("ideas", [Table("Ideen", "ideas", IDEA_COLUMNS, rows)])


def _idea_query():
    figures = rating_figures()
    return (
        select(
            Idea.id,
            Idea.title,
            FieldOfAction.name.label("field"),
            Municipality.name.label("municipality"),
            Idea.state,
            Idea.created_at,
            Idea.support_count,
            Idea.comment_count,
            func.coalesce(figures.c.raters, 0).label("raters"),
            figures.c.relevance,
            figures.c.feasibility,
        )
        .join(FieldOfAction, FieldOfAction.id == Idea.field_id)
        .join(Municipality, Municipality.id == Idea.municipality_id)
        .outerjoin(figures, figures.c.idea_id == Idea.id)
        .where(Idea.listed == true())
        .order_by(Idea.id)
    )


def _project_titles() -> dict[int, list[str]]:
    query = (
        select(ProjectIdea.idea_id, Project.title)
        .join(Project, Project.id == ProjectIdea.project_id)
        .order_by(ProjectIdea.idea_id, Project.id)
    )
    titles: dict[int, list[str]] = defaultdict(list)
    for idea_id, title in db.session.execute(query):
        titles[idea_id].append(title)
    return titles


PROJECT_COLUMNS = [
    Column("id", "ID", INT, 6),
    Column("title", "Titel", TEXT, 40),
    Column("kind", "Art", TEXT, 16),
    Column("status", "Status", TEXT, 14),
    Column("progress", "Fortschritt (%)", INT, 10),
    Column("summary", "Kurzbeschreibung", TEXT, 50),
    Column("what", "Was", TEXT, 50),
    Column("starts_on", "Beginn", DATE, 12),
    Column("ends_on", "Ende", DATE, 12),
    Column("place", "Wo", TEXT, 24),
    Column("lead", "Wer (Federführung)", TEXT, 28),
    Column("partners", "Mit wem (Partner)", TEXT, 36),
    Column("fields", "Handlungsfelder", LIST, 32),
    Column("municipalities", "Kommunen", LIST, 28),
    Column("staff_fte", "Personal (VZÄ)", DECIMAL, 10),
    Column("budget", "Budget", MONEY, 16),
    Column("funding_approved", "Förderung bewilligt", MONEY, 16),
    Column("funding_applied", "Förderung beantragt", MONEY, 16),
    Column("idea_ids", "Ideen (IDs)", LIST, 20),
    Column("internal_notes", "Interne Notizen", TEXT, 50),
    Column("created_on", "Angelegt", DATE, 12),
    Column("updated_on", "Zuletzt geändert", DATE, 12),
    Column("url", "Link", TEXT, 40),
]
PROJECT_REF = [Column("project_id", "Projekt-ID", INT, 10), Column("project", "Projekt", TEXT, 36)]
FUNDING_COLUMNS = [
    *PROJECT_REF,
    Column("programme", "Programm", TEXT, 40),
    Column("amount", "Betrag", MONEY, 16),
    Column("status", "Stand", TEXT, 12),
]
MILESTONE_COLUMNS = [
    *PROJECT_REF,
    Column("title", "Meilenstein", TEXT, 48),
    Column("due_on", "Fällig am", DATE, 12),
    Column("done", "Erledigt", BOOL, 10),
]
UPDATE_COLUMNS = [
    *PROJECT_REF,
    Column("title", "Titel", TEXT, 40),
    Column("published_on", "Veröffentlicht am", DATE, 14),
    Column("body", "Text", TEXT, 80),
]
PROJECT_IDEA_COLUMNS = [
    *PROJECT_REF,
    Column("idea_id", "Idee-ID", INT, 10),
    Column("title", "Idee", TEXT, 48),
    Column("state", "Stand", TEXT, 26),
    Column("added_on", "Übernommen am", DATE, 14),
    Column("url", "Link", TEXT, 40),
]


def load_projects() -> Export:
    """Every project with its whole plan, internal notes included: the export is internal."""
    query = select(Project).options(*with_whole_plan()).order_by(Project.id)
    projects = list(db.session.scalars(query))
    project_link = _link_maker("roadmap.project", "project_id")
    idea_link = _link_maker("ideas.detail", "idea_id")
    day = _local_day_converter()
    tables = [
        Table("Projekte", "projects", PROJECT_COLUMNS),
        Table("Finanzierung", "funding", FUNDING_COLUMNS, reference=len(PROJECT_REF)),
        Table("Meilensteine", "milestones", MILESTONE_COLUMNS, reference=len(PROJECT_REF)),
        Table("Neuigkeiten", "updates", UPDATE_COLUMNS, reference=len(PROJECT_REF)),
        Table("Ideen", "ideas", PROJECT_IDEA_COLUMNS, reference=len(PROJECT_REF)),
    ]
    main, funding, milestones, updates, ideas = (table.rows for table in tables)
    for project in projects:
        main.append(_project_row(project, project_link, day))
        ref = (project.id, project.title)
        funding.extend((*ref, s.programme, s.amount, s.status_label) for s in project.funding)
        milestones.extend((*ref, m.title, m.due_on, m.done) for m in project.milestones)
        updates.extend((*ref, u.title, u.published_on, u.body) for u in project.updates)
        ideas.extend(
            (
                *ref,
                taken.idea_id,
                taken.idea.title,
                STATE_LABELS.get(taken.idea.state, taken.idea.state),
                day(taken.added_at),
                idea_link(taken.idea_id),
            )
            for taken in sorted(project.idea_links, key=lambda taken: taken.idea_id)
        )
    return Export("projects", tables)


def _project_row(project: Project, link, day) -> tuple:
    return (
        project.id,
        project.title,
        project.kind_label,
        project.status_label,
        project.progress,
        project.summary,
        project.what,
        project.starts_on,
        project.ends_on,
        project.place,
        project.lead,
        project.partners,
        [f.name for f in project.fields],
        [m.name for m in project.municipalities],
        project.staff_fte,
        project.budget,
        funding_sum(project, FundingStatus.APPROVED),
        funding_sum(project, FundingStatus.APPLIED),
        sorted(taken.idea_id for taken in project.idea_links),
        project.internal_notes,
        day(project.created_at),
        day(project.updated_at),
        link(project.id),
    )


def funding_sum(project: Project, status: str) -> Decimal:
    return sum(
        (s.amount for s in project.funding if s.status == status and s.amount is not None),
        Decimal("0.00"),
    )


LOADERS: dict[str, Callable[[], Export]] = {"ideas": load_ideas, "projects": load_projects}


def load(kind: str) -> Export:
    return LOADERS[kind]()


def counts() -> dict[str, int]:
    """How many rows each export has, for the export page."""
    ideas = select(func.count()).select_from(Idea).where(Idea.listed == true())
    projects = select(func.count()).select_from(Project)
    return {"ideas": db.session.scalar(ideas), "projects": db.session.scalar(projects)}


def _mean(value) -> float | None:
    return round(float(value), 2) if value is not None else None


def _local_day_converter() -> Callable[[datetime | None], date | None]:
    """UTC timestamps become the district's calendar day (an idea sent in at 00:30
    on 1 March local time was sent in on 1 March, not on 28 February)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Berlin"))

    def day(moment: datetime | None) -> date | None:
        if moment is None:
            return None
        return moment.replace(tzinfo=UTC).astimezone(zone).date()

    return day


def today() -> date:
    return _local_day_converter()(utcnow())


def _link_maker(endpoint: str, argument: str) -> Callable[[int], str]:
    """Absolute links without building 10,000 URLs one by one: build one, then fill in."""
    marker = 987_654_321
    head, tail = external_url(endpoint, **{argument: marker}).split(str(marker))
    return lambda number: f"{head}{number}{tail}"


def filename(kind: str, fmt: str, day: date | None = None) -> str:
    """`ideen-2026-11-26.xlsx`: what the download is, and from which day."""
    return f"{FILE_NAMES[kind]}-{(day or today()).isoformat()}.{fmt}"
