"""Kept tallies of listed ideas and rating summaries per idea (issue 14).

`idea_tallies` holds the number of ideas per (field of action, town, state), so that the
lists' totals need no count over the ideas; `idea_rating_summaries` holds per rated idea
the number of ratings and the sums of both scales, so that /pipeline sorts without
grouping the assessments. Triggers keep both right for every writer; the tables are
filled from the rows here and checked by `flask recount`. They are not in the models'
metadata (participation/ideas/tallies.py, participation/rating/summaries.py): derived
data, left out of backups like the search index.

No foreign keys: a restore truncates every model table in one statement on PostgreSQL,
which a table pointing at them would refuse. Triggers on TRUNCATE empty them instead.

Revision ID: f14b7a11e002
Revises: f14a5e4c0001
Create Date: 2026-12-01 01:31:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f14b7a11e002'
down_revision = 'f14a5e4c0001'
branch_labels = None
depends_on = None


# One statement adds a signed amount to a tally, creating it when missing; it serves
# both dialects (SQLite >= 3.24 and PostgreSQL know INSERT ... ON CONFLICT DO UPDATE).
def _add_tally(row: str, amount: str) -> str:
    return (
        "INSERT INTO idea_tallies (field_id, municipality_id, state, ideas) "
        f"VALUES ({row}.field_id, {row}.municipality_id, {row}.state, {amount}) "
        "ON CONFLICT (field_id, municipality_id, state) "
        "DO UPDATE SET ideas = idea_tallies.ideas + excluded.ideas;"
    )


def _add_rating(row: str, sign: str) -> str:
    return (
        "INSERT INTO idea_rating_summaries (idea_id, raters, relevance_sum, feasibility_sum) "
        f"VALUES ({row}.idea_id, {sign}1, {sign}{row}.relevance, {sign}{row}.feasibility) "
        "ON CONFLICT (idea_id) DO UPDATE SET "
        "raters = idea_rating_summaries.raters + excluded.raters, "
        "relevance_sum = idea_rating_summaries.relevance_sum + excluded.relevance_sum, "
        "feasibility_sum = idea_rating_summaries.feasibility_sum + excluded.feasibility_sum;"
    )


# An idea without ratings has no summary: `rated` is a join, not a comparison.
def _drop_unrated(row: str) -> str:
    return f"DELETE FROM idea_rating_summaries WHERE idea_id = {row}.idea_id AND raters = 0;"


TALLY_MOVED = (
    "OLD.state IS DISTINCT FROM NEW.state OR OLD.field_id IS DISTINCT FROM NEW.field_id "
    "OR OLD.municipality_id IS DISTINCT FROM NEW.municipality_id"
)
RATING_MOVED = (
    "OLD.idea_id IS DISTINCT FROM NEW.idea_id OR OLD.relevance IS DISTINCT FROM NEW.relevance "
    "OR OLD.feasibility IS DISTINCT FROM NEW.feasibility"
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER idea_tallies_insert AFTER INSERT ON ideas BEGIN "
    f"{_add_tally('NEW', '1')} END",
    "CREATE TRIGGER idea_tallies_delete AFTER DELETE ON ideas BEGIN "
    f"{_add_tally('OLD', '-1')} END",
    "CREATE TRIGGER idea_tallies_update AFTER UPDATE OF state, field_id, municipality_id "
    f"ON ideas WHEN {TALLY_MOVED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN "
    f"{_add_tally('OLD', '-1')} {_add_tally('NEW', '1')} END",
    "CREATE TRIGGER idea_rating_summaries_insert AFTER INSERT ON assessments BEGIN "
    f"{_add_rating('NEW', '')} END",
    "CREATE TRIGGER idea_rating_summaries_delete AFTER DELETE ON assessments BEGIN "
    f"{_add_rating('OLD', '-')} {_drop_unrated('OLD')} END",
    "CREATE TRIGGER idea_rating_summaries_update "
    "AFTER UPDATE OF idea_id, relevance, feasibility ON assessments "
    f"WHEN {RATING_MOVED.replace('IS DISTINCT FROM', 'IS NOT')} BEGIN "
    f"{_add_rating('OLD', '-')} {_drop_unrated('OLD')} {_add_rating('NEW', '')} END",
)
SQLITE_TRIGGER_NAMES = (
    "idea_tallies_insert",
    "idea_tallies_delete",
    "idea_tallies_update",
    "idea_rating_summaries_insert",
    "idea_rating_summaries_delete",
    "idea_rating_summaries_update",
)

# PostgreSQL: an upsert waits for the row lock of a concurrent one, then adds to the
# committed value, so simultaneous changes all count. A move touches two tallies; taking
# them in key order means two moves never wait for each other in a circle (deadlock).
PG_FUNCTIONS = (
    f"""CREATE FUNCTION idea_tallies_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_add_tally('NEW', '1')}
    ELSIF TG_OP = 'DELETE' THEN
        {_add_tally('OLD', '-1')}
    ELSIF (NEW.field_id, NEW.municipality_id, NEW.state)
            < (OLD.field_id, OLD.municipality_id, OLD.state) THEN
        {_add_tally('NEW', '1')}
        {_add_tally('OLD', '-1')}
    ELSE
        {_add_tally('OLD', '-1')}
        {_add_tally('NEW', '1')}
    END IF;
    RETURN NULL;
