"""German full-text search behind one function, on PostgreSQL and SQLite.

PostgreSQL: `to_tsvector('german', title || ' ' || body)` with a GIN index
(created by the migration) and the German stemmer. SQLite: an FTS5 table kept
in sync by triggers; a light suffix stripper plus prefix matching stands in for
the stemmer, so "Radwege" and "Radweg" find each other.
"""

import re

from sqlalchemy import ColumnElement, Select, false, func, literal_column, select, text

from ..extensions import db
from .models import Idea

SEARCH_INDEX_NAMES = frozenset({"ix_ideas_search"})
SEARCH_TABLE_PREFIX = "ideas_fts"
MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)
_SUFFIXES = ("ern", "en", "er", "es", "em", "e", "n", "s")
STOPWORDS = frozenset(
    [
        "der",
        "die",
        "das",
        "und",
        "oder",
        "für",
        "mit",
        "von",
        "im",
        "in",
        "am",
        "an",
        "auf",
        "zu",
        "zum",
        "zur",
        "den",
        "dem",
        "des",
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "ist",
        "sind",
        "wird",
        "werden",
        "mehr",
        "auch",
        "bei",
        "aus",
        "nach",
        "als",
        "wie",
        "wir",
        "sie",
        "es",
    ]
)


def search_words(query: str | None) -> list[str]:
    words = [w.lower() for w in _WORD.findall(query or "") if len(w) > 1]
    return words[:MAX_TERMS]


def _stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _fts5_query(words: list[str], any_word: bool) -> str:
    joiner = " OR " if any_word else " "
    return joiner.join(f'"{_stem(word)}"*' for word in words)


_PG_DOCUMENT = "to_tsvector('german', coalesce(ideas.title, '') || ' ' || coalesce(ideas.body, ''))"


def _pg_condition(words: list[str], any_word: bool) -> ColumnElement[bool]:
    joiner = " | " if any_word else " & "
    query = joiner.join(f"{word}:*" for word in words)
    tsquery = func.to_tsquery("german", query)
    return literal_column(_PG_DOCUMENT).op("@@")(tsquery)


def matching_condition(query: str | None) -> ColumnElement[bool] | None:
    """A WHERE condition for ideas matching all words; None when there is nothing to search."""
    words = search_words(query)
    if not words:
        return None
    if db.session.get_bind().dialect.name == "postgresql":
        return _pg_condition(words, any_word=False)
    matches = (
        select(literal_column("rowid"))
        .select_from(text(SEARCH_TABLE_PREFIX))
        .where(
            text(f"{SEARCH_TABLE_PREFIX} MATCH :fts_query").bindparams(
                fts_query=_fts5_query(words, any_word=False)
            )
        )
    )
    return Idea.id.in_(matches)


SIMILAR_TITLE_TERMS = 8
SIMILAR_BODY_TERMS = 8
# Words that say little about what an idea is about, beyond the general stopwords.
_FILLER = frozenset(
    {
        "idee",
        "ideen",
        "kreis",
        "sollte",
        "sollten",
        "könnte",
        "könnten",
        "können",
        "müssen",
        "brauchen",
        "damit",
        "dass",
        "diese",
        "dieser",
        "dieses",
        "gibt",
        "haben",
        "hier",
        "noch",
        "schon",
        "sehr",
        "viele",
        "wenn",
        "werden",
        "wäre",
        "wären",
        "würde",
        "würden",
    }
)


def _significant(words: list[str]) -> list[str]:
    return [w for w in words if len(w) >= 4 and w not in STOPWORDS and w not in _FILLER]


def similarity_terms(title: str | None, body: str | None = "") -> list[str]:
    """The words a new idea is about: those of its title, then its description's
    most frequent (and, among equals, longest) ones."""
    title_words = list(dict.fromkeys(_significant(_words(title))))[:SIMILAR_TITLE_TERMS]
    body_words = [w for w in _significant(_words(body)) if w not in title_words]
    ranked = sorted(set(body_words), key=lambda w: (-body_words.count(w), -len(w), w))
    return title_words + ranked[:SIMILAR_BODY_TERMS]


def _words(text_: str | None) -> list[str]:
    return [w.lower() for w in _WORD.findall(text_ or "")]


# The idea's own title counts more than its description (FTS5 column weights; the
# PostgreSQL weights A and B are 1.0 and 0.4 by default).
_FTS5_RANK = f"bm25({SEARCH_TABLE_PREFIX}, 3.0, 1.0)"
_PG_WEIGHTED_DOCUMENT = (
    "setweight(to_tsvector('german', coalesce(ideas.title, '')), 'A') || "
    "setweight(to_tsvector('german', coalesce(ideas.body, '')), 'B')"
)


def most_similar_first(query: Select, terms: list[str]) -> Select:
    """Narrow `query` (of ideas) to those sharing any of the terms, best match first:
    full-text rank (FTS5 bm25, PostgreSQL ts_rank), not popularity."""
    if not terms:
        return query.where(false())
    if db.session.get_bind().dialect.name == "postgresql":
        tsquery = func.to_tsquery("german", " | ".join(f"{word}:*" for word in terms))
        rank = func.ts_rank(literal_column(_PG_WEIGHTED_DOCUMENT), tsquery)
        return query.where(literal_column(_PG_DOCUMENT).op("@@")(tsquery)).order_by(rank.desc())
    ranked = (
        select(literal_column("rowid").label("idea_id"), literal_column(_FTS5_RANK).label("rank"))
        .select_from(text(SEARCH_TABLE_PREFIX))
        .where(
            text(f"{SEARCH_TABLE_PREFIX} MATCH :similar_query").bindparams(
                similar_query=_fts5_query(terms, any_word=True)
            )
        )
        .subquery()
    )
    return query.join(ranked, ranked.c.idea_id == Idea.id).order_by(ranked.c.rank)


def is_search_object(name: str | None) -> bool:
    """For Alembic: search structures live in migrations, outside the models."""
    return bool(name) and (name in SEARCH_INDEX_NAMES or name.startswith(SEARCH_TABLE_PREFIX))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the dialect-specific search structures to the migration."""
    return not is_search_object(name)
