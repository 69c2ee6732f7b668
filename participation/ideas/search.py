"""German full-text search behind one function, on PostgreSQL and SQLite.

Both use the Snowball German stemmer and leave out PostgreSQL's German stop words, so
"Radwege", "Radwegen" and "Radweg" find each other and a search finds the same ideas
on either database:

- PostgreSQL: the stored, generated column `ideas.search_vector` (title weighted A,
  description B) with a GIN index, both from the migration; `to_tsquery('german', …)`
  stems the search words.
- SQLite: the FTS5 table `ideas_fts` holds the stems of title and description. The
  migration's triggers write them through the SQL function `ideas_search_text`, which
  every SQLite connection of the process gets (`stemmed_text`), so whatever writes ideas
  (services, bulk inserts of the demo, a restore, a migration) keeps the index in step.
  The search words are stemmed here, with the same stemmer.

Every search word is also a prefix ("Rad" finds "Radweg", "Schul" "Schulweg"): German
joins words into compounds, and the "Gibt es das schon?" hint searches while the title is
typed. The stemmer must stay on Snowball 2 (pyproject.toml): PostgreSQL 15 stems
with it, Snowball 3 stems German differently.
"""

import re
import sqlite3
import threading
from collections.abc import Callable
from functools import lru_cache

import snowballstemmer
from sqlalchemy import ColumnElement, Engine, Select, event, false, func, literal_column, select
from sqlalchemy import text as sql

from ..extensions import db
from .german_stopwords import GERMAN_STOPWORDS
from .models import Idea

SEARCH_INDEX_NAMES = frozenset({"ix_ideas_search"})
SEARCH_COLUMN_NAMES = frozenset({"search_vector"})
SEARCH_TABLE_PREFIX = "ideas_fts"
SEARCH_TEXT_FUNCTION = "ideas_search_text"
MAX_TERMS = 8
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as both databases split words
_local = threading.local()  # a stemmer object keeps the word it works on


def _snowball(word: str) -> str:
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("german")
    return stemmer.stemWord(word)


_cached_snowball = lru_cache(maxsize=100_000)(_snowball)


def stem(word: str) -> str:
    """A lower-case word's Snowball German stem, as PostgreSQL's `german_stem` makes it.
    Real words come again and again; overlong ones are not kept."""
    return _cached_snowball(word) if len(word) <= 40 else _snowball(word)


def words_of(text_: str | None) -> list[str]:
    return _WORD.findall((text_ or "").lower())


def stemmed_text(text_: str | None) -> str:
    """What SQLite's index holds of a title or description: the stems of its words."""
    return " ".join(stem(word) for word in words_of(text_))