END $$""",
    f"""CREATE FUNCTION idea_rating_summaries_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        {_add_rating('OLD', '-')}
        {_drop_unrated('OLD')}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {_add_rating('NEW', '')}
    END IF;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION idea_tallies_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM idea_tallies;
    RETURN NULL;
END $$""",
    """CREATE FUNCTION idea_rating_summaries_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM idea_rating_summaries;
    RETURN NULL;
END $$""",
)
PG_TRIGGERS = (
    "CREATE TRIGGER idea_tallies_rows AFTER INSERT OR DELETE ON ideas "
    "FOR EACH ROW EXECUTE FUNCTION idea_tallies_follow()",
    "CREATE TRIGGER idea_tallies_moves AFTER UPDATE OF state, field_id, municipality_id "
    f"ON ideas FOR EACH ROW WHEN ({TALLY_MOVED}) EXECUTE FUNCTION idea_tallies_follow()",
    "CREATE TRIGGER idea_tallies_truncate AFTER TRUNCATE ON ideas "
    "FOR EACH STATEMENT EXECUTE FUNCTION idea_tallies_clear()",
    "CREATE TRIGGER idea_rating_summaries_rows AFTER INSERT OR DELETE ON assessments "
    "FOR EACH ROW EXECUTE FUNCTION idea_rating_summaries_follow()",
    "CREATE TRIGGER idea_rating_summaries_moves "
    "AFTER UPDATE OF idea_id, relevance, feasibility ON assessments "
    f"FOR EACH ROW WHEN ({RATING_MOVED}) EXECUTE FUNCTION idea_rating_summaries_follow()",
    "CREATE TRIGGER idea_rating_summaries_truncate AFTER TRUNCATE ON assessments "
    "FOR EACH STATEMENT EXECUTE FUNCTION idea_rating_summaries_clear()",
)
PG_TRIGGER_TABLES = (
    ("idea_tallies_rows", "ideas"),
    ("idea_tallies_moves", "ideas"),
    ("idea_tallies_truncate", "ideas"),
    ("idea_rating_summaries_rows", "assessments"),
    ("idea_rating_summaries_moves", "assessments"),
    ("idea_rating_summaries_truncate", "assessments"),
)
PG_FUNCTION_NAMES = (
    "idea_tallies_follow",
    "idea_rating_summaries_follow",
    "idea_tallies_clear",
    "idea_rating_summaries_clear",
)


def upgrade():
    op.create_table(
        'idea_tallies',
        sa.Column('field_id', sa.Integer(), nullable=False),
        sa.Column('municipality_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('ideas', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('field_id', 'municipality_id', 'state', name=op.f('pk_idea_tallies')),
    )
    op.create_table(
        'idea_rating_summaries',
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('raters', sa.Integer(), nullable=False),
        sa.Column('relevance_sum', sa.Integer(), nullable=False),
        sa.Column('feasibility_sum', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('idea_id', name=op.f('pk_idea_rating_summaries')),
    )
    if op.get_bind().dialect.name == 'postgresql':
        # Fill and arm in one go: no idea may change between counting and the triggers.
        op.execute('LOCK TABLE ideas, assessments IN SHARE ROW EXCLUSIVE MODE')
        for statement in (*PG_FUNCTIONS, *PG_TRIGGERS):
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
    # Counted after the triggers are armed; a row a trigger already tallied is counted
    # again here, so the count replaces it (`WHERE true`: SQLite's parser needs it).
    op.execute(
        'INSERT INTO idea_tallies (field_id, municipality_id, state, ideas) '
        'SELECT field_id, municipality_id, state, count(*) FROM ideas WHERE true '
        'GROUP BY field_id, municipality_id, state '
        'ON CONFLICT (field_id, municipality_id, state) DO UPDATE SET ideas = excluded.ideas'
    )
    op.execute(
        'INSERT INTO idea_rating_summaries (idea_id, raters, relevance_sum, feasibility_sum) '
        'SELECT idea_id, count(*), sum(relevance), sum(feasibility) FROM assessments '
        'WHERE true GROUP BY idea_id '
        'ON CONFLICT (idea_id) DO UPDATE SET raters = excluded.raters, '
        'relevance_sum = excluded.relevance_sum, feasibility_sum = excluded.feasibility_sum'
    )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for trigger, table in PG_TRIGGER_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger} ON {table}')
        for function in PG_FUNCTION_NAMES:
            op.execute(f'DROP FUNCTION IF EXISTS {function}()')
    else:
        for trigger in SQLITE_TRIGGER_NAMES:
            op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.drop_table('idea_rating_summaries')
    op.drop_table('idea_tallies')
