"""The portfolio matrix: rated ideas by mean feasibility (x) and mean relevance (y).

Internal to the committee and the project team, like every rating figure.
"""

from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from math import cos, pi, sin, sqrt

from sqlalchemy import exists, func, select, true

from ..extensions import db
from ..ideas.listing import in_field_and_place
from ..ideas.models import PUBLIC_STATE_LABELS, Idea, IdeaState
from ..projects.models import ProjectIdea
from ..query_filters import QueryFilter, choice
from ..rating.models import Assessment
from ..rating.summaries import idea_rating_summaries, mean_feasibility, mean_relevance
from ..strategy.models import FieldOfAction, Municipality
from ..templating import format_number
from .svg import LinearScale

SORTS = {
    "supported": "Meiste Unterstützung",
    "relevance": "Höchste Relevanz",
    "feasibility": "Höchste Realisierbarkeit",
    "quadrant": "Nach Quadrant",
}
DEFAULT_SORT = "supported"
# Ideas with a mean of at least SPLIT count as "high" on that scale.
SPLIT = 3.0
# More points than this make neither a readable chart nor a light page: the
# best-supported are shown, and the filters narrow the selection.
MAX_POINTS = 300


class Quadrant(StrEnum):
    LEAD = "lead"
    POTENTIAL = "potential"
    QUICK = "quick"
    LATER = "later"


QUADRANT_LABELS = {
    Quadrant.LEAD: "Leitprojekt-Kandidaten",
    Quadrant.POTENTIAL: "Potenzial (aufwendig)",
    Quadrant.QUICK: "Schnelle Erfolge",
    Quadrant.LATER: "Zurückstellen",
}
QUADRANT_HINTS = {
    Quadrant.LEAD: "hohe Relevanz, gut machbar: Kandidaten für ein Leitprojekt",
    Quadrant.POTENTIAL: "hohe Relevanz, schwer machbar: lohnend, braucht Partner, Geld oder Zeit",
    Quadrant.QUICK: "geringere Relevanz, leicht machbar: kleine Schritte mit schneller Wirkung",
    Quadrant.LATER: "geringere Relevanz, schwer machbar: vorerst zurückstellen",
}
QUADRANT_ORDER = list(Quadrant)
# The labels in the chart's corners, broken to fit a quarter of a phone-wide chart.
QUADRANT_LINES = {
    Quadrant.LEAD: ("Leitprojekt-", "Kandidaten"),
    Quadrant.POTENTIAL: ("Potenzial", "(aufwendig)"),
    Quadrant.QUICK: ("Schnelle", "Erfolge"),
    Quadrant.LATER: ("Zurückstellen",),
}


class Group(StrEnum):
    """How a point is drawn; not by colour alone: filled disc, ring, dashed ring."""

    IN_PROJECT = "in-project"
    OPEN = "open"
    DECLINED = "declined"


GROUP_LABELS = {
    Group.IN_PROJECT: PUBLIC_STATE_LABELS[IdeaState.ADOPTED],
    Group.OPEN: PUBLIC_STATE_LABELS[IdeaState.PUBLISHED],
    Group.DECLINED: PUBLIC_STATE_LABELS[IdeaState.DECLINED],
}


def quadrant_of(relevance: float, feasibility: float) -> Quadrant:
    high_relevance, high_feasibility = relevance >= SPLIT, feasibility >= SPLIT
    if high_relevance:
        return Quadrant.LEAD if high_feasibility else Quadrant.POTENTIAL
    return Quadrant.QUICK if high_feasibility else Quadrant.LATER


@dataclass
class MatrixFilter(QueryFilter):
    """Only known slugs and sorts survive; anything else means "all". The field and
    municipality slugs are given to `from_args` (`field=`, `municipality=`)."""

    field: str | None = choice()
    municipality: str | None = choice()
    sort: str = choice(SORTS, default=DEFAULT_SORT)


@dataclass
class MatrixPoint:
    idea_id: int
    title: str
    state: str
    field: str
    municipality: str
    supports: int
    raters: int
    relevance: float
    feasibility: float
    in_project: bool
    cx: float = 0
    cy: float = 0
    r: float = 0

    @property
    def quadrant(self) -> Quadrant:
        return quadrant_of(self.relevance, self.feasibility)

    @property
    def quadrant_label(self) -> str:
        return QUADRANT_LABELS[self.quadrant]

    @property
    def group(self) -> Group:
        if self.in_project:
            return Group.IN_PROJECT
        return Group.DECLINED if self.state == IdeaState.DECLINED else Group.OPEN

    @property
    def group_label(self) -> str:
        return GROUP_LABELS[self.group]

    @property
    def relevance_text(self) -> str:
        return format_number(self.relevance, 1)

    @property
    def feasibility_text(self) -> str:
        return format_number(self.feasibility, 1)


@dataclass
class Matrix:
    points: list[MatrixPoint]
    rated: int  # all rated ideas in the selection, even beyond MAX_POINTS
    unrated: int  # public ideas in the selection nobody has rated yet
    filters: MatrixFilter

    @property
    def is_cut(self) -> bool:
        return self.rated > len(self.points)

    def count_in(self, quadrant: Quadrant) -> int:
        return sum(1 for point in self.points if point.quadrant == quadrant)


