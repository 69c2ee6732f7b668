"""Figures for the pipeline statistics: participation by place, field and month, and
how far ideas get (the funnel). A fixed number of queries, whatever the data.

Participation counts what the public sees: ideas that are public now (published,
in a project, or answered "nicht weiterverfolgt"), their supports and their
published comments. The funnel counts every submission.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import case, exists, func, or_, select, true

from ..extensions import db
from ..ideas.models import PUBLIC_STATES, Idea, IdeaState, Support
from ..projects.models import Project, ProjectIdea, ProjectStatus
from ..rating.models import Assessment
from ..strategy.services import field_choices, municipality_choices
from ..timeutil import utcnow
from .svg import column_chart, de_percent, hbar_chart

ZONE = ZoneInfo("Europe/Berlin")
MONTHS = 12
MONTH_NAMES = ["Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"]
MONTH_NAMES_LONG = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]
MEASURES = {"ideas": "Ideen", "supports": "Unterstützungen", "comments": "Kommentare"}
DEFAULT_MEASURE = "ideas"
PUBLIC = [str(state) for state in PUBLIC_STATES]
# A hidden idea was public before moderation hid it (TRANSITIONS); pending,
# rejected and withdrawn ones never were.
ONCE_PUBLIC = [*PUBLIC, str(IdeaState.HIDDEN)]
NOT_PUBLIC = [str(state) for state in IdeaState if state not in PUBLIC_STATES]


@dataclass
class Participation:
    name: str
    ideas: int
    supports: int
    comments: int

    def measure(self, key: str) -> int:
        return getattr(self, key)


@dataclass
class Month:
    start: date  # the first day of the month in Europe/Berlin
    ideas: int = 0
    supports: int = 0

    @property
    def short(self) -> str:
        return MONTH_NAMES[self.start.month - 1]

    @property
    def long(self) -> str:
        return f"{MONTH_NAMES_LONG[self.start.month - 1]} {self.start.year}"


@dataclass
class FunnelStep:
    key: str
    label: str
    definition: str
    count: int
    share: str = ""  # of the submitted ideas


FUNNEL_STEPS = [
    ("submitted", "Eingereicht", "alle eingereichten Ideen außer zurückgezogenen"),
    (
        "published",
        "Veröffentlicht",
        "jemals öffentlich: heute öffentlich oder später von der Moderation ausgeblendet",
    ),
    ("rated", "Bewertet", "mindestens eine Bewertung von Lenkungsausschuss oder Projektteam"),
    ("in_project", "In ein Projekt übernommen", "mit mindestens einem Projekt verknüpft"),
    ("completed", "Umgesetzt", "in mindestens einem abgeschlossenen Projekt"),
]


@dataclass
class PipelineStats:
    per_municipality: list[Participation]
    per_field: list[Participation]
    months: list[Month]
    funnel: list[FunnelStep]

    @staticmethod
    def total(rows: list[Participation]) -> Participation:
        return Participation(
            "Gesamt",
            sum(r.ideas for r in rows),
            sum(r.supports for r in rows),
            sum(r.comments for r in rows),
        )


def participation() -> tuple[list[Participation], list[Participation]]:
    """Every place and every field (also those without ideas) with the figures of its
    public ideas: one pass over the ideas, grouped by both, summed up here."""
    figures = db.session.execute(
        select(
            Idea.municipality_id,
            Idea.field_id,
            func.count(),
            func.sum(Idea.support_count),
            func.sum(Idea.comment_count),
        )
        .where(Idea.listed == true())
        .group_by(Idea.municipality_id, Idea.field_id)
    ).all()
    places, fields = municipality_choices(blank=False), field_choices(ids=True)
    return _summed(places, figures, 0), _summed(fields, figures, 1)


def _summed(names, figures, key: int) -> list[Participation]:
    rows = {row_id: Participation(name, 0, 0, 0) for row_id, name in names}
    for row in figures:
        target = rows.get(row[key])
        if target is not None:
            target.ideas += int(row[2])
            target.supports += int(row[3] or 0)
            target.comments += int(row[4] or 0)
    return list(rows.values())


def month_starts(now: datetime, count: int = MONTHS) -> list[datetime]:
    """The starts of the last `count` months in Berlin (the current one last) and of
    the next month, as naive UTC like the stored timestamps: count + 1 bounds."""
    local = now.replace(tzinfo=UTC).astimezone(ZONE)
    year, month = local.year, local.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    bounds = []
    for _ in range(count + 1):
        start = datetime(year, month, 1, tzinfo=ZONE)
        bounds.append(start.astimezone(UTC).replace(tzinfo=None))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return bounds


def _counts_per_month(model, column, bounds: list[datetime], *conditions) -> list[int]:
    """Rows per month, one range count each: index range scans, no arithmetic per row."""
    counts = [
        select(func.count()).select_from(model).where(column >= start, column < end, *conditions)
        for start, end in pairwise(bounds)
    ]
    row = db.session.execute(select(*(count.scalar_subquery() for count in counts))).one()
    return [int(n) for n in row]


def _supports_on_ideas_not_public(bounds: list[datetime]) -> list[int]:
    """Supports per month for ideas that are not public now (hidden later): few rows,
    found from the ideas' side, bucketed by comparing with the months' bounds."""
    bucket = case(
        *[(Support.created_at < bound, index) for index, bound in enumerate(bounds[1:])]
    ).label("bucket")
    not_public = select(Idea.id).where(Idea.state.in_(NOT_PUBLIC))
    rows = (
        select(bucket)
        .where(
            Support.created_at >= bounds[0],
            Support.created_at < bounds[-1],
            Support.idea_id.in_(not_public),
        )
        .subquery()
    )
    found = dict(
        db.session.execute(select(rows.c.bucket, func.count()).group_by(rows.c.bucket)).all()
    )
    return [int(found.get(index, 0)) for index in range(len(bounds) - 1)]


def per_month(now: datetime | None = None) -> list[Month]:
    """Public ideas by the month they were submitted, supports for public ideas by the
    month they were given: the last twelve months in Berlin time, this one included.

    Supports are counted as all minus those for ideas no longer public: checking each
    support's idea would cost a lookup per support."""
    bounds = month_starts(now or utcnow())
    ideas = _counts_per_month(Idea, Idea.created_at, bounds, Idea.listed == true())
    supports = _counts_per_month(Support, Support.created_at, bounds)
    hidden = _supports_on_ideas_not_public(bounds)
    months = []
    for index, bound in enumerate(bounds[:-1]):
        local = bound.replace(tzinfo=UTC).astimezone(ZONE)
        months.append(Month(local.date(), ideas[index], supports[index] - hidden[index]))
    return months


