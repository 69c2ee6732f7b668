"""Kept tallies of ideas: how many ideas each (field of action, town, state) holds.

The public lists take their totals from here, never from a count over the ideas. The
table lives in the migration (`20261201_f14b7a11e002`), not in the models: database
triggers on `ideas` keep it right for every writer (services, the demo's bulk inserts, a
restored backup, plain SQL), and it is derived data that a backup leaves out, as it
leaves out the search index. `flask recount` compares it with the rows and repairs it.
"""

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    func,
    literal,
    select,
    text,
    union_all,
)

from ..extensions import db
from ..strategy.models import FieldOfAction, Municipality
from .models import PUBLIC_STATES, Idea

KEPT = MetaData()  # tables the migrations keep by trigger: outside the models' metadata

idea_tallies = Table(
    "idea_tallies",
    KEPT,
    Column("field_id", Integer, primary_key=True),
    Column("municipality_id", Integer, primary_key=True),
    Column("state", String(20), primary_key=True),
    Column("ideas", Integer, nullable=False),
)


def _in_state(state: str | None):
    """The tallies of one state, or of the public ones (`listed`), as `_state_condition`."""
    column = idea_tallies.c.state
    return column == state if state else column.in_(sorted(PUBLIC_STATES))


def count_ideas(state: str | None, field: str | None, municipality: str | None) -> int:
    """The number of ideas in `state` (None: the public ones) of a field and a town, given
    by slug as on the lists: one statement over at most (fields × towns × states) rows."""
    query = select(func.coalesce(func.sum(idea_tallies.c.ideas), 0)).where(_in_state(state))
    if field:
        field_id = select(FieldOfAction.id).where(FieldOfAction.slug == field)
        query = query.where(idea_tallies.c.field_id == field_id.scalar_subquery())
    if municipality:
        place_id = select(Municipality.id).where(Municipality.slug == municipality)
        query = query.where(idea_tallies.c.municipality_id == place_id.scalar_subquery())
    return int(db.session.scalar(query))


def public_ideas_per_municipality() -> dict[int, int]:
    """Public ideas per municipality id, for the district overview."""
    rows = db.session.execute(
        select(idea_tallies.c.municipality_id, func.sum(idea_tallies.c.ideas))
        .where(_in_state(None))
        .group_by(idea_tallies.c.municipality_id)
    )
    return {municipality_id: int(count) for municipality_id, count in rows if count}


@dataclass
class TallyDrift:
    field_id: int
    municipality_id: int
    state: str
    cached: int
    actual: int

    def __str__(self) -> str:
        return (
            f"Ideen in Handlungsfeld {self.field_id}, Kommune {self.municipality_id}, "
            f"Stand {self.state}: gespeichert {self.cached}, tatsächlich {self.actual}"
        )


def _kept_against_actual():
    """Each (field, town, state) with its kept and its actual number, in one statement
    (one snapshot) over the tallies and the ideas."""
    t = idea_tallies.c
    both = union_all(
        select(
            t.field_id,
            t.municipality_id,
            t.state,
            t.ideas.label("kept"),
            literal(0).label("actual"),
        ),
        select(Idea.field_id, Idea.municipality_id, Idea.state, literal(0), func.count()).group_by(
            Idea.field_id, Idea.municipality_id, Idea.state
        ),
    ).subquery()
    kept, actual = func.sum(both.c.kept), func.sum(both.c.actual)
    return (
        select(both.c.field_id, both.c.municipality_id, both.c.state, kept, actual)
        .group_by(both.c.field_id, both.c.municipality_id, both.c.state)
        .order_by(both.c.field_id, both.c.municipality_id, both.c.state)
    )


def lock_against_writers(table: Table) -> None:
    """PostgreSQL: wait for the transactions whose triggers changed `table`, and hold off
    new ones until commit, so that what a repair counts is what it writes."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text(f"LOCK TABLE {table.name} IN SHARE ROW EXCLUSIVE MODE"))


def check_tallies(repair: bool = False) -> list[TallyDrift]:
    """Compare the tallies with the ideas; with `repair`, set them to what the rows say."""
    if repair:
        lock_against_writers(idea_tallies)
    rows = db.session.execute(_kept_against_actual()).all()
    drifts = [TallyDrift(f, m, s, int(k), int(a)) for f, m, s, k, a in rows if k != a]
    if repair and drifts:
        _refill({(f, m, s): int(a) for f, m, s, _k, a in rows if a})
    return drifts


def _refill(actual: dict[tuple, int]) -> None:
    db.session.execute(idea_tallies.delete())
    rows = [
        {"field_id": field_id, "municipality_id": place_id, "state": state, "ideas": n}
        for (field_id, place_id, state), n in actual.items()
    ]
    if rows:
        db.session.execute(idea_tallies.insert(), rows)
    db.session.flush()
