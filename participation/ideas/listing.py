"""Finding ideas: filters and sorting from allowlists, pagination, fixed query count."""

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import contains_eager

from ..accounts.models import User
from ..extensions import db
from ..input_guard import page_number
from ..strategy.models import FieldOfAction, Municipality
from . import search
from .models import Idea, IdeaState

SORTS = {
    "newest": "Neueste zuerst",
    "supported": "Meiste Unterstützung",
    "discussed": "Meiste Kommentare",
    "trending": "Gerade gefragt",
}
DEFAULT_SORT = "newest"
LISTABLE_STATES = {
    IdeaState.PUBLISHED: "Offen",
    IdeaState.ADOPTED: "In ein Projekt eingeflossen",
    IdeaState.DECLINED: "Nicht weiterverfolgt",
}
PER_PAGE = 20


@dataclass
class IdeaFilter:
    field: str | None = None
    municipality: str | None = None
    state: str | None = None
    sort: str = DEFAULT_SORT
    q: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "IdeaFilter":
        """Only allowlisted values survive; anything hostile falls back to the default."""
        sort = args.get("sort", DEFAULT_SORT)
        state = args.get("state") or None
        return cls(
            field=(args.get("field") or None),
            municipality=(args.get("municipality") or None),
            state=state if state in LISTABLE_STATES else None,
            sort=sort if sort in SORTS else DEFAULT_SORT,
            q=(args.get("q") or "").strip()[:200],
            page=page_number(args.get("page")),
        )

    def as_args(self, **changes) -> dict:
        values = {
            "field": self.field,
            "municipality": self.municipality,
            "state": self.state,
            "sort": self.sort if self.sort != DEFAULT_SORT else None,
            "q": self.q or None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "", 1)}

    @property
    def is_filtered(self) -> bool:
        return bool(self.field or self.municipality or self.state or self.q)


@dataclass
class IdeaPage:
    ideas: list[Idea]
    total: int
    page: int
    per_page: int
    filters: IdeaFilter
    options: dict = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(ceil(self.total / self.per_page), 1)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_prev(self) -> bool:
        return self.page > 1


def _state_condition(state: str | None):
    """`=` on one column, so the (state or listed, sort column) indexes serve the ordering."""
    return Idea.state == state if state else Idea.listed == true()


def in_field_and_place(query: Select, field: str | None, municipality: str | None) -> Select:
    """Narrow a query of ideas to a field of action and a municipality, given by slug."""
    if field:
        field_id = select(FieldOfAction.id).where(FieldOfAction.slug == field)
        query = query.where(Idea.field_id == field_id.scalar_subquery())
    if municipality:
        place_id = select(Municipality.id).where(Municipality.slug == municipality)
        query = query.where(Idea.municipality_id == place_id.scalar_subquery())
    return query


def _base_query(filters: IdeaFilter) -> Select:
    query = in_field_and_place(
        select(Idea).where(_state_condition(filters.state)), filters.field, filters.municipality
    )
    condition = search.matching_condition(filters.q)
    if condition is not None:
        query = query.where(condition)
    return query


def _ordered(query: Select, sort: str) -> Select:
    if sort == "supported":
        return query.order_by(Idea.support_count.desc(), Idea.id.desc())
    if sort == "discussed":
        return query.order_by(Idea.comment_count.desc(), Idea.id.desc())
    if sort == "trending":
        return query.order_by(
            Idea.recent_support_count.desc(), Idea.support_count.desc(), Idea.id.desc()
        )
    return query.order_by(Idea.created_at.desc(), Idea.id.desc())


def with_card_details(query: Select) -> Select:
    """Everything a card shows, joined in the same query."""
    return (
        query.join(Idea.author)
        .join(Idea.field)
        .join(Idea.municipality)
        .options(
            contains_eager(Idea.author),
            contains_eager(Idea.field),
            contains_eager(Idea.municipality),
        )
    )


def list_ideas(filters: IdeaFilter, per_page: int = PER_PAGE) -> IdeaPage:
    """One query for the page of ideas, one for the total."""
    base = _base_query(filters)
    # Counting ids straight from the filtered table lets the database answer from an index.
    total = db.session.scalar(base.with_only_columns(func.count()).select_from(Idea).order_by(None))
    pages = max(ceil(total / per_page), 1)
    page = min(filters.page, pages)
    query = (
        with_card_details(_ordered(base, filters.sort))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    ideas = list(db.session.scalars(query).unique())
    return IdeaPage(ideas=ideas, total=total, page=page, per_page=per_page, filters=filters)


def similar_ideas(title: str, exclude_id: int | None = None, limit: int = 5) -> list[Idea]:
    """Published ideas sharing significant words with a title: "Gibt es das schon?"."""
    condition = search.matching_condition(title, any_word=True)
    query = select(Idea).where(_state_condition(None), condition)
    if exclude_id is not None:
        query = query.where(Idea.id != exclude_id)
    query = with_card_details(
        query.order_by(Idea.support_count.desc(), Idea.id.desc()).limit(limit)
    )
    return list(db.session.scalars(query).unique())


def ideas_by_author(user: User) -> list[Idea]:
    query = with_card_details(
        select(Idea).where(Idea.author_id == user.id).order_by(Idea.created_at.desc())
    )
    return list(db.session.scalars(query).unique())


def get_idea_with_details(idea_id: int) -> Idea | None:
    query = with_card_details(select(Idea).where(Idea.id == idea_id))
    return db.session.scalars(query).unique().first()
