"""The rating overview: every published idea with its internal figures."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import exists, func, or_, select

from ..accounts.models import RoleAssignment, User
from ..extensions import db
from ..ideas.listing import in_field_and_place, with_card_details
from ..ideas.models import Idea, IdeaState
from ..timeutil import utcnow
from .models import Assessment
from .permissions import PIPELINE_ROLES

SORTS = {
    "supported": "Meiste Unterstützung",
    "relevance": "Höchste Relevanz",
    "unrated": "Wenigste Bewertungen",
}
PER_PAGE = 30


@dataclass
class OverviewFilter:
    field: str | None = None
    municipality: str | None = None
    only_unrated_by_me: bool = False
    sort: str = "supported"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "OverviewFilter":
        sort = args.get("sort", "supported")
        try:
            page = max(int(args.get("page", 1)), 1)
        except ValueError:
            page = 1
        return cls(
            field=args.get("field") or None,
            municipality=args.get("municipality") or None,
            only_unrated_by_me=args.get("unrated") == "1",
            sort=sort if sort in SORTS else "supported",
            page=page,
        )

    def as_args(self, **changes) -> dict:
        values = {
            "field": self.field,
            "municipality": self.municipality,
            "unrated": "1" if self.only_unrated_by_me else None,
            "sort": self.sort if self.sort != "supported" else None,
            "page": self.page,
        } | changes
        return {k: v for k, v in values.items() if v not in (None, "", 1)}


@dataclass
class RatedIdea:
    idea: Idea
    raters: int
    mean_relevance: float | None
    mean_feasibility: float | None
    spread: int | None  # the largest gap between two members on either scale
    mine: bool


@dataclass
class Overview:
    rows: list[RatedIdea]
    members: int
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(ceil(self.total / PER_PAGE), 1)


def member_count() -> int:
    """How many people may rate: the denominator of "3 von 7 bewertet"."""
    query = (
        select(func.count(func.distinct(RoleAssignment.user_id)))
        .join(User, User.id == RoleAssignment.user_id)
        .where(
            RoleAssignment.role.in_(list(PIPELINE_ROLES)),
            User.deleted_at.is_(None),
            # blocked people may not rate (permissions.can_rate_ideas), so they do not count
            or_(User.blocked_at.is_(None), User.blocked_until <= utcnow()),
        )
    )
    return db.session.scalar(query) or 0


def rating_overview(user, filters: OverviewFilter) -> Overview:
    figures = (
        select(
            Assessment.idea_id,
            func.count().label("raters"),
            func.avg(Assessment.relevance).label("relevance"),
            func.avg(Assessment.feasibility).label("feasibility"),
            (func.max(Assessment.relevance) - func.min(Assessment.relevance)).label("rel_spread"),
            (func.max(Assessment.feasibility) - func.min(Assessment.feasibility)).label(
                "feas_spread"
            ),
        )
        .group_by(Assessment.idea_id)
        .subquery()
    )
    mine = exists().where(Assessment.idea_id == Idea.id, Assessment.rater_id == user.id)
    query = in_field_and_place(
        select(Idea).where(Idea.state == IdeaState.PUBLISHED), filters.field, filters.municipality
    )
    if filters.only_unrated_by_me:
        query = query.where(~mine)
    total = db.session.scalar(
        query.with_only_columns(func.count()).select_from(Idea).order_by(None)
    )
    raters = func.coalesce(figures.c.raters, 0)
    order = {
        "supported": (Idea.support_count.desc(), Idea.id.desc()),
        "relevance": (
            func.coalesce(figures.c.relevance, 0).desc(),
            Idea.support_count.desc(),
            Idea.id.desc(),
        ),
        "unrated": (raters, Idea.support_count.desc(), Idea.id.desc()),
    }[filters.sort]
    page_query = (
        with_card_details(query)
        .outerjoin(figures, figures.c.idea_id == Idea.id)
        .add_columns(
            raters,
            figures.c.relevance,
            figures.c.feasibility,
            figures.c.rel_spread,
            figures.c.feas_spread,
            mine.label("mine"),
        )
        .order_by(*order)
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    )
    rows = [
        RatedIdea(
            idea=idea,
            raters=count,
            mean_relevance=float(rel) if rel is not None else None,
            mean_feasibility=float(feas) if feas is not None else None,
            spread=max(rs, fs) if rs is not None else None,
            mine=bool(is_mine),
        )
        for idea, count, rel, feas, rs, fs, is_mine in db.session.execute(page_query).unique()
    ]
    return Overview(rows=rows, members=member_count(), total=total, page=filters.page)


def assessments_of(idea) -> list[Assessment]:
    """All members' ratings and notes of one idea, for the rating page."""
    from ..accounts.models import User

    query = (
        select(Assessment, User.display_name)
        .join(User, User.id == Assessment.rater_id)
        .where(Assessment.idea_id == idea.id)
        .order_by(Assessment.updated_at.desc())
    )
    return list(db.session.execute(query))