def _rated_ideas(filters: MatrixFilter) -> tuple[list[MatrixPoint], int]:
    summary = idea_rating_summaries.c  # kept per rated idea: no grouping of the ratings
    in_project = exists().where(ProjectIdea.idea_id == Idea.id)
    query = (
        select(
            Idea.id,
            Idea.title,
            Idea.state,
            FieldOfAction.name,
            Municipality.name,
            Idea.support_count,
            summary.raters,
            mean_relevance(),
            mean_feasibility(),
            in_project.label("in_project"),
            func.count().over().label("total"),
        )
        .join(idea_rating_summaries, (summary.idea_id == Idea.id) & (summary.raters > 0))
        .join(FieldOfAction, FieldOfAction.id == Idea.field_id)
        .join(Municipality, Municipality.id == Idea.municipality_id)
        .where(Idea.listed == true())
        .order_by(Idea.support_count.desc(), Idea.id.desc())
        .limit(MAX_POINTS)
    )
    rows = db.session.execute(in_field_and_place(query, filters.field, filters.municipality)).all()
    points = [
        MatrixPoint(*values, float(rel), float(feas), bool(project))
        for *values, rel, feas, project, _total in rows
    ]
    return points, rows[0].total if rows else 0


def _unrated_count(filters: MatrixFilter) -> int:
    rated = exists().where(Assessment.idea_id == Idea.id)
    query = select(func.count(Idea.id)).where(Idea.listed == true(), ~rated)
    return db.session.scalar(in_field_and_place(query, filters.field, filters.municipality)) or 0


SORT_KEYS = {
    "supported": lambda p: (-p.supports, -p.idea_id),
    "relevance": lambda p: (-p.relevance, -p.feasibility, -p.supports, -p.idea_id),
    "feasibility": lambda p: (-p.feasibility, -p.relevance, -p.supports, -p.idea_id),
    "quadrant": lambda p: (
        QUADRANT_ORDER.index(p.quadrant),
        -(p.relevance + p.feasibility),
        -p.supports,
        -p.idea_id,
    ),
}


def portfolio_matrix(filters: MatrixFilter) -> Matrix:
    """Every rated public idea in the selection (the best-supported MAX_POINTS), placed."""
    points, rated = _rated_ideas(filters)
    points.sort(key=SORT_KEYS[filters.sort])
    place_points(points)
    return Matrix(points=points, rated=rated, unrated=_unrated_count(filters), filters=filters)


# The plot: VIEW_WIDTH x VIEW_HEIGHT units, the square plot area inside the axes.
VIEW_WIDTH, VIEW_HEIGHT = 360, 360
PLOT_LEFT, PLOT_TOP, PLOT_SIZE = 54, 10, 296
R_MIN, R_MAX = 4.0, 16.0
# 1 and 5 sit a little inside the frame so that big points near them are not cut off.
X_SCALE = LinearScale((0.7, 5.3), (PLOT_LEFT, PLOT_LEFT + PLOT_SIZE))
Y_SCALE = LinearScale((0.7, 5.3), (PLOT_TOP + PLOT_SIZE, PLOT_TOP))
GOLDEN_ANGLE = pi * (3 - sqrt(5))


def radius(supports: int, most: int) -> float:
    """Area grows with support (square-root scale); every point stays visible."""
    if most <= 0:
        return R_MIN
    return round(max(R_MIN, R_MAX * sqrt(supports / most)), 1)


def place_points(points: list[MatrixPoint]) -> None:
    """Set each point's centre and radius; ideas with equal means sit side by side
    (a small sunflower spiral) instead of hiding each other."""
    most = max((point.supports for point in points), default=0)
    same_spot: dict[tuple, list[MatrixPoint]] = defaultdict(list)
    for point in points:
        point.r = radius(point.supports, most)
        same_spot[(round(point.feasibility, 2), round(point.relevance, 2))].append(point)
    for (feasibility, relevance), group in same_spot.items():
        x, y = X_SCALE(feasibility), Y_SCALE(relevance)
        for index, point in enumerate(group):
            distance = 0 if len(group) == 1 else 5 * sqrt(index + 0.5)
            point.cx = round(x + distance * cos(index * GOLDEN_ANGLE), 1)
            point.cy = round(y + distance * sin(index * GOLDEN_ANGLE), 1)


@dataclass(frozen=True)
class AxisTick:
    value: int
    position: float


@dataclass(frozen=True)
class CornerLabel:
    lines: list[tuple[str, float]]  # (text, y)
    x: float
    anchor: str


def corner_labels() -> list[CornerLabel]:
    """Each quadrant's name in its outer corner: top ones hang down, bottom ones stand up."""
    left, right = PLOT_LEFT + 6, PLOT_LEFT + PLOT_SIZE - 6
    top, bottom, step = PLOT_TOP + 17, PLOT_TOP + PLOT_SIZE - 8, 15
    labels = []
    for quadrant, x, anchor, upper in (
        (Quadrant.POTENTIAL, left, "start", True),
        (Quadrant.LEAD, right, "end", True),
        (Quadrant.LATER, left, "start", False),
        (Quadrant.QUICK, right, "end", False),
    ):
        lines = QUADRANT_LINES[quadrant]
        first = top if upper else bottom - step * (len(lines) - 1)
        labels.append(CornerLabel([(t, first + step * i) for i, t in enumerate(lines)], x, anchor))
    return labels


def axis_ticks() -> dict:
    """Coordinates the template needs for frame, ticks, split lines and quadrant labels."""
    return {
        "corners": corner_labels(),
        "x": [AxisTick(v, X_SCALE(v)) for v in range(1, 6)],
        "y": [AxisTick(v, Y_SCALE(v)) for v in range(1, 6)],
        "split_x": X_SCALE(SPLIT),
        "split_y": Y_SCALE(SPLIT),
        "left": PLOT_LEFT,
        "top": PLOT_TOP,
        "right": PLOT_LEFT + PLOT_SIZE,
        "bottom": PLOT_TOP + PLOT_SIZE,
        "size": PLOT_SIZE,
        "width": VIEW_WIDTH,
        "height": VIEW_HEIGHT,
    }
