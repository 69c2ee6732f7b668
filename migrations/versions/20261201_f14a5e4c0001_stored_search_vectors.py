"""Stored search vectors for ideas: stemmed on both databases (issue 14).

PostgreSQL: the generated column `ideas.search_vector` (title weighted A, description B)
with a GIN index, in place of the expression index that every search computed anew.
SQLite: `ideas_fts` holds the Snowball German stems of title and description, written
by triggers through the SQL function `ideas_search_text` (registered on every
connection by participation/ideas/search.py; here by the migration itself, with the
same stemmer), in place of the raw words and a suffix stripper.

Revision ID: f14a5e4c0001
Revises: e7a0c0de9c03
Create Date: 2026-12-01 01:30:00

"""
import functools
import re
import sqlite3

from alembic import op


# revision identifiers, used by Alembic.
revision = 'f14a5e4c0001'
down_revision = 'e7a0c0de9c03'
branch_labels = None
depends_on = None


PG_VECTOR = (
    "setweight(to_tsvector('german'::regconfig, coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('german'::regconfig, coalesce(body, '')), 'B')"
)
PG_UPGRADE = [
    'DROP INDEX IF EXISTS ix_ideas_search',
    f'ALTER TABLE ideas ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR}) STORED',
    'CREATE INDEX ix_ideas_search ON ideas USING gin (search_vector)',
]
PG_DOWNGRADE = [
    'DROP INDEX IF EXISTS ix_ideas_search',
    'ALTER TABLE ideas DROP COLUMN IF EXISTS search_vector',
    """CREATE INDEX ix_ideas_search ON ideas USING gin (
        to_tsvector('german', coalesce(ideas.title, '') || ' ' || coalesce(ideas.body, '')))""",
]

TRIGGERS = ('ideas_fts_insert', 'ideas_fts_delete', 'ideas_fts_update')
SQLITE_UPGRADE = [
    """CREATE VIRTUAL TABLE ideas_fts USING fts5(
        title, body, tokenize='unicode61 remove_diacritics 2')""",
    """INSERT INTO ideas_fts(rowid, title, body)
        SELECT id, ideas_search_text(title), ideas_search_text(body) FROM ideas""",
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('optimize')",
    """CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO ideas_fts(rowid, title, body)
        VALUES (new.id, ideas_search_text(new.title), ideas_search_text(new.body));
    END""",
    """CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN
        DELETE FROM ideas_fts WHERE rowid = old.id;
    END""",
    """CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, body ON ideas BEGIN
        DELETE FROM ideas_fts WHERE rowid = old.id;
        INSERT INTO ideas_fts(rowid, title, body)
        VALUES (new.id, ideas_search_text(new.title), ideas_search_text(new.body));
    END""",
]
# The previous revision's: the raw words, read from the ideas table itself.
SQLITE_DOWNGRADE = [
    """CREATE VIRTUAL TABLE ideas_fts USING fts5(
        title, body, content='ideas', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    "INSERT INTO ideas_fts(ideas_fts) VALUES ('rebuild')",
    """CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN
        INSERT INTO ideas_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
    """CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END""",
    """CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, body ON ideas BEGIN
        INSERT INTO ideas_fts(ideas_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO ideas_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END""",
]


def _stemmed_text():
    """participation.ideas.search.stemmed_text, frozen here as migrations must be."""
    import snowballstemmer

    stem = functools.lru_cache(maxsize=100_000)(snowballstemmer.stemmer('german').stemWord)
    word = re.compile(r'[^\W_]+')

    def stemmed_text(text):
        return ' '.join(stem(w) for w in word.findall((text or '').lower()))

    return stemmed_text


def _drop_sqlite_search():
    for trigger in TRIGGERS:
        op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.execute('DROP TABLE IF EXISTS ideas_fts')


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in PG_UPGRADE:
            op.execute(statement)
        return
    connection = op.get_bind().connection.driver_connection
    if isinstance(connection, sqlite3.Connection):
        connection.create_function('ideas_search_text', 1, _stemmed_text(), deterministic=True)
    _drop_sqlite_search()
    for statement in SQLITE_UPGRADE:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for statement in PG_DOWNGRADE:
            op.execute(statement)
        return
    _drop_sqlite_search()
    for statement in SQLITE_DOWNGRADE:
        op.execute(statement)
