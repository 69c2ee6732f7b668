"""The rating overview: every published idea with its internal figures."""

from dataclasses import dataclass

from sqlalchemy import Select, exists, func, literal, select, true, union_all

from ..accounts.models import User
from ..extensions import db
from ..ideas.listing import in_field_and_place, with_card_details
from ..ideas.models import PUBLIC_STATE_LABELS, Idea
from ..ideas.tallies import count_ideas
from ..pagination import Page
from ..query_filters import QueryFilter, choice, flag, number, page, text
from ..roles import PIPELINE_ROLES, acting_holders
from .models import Assessment
from .services import rating_spread
from .summaries import idea_rating_summaries, mean, mean_feasibility, mean_relevance

SORTS = {
    "supported": "Meiste Unterstützung",
    "rating": "Beste Bewertung",
    "relevance": "Höchste Relevanz",
    "unrated": "Wenigste Bewertungen",
}
RATED_CHOICES = {"yes": "Bewertet", "no": "Noch nicht bewertet"}
TAKEN_CHOICES = PUBLIC_STATE_LABELS
PER_PAGE = 30


@dataclass
class OverviewFilter(QueryFilter):
    field: str | None = text()
    municipality: str | None = text()
    only_unrated_by_me: bool = flag(param="unrated")
    min_supports: int = number(0, 10**9, default=0)
    rated: str | None = choice(RATED_CHOICES)
    taken: str | None = choice(TAKEN_CHOICES)
    sort: str = choice(SORTS, default="supported")
    page: int = page()


@dataclass
class RatedIdea:
    idea: Idea
    raters: int
    mean_relevance: float | None
    mean_feasibility: float | None
    spread: int | None  # the largest gap between two members on either scale
    mine: bool


@dataclass
class Overview(Page):
    members: int = 0

    @property
    def rows(self) -> list[RatedIdea]:
        return self.items


def member_count() -> int:
    """How many people may rate: the denominator of "3 von 7 bewertet"."""
    # Blocked people may not rate (permissions.can_rate_ideas), so they do not count.
    return acting_holders(PIPELINE_ROLES)


def _filtered(user, filters: OverviewFilter) -> Select:
    in_state = Idea.state == filters.taken if filters.taken else Idea.listed == true()
    query = in_field_and_place(select(Idea).where(in_state), filters.field, filters.municipality)
    if filters.only_unrated_by_me:
        query = query.where(~_mine(user))
    if filters.min_supports:
        query = query.where(Idea.support_count >= filters.min_supports)
    if filters.rated:
        rated = exists().where(Assessment.idea_id == Idea.id)
        query = query.where(rated if filters.rated == "yes" else ~rated)
    return query


def _mine(user):
    return exists().where(Assessment.idea_id == Idea.id, Assessment.rater_id == user.id)


def _total(filters: OverviewFilter, query: Select) -> int:
    """From the kept tallies when only state, field and town narrow the list."""
    if not (filters.only_unrated_by_me or filters.min_supports or filters.rated):
        return count_ideas(filters.taken, filters.field, filters.municipality)
    return db.session.scalar(query.with_only_columns(func.count()).select_from(Idea).order_by(None))


def _order(sort: str) -> tuple:
    """The sort's order for rows joined to their summaries (none: no figure, 0)."""
    by_support = (Idea.support_count.desc(), Idea.id.desc())
    if sort == "supported":
        return by_support
    figure = func.coalesce(_rating_key(sort), 0)
    return (figure if sort == "unrated" else figure.desc(), *by_support)


def _ranked(query: Select, filters: OverviewFilter) -> Select:
    """The ids of the page's ideas in the order of the sort.

    A sort by the figures takes the rated ideas, ordered by their kept summaries, and
    the unrated ones (no figure, so after or before all rated ones), ordered by support
    as an index holds them; each side gives at most the rows up to this page. The cost
    follows the number of rated ideas and the page, not the number of ideas."""
    offset = (filters.page - 1) * PER_PAGE
    by_support = (Idea.support_count.desc(), Idea.id.desc())
    if filters.sort == "supported":
        ranked = query.with_only_columns(Idea.id).order_by(*by_support)
        return ranked.limit(PER_PAGE).offset(offset)
    summary = idea_rating_summaries.c
    key = _rating_key(filters.sort)
    ascending = filters.sort == "unrated"
    rated = (
        query.join(idea_rating_summaries, (summary.idea_id == Idea.id) & (summary.raters > 0))
        .with_only_columns(
            Idea.id, literal(int(ascending)).label("side"), key.label("key"), Idea.support_count
        )
        .order_by(key if ascending else key.desc(), *by_support)
    )
    unrated = (
        query.where(~exists().where(summary.idea_id == Idea.id, summary.raters > 0))
        .with_only_columns(
            Idea.id,
            literal(int(not ascending)).label("side"),
            literal(0, key.type).label("key"),
            Idea.support_count,
        )
        .order_by(*by_support)
    )
    sides = [select(side.limit(offset + PER_PAGE).subquery()) for side in (rated, unrated)]
    both = union_all(*sides).subquery()
    return (
        select(both.c.id)
        .order_by(
            both.c.side,
            both.c.key if ascending else both.c.key.desc(),
            both.c.support_count.desc(),
            both.c.id.desc(),
        )
        .limit(PER_PAGE)
        .offset(offset)
    )


def _rating_key(sort: str):
    """What a sort by the figures orders rated ideas by: the means' sum, the mean
    relevance or the number of ratings."""
    summary = idea_rating_summaries.c
    if sort == "rating":
        return mean(summary.relevance_sum + summary.feasibility_sum)
    if sort == "relevance":
        return mean_relevance()
    return summary.raters


def rating_overview(user, filters: OverviewFilter) -> Overview:
    """One page of the overview, ranked by the kept rating summaries (`summaries.py`);
    only the spread is counted from the ratings, for the page's ideas."""
    query = _filtered(user, filters)
    total = _total(filters, query)
    order = _order(filters.sort)
    summary = idea_rating_summaries.c
    # Rank narrow rows first (only the sort needs the figures), then load the page's
    # thirty ideas with their details: joining every idea's details before sorting cost
    # 80 ms with 10,000 ideas on PostgreSQL.
    page_query = (
        with_card_details(select(Idea).where(Idea.id.in_(_ranked(query, filters))))
        .outerjoin(idea_rating_summaries, summary.idea_id == Idea.id)
        .add_columns(
            func.coalesce(summary.raters, 0),
            mean_relevance(),
            mean_feasibility(),
            rating_spread(Assessment.relevance),
            rating_spread(Assessment.feasibility),
            _mine(user).label("mine"),
        )
        .order_by(*order)
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
    return Overview(rows, total, filters.page, PER_PAGE, members=member_count())


def assessments_of(idea) -> list[Assessment]:
    """All members' ratings and notes of one idea, for the rating page."""

    query = (
        select(Assessment, User.display_name)
        .join(User, User.id == Assessment.rater_id)
        .where(Assessment.idea_id == idea.id)
        .order_by(Assessment.updated_at.desc())
    )
    return list(db.session.execute(query))
