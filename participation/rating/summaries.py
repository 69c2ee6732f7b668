"""Kept rating summaries: per rated idea the number of ratings and the sums of both scales.

/pipeline sorts and filters by them without grouping the assessments on each request.
Like the ideas' tallies (`ideas/tallies.py`) the table lives in the migration
(`20261201_f14b7a11e002`), kept by triggers on `assessments` for every writer, outside
the models and backups; an idea without ratings has no row. `flask recount` checks it.
"""

from dataclasses import dataclass

from sqlalchemy import Column, Float, Integer, Table, cast, func, literal, select, union_all

from ..extensions import db
from ..ideas.tallies import KEPT, lock_against_writers
from .models import Assessment

idea_rating_summaries = Table(
    "idea_rating_summaries",
    KEPT,
    Column("idea_id", Integer, primary_key=True, autoincrement=False),
    Column("raters", Integer, nullable=False),
    Column("relevance_sum", Integer, nullable=False),
    Column("feasibility_sum", Integer, nullable=False),
)


def mean(column):
    """A summed column per rating (a scale's mean); NULL without ratings."""
    raters = func.nullif(idea_rating_summaries.c.raters, 0)
    return cast(column, Float) / raters


def mean_relevance():
    return mean(idea_rating_summaries.c.relevance_sum)


def mean_feasibility():
    return mean(idea_rating_summaries.c.feasibility_sum)


@dataclass
class SummaryDrift:
    idea_id: int
    column: str
    cached: int
    actual: int

    def __str__(self) -> str:
        return (
            f"Idee {self.idea_id}: Bewertungen {self.column} gespeichert {self.cached}, "
            f"tatsächlich {self.actual}"
        )


COLUMNS = ("raters", "relevance_sum", "feasibility_sum")


def _kept_against_actual():
    """Per idea with a summary or ratings, when they differ: the kept figures, then the
    actual ones, in one statement (one snapshot) over the summaries and the assessments."""
    s = idea_rating_summaries.c
    kept = [s.raters, s.relevance_sum, s.feasibility_sum]
    actual = [
        func.count(),
        func.sum(Assessment.relevance),
        func.sum(Assessment.feasibility),
    ]
    zeros = [literal(0).label(f"zero_{n}") for n in range(3)]
    both = union_all(
        select(s.idea_id, *kept, *zeros),
        select(Assessment.idea_id, *zeros, *actual).group_by(Assessment.idea_id),
    ).subquery()
    idea_id, *figures = both.c
    sums = [func.sum(column) for column in figures]
    differ = (sums[0] != sums[3]) | (sums[1] != sums[4]) | (sums[2] != sums[5])
    return select(idea_id, *sums).group_by(idea_id).having(differ).order_by(idea_id)


def check_summaries(repair: bool = False) -> list[SummaryDrift]:
    """Compare the summaries with the assessments; with `repair`, rewrite the drifted."""
    if repair:
        lock_against_writers(idea_rating_summaries)
    drifts, repaired = [], []
    for idea_id, *figures in db.session.execute(_kept_against_actual()):
        kept, actual = [int(n) for n in figures[:3]], [int(n) for n in figures[3:]]
        drifts += [
            SummaryDrift(idea_id, name, k, a)
            for name, k, a in zip(COLUMNS, kept, actual, strict=True)
            if k != a
        ]
        repaired.append((idea_id, actual))
    if repair and repaired:
        _rewrite(repaired)
    return drifts


CHUNK = 500  # ids per DELETE: SQLite limits the parameters of one statement


def _rewrite(rows: list[tuple[int, list[int]]]) -> None:
    ids = [idea_id for idea_id, _ in rows]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        db.session.execute(
            idea_rating_summaries.delete().where(idea_rating_summaries.c.idea_id.in_(chunk))
        )
    rated = [
        dict(idea_id=idea_id, **dict(zip(COLUMNS, actual, strict=True)))
        for idea_id, actual in rows
        if actual[0]
    ]
    if rated:
        db.session.execute(idea_rating_summaries.insert(), rated)
    db.session.flush()