@event.listens_for(Engine, "connect")
def _add_search_text_function(dbapi_connection, _connection_record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function(SEARCH_TEXT_FUNCTION, 1, stemmed_text, deterministic=True)


def search_words(query: str | None) -> list[str]:
    """The words a search looks for: no one-letter words, no stop words, at most MAX_TERMS."""
    words = [w for w in words_of(query) if len(w) > 1 and w not in GERMAN_STOPWORDS]
    return words[:MAX_TERMS]


def is_search(query: str | None) -> bool:
    return bool(words_of(query))


def _fts5_query(words: list[str], any_word: bool) -> str:
    # Stems hold letters and digits only: nothing in them can be an FTS5 operator.
    joiner = " OR " if any_word else " "
    return joiner.join(f'"{stem(word)}"*' for word in words)


def _pg_tsquery(words: list[str], any_word: bool) -> ColumnElement:
    joiner = " | " if any_word else " & "
    return func.to_tsquery("german", joiner.join(f"{word}:*" for word in words))


_PG_VECTOR = literal_column("ideas.search_vector")


def _fts5_matches(words: list[str], any_word: bool, name: str) -> Select:
    return (
        select(literal_column("rowid").label("idea_id"))
        .select_from(sql(SEARCH_TABLE_PREFIX))
        .where(
            sql(f"{SEARCH_TABLE_PREFIX} MATCH :{name}").bindparams(
                **{name: _fts5_query(words, any_word)}
            )
        )
    )


def _on_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def matching_condition(query: str | None) -> ColumnElement[bool] | None:
    """A WHERE condition for ideas matching all words; None when there is nothing to
    search, false when the query holds only words no search looks for ("die", "a")."""
    if not is_search(query):
        return None
    words = search_words(query)
    if not words:
        return false()
    if _on_postgresql():
        return _PG_VECTOR.op("@@")(_pg_tsquery(words, any_word=False))
    return Idea.id.in_(_fts5_matches(words, any_word=False, name="fts_query"))


def first_matches(query: Select, search_query: str | None, limit: int) -> list[int]:
    """Ids of up to `limit` ideas of `query` (narrowed by `matching_condition`), in no order.

    On SQLite the index's matches are walked and each is checked against the rest of
    the query: without table statistics, SQLite's planner would walk the whole list of
    ideas instead and look each up among the matches, all 100,000 for a rare word."""
    ids = query.with_only_columns(Idea.id).order_by(None)
    words = search_words(search_query)
    if words and not _on_postgresql():
        matches = _fts5_matches(words, any_word=False, name="first_query").subquery()
        ids = select(matches.c.idea_id).where(ids.where(Idea.id == matches.c.idea_id).exists())
    return list(db.session.scalars(ids.limit(limit)))


SIMILAR_TITLE_TERMS = 8
SIMILAR_BODY_TERMS = 8
# Words that say little about what an idea is about, beyond the stop words.
_FILLER = frozenset(
    {
        "idee",
        "ideen",
        "kreis",
        "mehr",
        "sollten",
        "könnten",
        "müssen",
        "brauchen",
        "dass",
        "gibt",
        "schon",
        "viele",
        "wäre",
        "wären",
    }
)


def _significant(words: list[str]) -> list[str]:
    return [w for w in words if len(w) >= 4 and w not in GERMAN_STOPWORDS and w not in _FILLER]


def similarity_terms(title: str | None, body: str | None = "") -> list[str]:
    """The words a new idea is about: those of its title, then its description's
    most frequent (and, among equals, longest) ones."""
    title_words = list(dict.fromkeys(_significant(words_of(title))))[:SIMILAR_TITLE_TERMS]
    body_words = [w for w in _significant(words_of(body)) if w not in title_words]
    ranked = sorted(set(body_words), key=lambda w: (-body_words.count(w), -len(w), w))
    return title_words + ranked[:SIMILAR_BODY_TERMS]


# The idea's own title counts more than its description (FTS5 column weights; the
# PostgreSQL weights A and B are 1.0 and 0.4 by default).
_FTS5_RANK = f"bm25({SEARCH_TABLE_PREFIX}, 3.0, 1.0)"


def most_similar_first(query: Select, terms: list[str]) -> Select:
    """Narrow `query` (of ideas) to those sharing any of the terms, best match first:
    full-text rank (FTS5 bm25, PostgreSQL ts_rank), not popularity."""
    if not terms:
        return query.where(false())
    if _on_postgresql():
        tsquery = _pg_tsquery(terms, any_word=True)
        rank = func.ts_rank(_PG_VECTOR, tsquery)
        return query.where(_PG_VECTOR.op("@@")(tsquery)).order_by(rank.desc())
    ranked = (
        _fts5_matches(terms, any_word=True, name="similar_query")
        .add_columns(literal_column(_FTS5_RANK).label("rank"))
        .subquery()
    )
    return query.join(ranked, ranked.c.idea_id == Idea.id).order_by(ranked.c.rank)


def rebuild_search_index(
    progress: Callable[[int, int], None] | None = None, batch_size: int = 5000
) -> int:
    """Write SQLite's index afresh from the ideas, in batches (to repair it, or after a
    change of the stemmer); returns how many ideas it holds. PostgreSQL computes its
    column itself: nothing to do there. Only executes: the caller commits."""
    if _on_postgresql():
        return 0
    db.session.execute(sql("DELETE FROM ideas_fts"))
    total = db.session.scalar(select(func.count(Idea.id))) or 0
    done, after = 0, 0
    while ids := db.session.scalars(
        select(Idea.id).where(Idea.id > after).order_by(Idea.id).limit(batch_size)
    ).all():
        db.session.execute(
            sql(
                "INSERT INTO ideas_fts(rowid, title, body) "
                "SELECT id, ideas_search_text(title), ideas_search_text(body) "
                "FROM ideas WHERE id BETWEEN :first AND :last"
            ),
            {"first": ids[0], "last": ids[-1]},
        )
        done, after = done + len(ids), ids[-1]
        if progress:
            progress(done, total)
    db.session.execute(sql("INSERT INTO ideas_fts(ideas_fts) VALUES ('optimize')"))
    return done


def is_search_object(name: str | None) -> bool:
    """For Alembic: search structures live in migrations, outside the models."""
    return bool(name) and (
        name in SEARCH_INDEX_NAMES
        or name in SEARCH_COLUMN_NAMES
        or name.startswith(SEARCH_TABLE_PREFIX)
    )


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic hook: leave the dialect-specific search structures to the migration."""
    return not is_search_object(name)
