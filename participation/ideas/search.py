"""German full-text search behind one function, on PostgreSQL and SQLite.

PostgreSQL: `to_tsvector('german', title || ' ' || body)` with a GIN index
(created by the migration) and the German stemmer. SQLite: an FTS5 table kept
in sync by triggers; a light suffix stripper plus prefix matching stands in for
the stemmer, so "Radwege" and "Radweg" find each other.
"""

import re

from sqlalchemy import ColumnElement, false, func, literal_column, select, text

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


def matching_condition(query: str | None, any_word: bool = False) -> ColumnElement[bool] | None:
    """A WHERE condition for ideas matching the query; None when there is nothing to search."""
    words = search_words(query)
    if any_word:
        words = [w for w in words if w not in STOPWORDS and len(w) >= 4]
    if not words:
        return None if not any_word else false()
    if db.session.get_bind().dialect.name == "postgresql":
        return _pg_condition(words, any_word)
    matches = (
        select(literal_column("rowid"))
        .select_from(text(SEARCH_TABLE_PREFIX))
        .where(
            text(f"{SEARCH_TABLE_PREFIX} MATCH :fts_query").bindparams(
                fts_query=_fts5_query(words, any_word)
            )
        )
    )
    return Idea.id.in_(matches)


def is_search_object(name: str | None) -> bool:
    """For Alembic: search structures live in migrations, outside the models."""
    return bool(name) and (name in SEARCH_INDEX_NAMES or name.startswith(SEARCH_TABLE_PREFIX))


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the dialect-specific search structures to the migration."""
    return not is_search_object(name)
