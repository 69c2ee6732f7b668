"""Finding ideas: filters and sorting from allowlists, pagination, fixed query count."""

from dataclasses import dataclass, field
from math import ceil

from sqlalchemy import Select, func, select, true
from sqlalchemy.orm import contains_eager, selectinload

from ..accounts.models import User
from ..extensions import db
from ..pagination import Page
from ..query_filters import QueryFilter, choice, page, text
from ..strategy.models import FieldOfAction, Municipality
from . import search, tallies
from .models import PUBLIC_STATE_LABELS, Follow, Idea, Support

SORTS = {
    "newest": "Neueste zuerst",
    "supported": "Meiste Unterstützung",
    "discussed": "Meiste Kommentare",
    "trending": "Gerade gefragt",
}
DEFAULT_SORT = "newest"
LISTABLE_STATES = PUBLIC_STATE_LABELS
PER_PAGE = 20
# A search counts its matches up to here ("mehr als 1.000"): a common word matches thousands.
SEARCH_COUNT_CAP = 1000


@dataclass
class IdeaFilter(QueryFilter):
    """Only allowlisted values survive; anything hostile falls back to the default."""

    field: str | None = text()
    municipality: str | None = text()
    state: str | None = choice(LISTABLE_STATES)
    sort: str = choice(SORTS, default=DEFAULT_SORT)
    q: str = text(default="")
    page: int = page()


@dataclass
class IdeaPage(Page):
    filters: IdeaFilter | None = None
    options: dict = field(default_factory=dict)
    more: bool = False  # a search found more than `total` (SEARCH_COUNT_CAP) ideas

    @property
    def ideas(self) -> list[Idea]:
        return self.items


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


def filtered_ideas(filters: IdeaFilter) -> Select:
    """The public ideas a list's filters find, unordered (the map of ideas uses it too)."""
    return _base_query(filters)


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
            selectinload(Idea.photos),  # one more query per list, for the cards' photos
        )
    )


def _found(filters: IdeaFilter, base: Select) -> tuple[Select, int, bool]:
    """The ideas to page through, how many, and whether a search found more than that.

    Without a search the total comes from the kept tallies: no count over the ideas per
    request. A search takes the ids of its first SEARCH_COUNT_CAP + 1 matches: up to
    the cap, the page comes from those ids (a rare word's few matches are not looked
    for along the whole list); beyond it, from the list's own order, where matches are
    dense enough to come soon."""
    if not search.is_search(filters.q):
        return base, tallies.count_ideas(filters.state, filters.field, filters.municipality), False
    ids = search.first_matches(base, filters.q, SEARCH_COUNT_CAP + 1)
    if len(ids) > SEARCH_COUNT_CAP:
        return base, SEARCH_COUNT_CAP, True
    return select(Idea).where(Idea.id.in_(ids)), len(ids), False


def list_ideas(filters: IdeaFilter, per_page: int = PER_PAGE) -> IdeaPage:
    """One query for the page of ideas, one for the total (of a search: its first matches)."""
    base, total, more = _found(filters, _base_query(filters))
    pages = max(ceil(total / per_page), 1)
    page = min(filters.page, pages)
    query = (
        with_card_details(_ordered(base, filters.sort))
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    ideas = list(db.session.scalars(query).unique())
    return IdeaPage(
        items=ideas, total=total, page=page, per_page=per_page, filters=filters, more=more
    )


def top_ideas(filters: IdeaFilter, limit: int) -> list[Idea]:
    """The first few ideas of a list, in its order, without counting the whole list:
    one query, served by the (listed, sort column) indexes, for pages that show a few."""
    query = with_card_details(_ordered(_base_query(filters), filters.sort).limit(limit))
    return list(db.session.scalars(query).unique())


def similar_ideas(
    title: str, body: str = "", exclude_id: int | None = None, limit: int = 5
) -> list[Idea]:
    """Public ideas most like a new one's title and description: "Gibt es das schon?"."""
    query = select(Idea).where(_state_condition(None))
    if exclude_id is not None:
        query = query.where(Idea.id != exclude_id)
    query = search.most_similar_first(query, search.similarity_terms(title, body))
    query = with_card_details(query.order_by(Idea.id.desc()).limit(limit))
    return list(db.session.scalars(query).unique())


def ideas_by_author(user: User) -> list[Idea]:
    query = with_card_details(
        select(Idea).where(Idea.author_id == user.id).order_by(Idea.created_at.desc())
    )
    return list(db.session.scalars(query).unique())


ACCOUNT_LIST_SIZE = 10


def _others_public_ideas_linked(link, user: User, limit: int) -> IdeaPage:
    """Public ideas of others that `user` supports or follows (`link`), newest link first.

    Own ideas stay in "Meine Ideen": their authors follow them from the start.
    """
    base = (
        select(Idea)
        .join(link, link.idea_id == Idea.id)
        .where(link.user_id == user.id, Idea.listed == true(), Idea.author_id != user.id)
    )
    total = db.session.scalar(base.with_only_columns(func.count()).order_by(None))
    query = with_card_details(base.order_by(link.created_at.desc(), link.id.desc()).limit(limit))
    ideas = list(db.session.scalars(query).unique())
    return IdeaPage(items=ideas, total=total, page=1, per_page=limit)


def ideas_supported_by(user: User, limit: int = ACCOUNT_LIST_SIZE) -> IdeaPage:
    return _others_public_ideas_linked(Support, user, limit)


def ideas_followed_by(user: User, limit: int = ACCOUNT_LIST_SIZE) -> IdeaPage:
    return _others_public_ideas_linked(Follow, user, limit)


def get_idea_with_details(idea_id: int) -> Idea | None:
    query = with_card_details(select(Idea).where(Idea.id == idea_id))
    return db.session.scalars(query).unique().first()