def funnel() -> list[FunnelStep]:
    """How far submitted ideas got; each step counts by its own definition."""
    submitted = Idea.state != IdeaState.WITHDRAWN
    in_completed = (
        select(ProjectIdea.idea_id)
        .join(Project, Project.id == ProjectIdea.project_id)
        .where(ProjectIdea.idea_id == Idea.id, Project.status == ProjectStatus.COMPLETED)
        .exists()
    )
    conditions = {
        "submitted": submitted,
        "published": submitted & or_(Idea.published_at.is_not(None), Idea.state.in_(ONCE_PUBLIC)),
        "rated": submitted & exists().where(Assessment.idea_id == Idea.id),
        "in_project": submitted & exists().where(ProjectIdea.idea_id == Idea.id),
        "completed": submitted & in_completed,
    }
    counts = [
        select(func.count(Idea.id)).where(condition).scalar_subquery()
        for condition in conditions.values()
    ]
    figures = dict(zip(conditions, db.session.execute(select(*counts)).one(), strict=True))
    steps = [FunnelStep(key, label, text, int(figures[key])) for key, label, text in FUNNEL_STEPS]
    for step in steps:
        step.share = de_percent(step.count, steps[0].count)
    return steps


def pipeline_stats(now: datetime | None = None) -> PipelineStats:
    places, fields = participation()
    return PipelineStats(
        per_municipality=places,
        per_field=fields,
        months=per_month(now),
        funnel=funnel(),
    )


def charts(figures: PipelineStats, measure: str) -> dict:
    """The geometry of each chart; `measure` picks what the place and field bars show."""

    def columns(attribute: str) -> list[tuple[str, str, int]]:
        """Month abbreviations; the short year under the first column and each January."""
        return [
            (
                m.short,
                f"’{m.start.year % 100:02d}" if i == 0 or m.start.month == 1 else "",
                getattr(m, attribute),
            )
            for i, m in enumerate(figures.months)
        ]

    return {
        "places": hbar_chart([(r.name, r.measure(measure)) for r in figures.per_municipality]),
        "fields": hbar_chart([(r.name, r.measure(measure)) for r in figures.per_field]),
        "ideas": column_chart(columns("ideas")),
        "supports": column_chart(columns("supports")),
        "funnel": hbar_chart([(step.label, step.count) for step in figures.funnel]),
    }
