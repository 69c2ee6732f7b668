"""Ideas with supports, comments, follows, reports, the audit log and full-text search.

Revision ID: be80fc86e5a2
Revises: a55a1aa9888f
Create Date: 2026-11-26 12:13:33.485058

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'be80fc86e5a2'
down_revision = 'a55a1aa9888f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_entries_object', ['object_type', 'object_id'], unique=False)

    op.create_table('ideas',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=160), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=True),
    sa.Column('support_count', sa.Integer(), nullable=False),
    sa.Column('comment_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('state_changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_ideas_author_id_users')),
    sa.ForeignKeyConstraint(['field_id'], ['fields_of_action.id'], name=op.f('fk_ideas_field_id_fields_of_action')),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipalities.id'], name=op.f('fk_ideas_municipality_id_municipalities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ideas'))
    )
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ideas_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ideas_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ideas_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index('ix_ideas_state_comments', ['state', 'comment_count'], unique=False)
        batch_op.create_index('ix_ideas_state_created', ['state', 'created_at'], unique=False)
        batch_op.create_index('ix_ideas_state_supports', ['state', 'support_count'], unique=False)

    op.create_table('comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('state_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('edited_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_comments_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comments_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_comments_idea_created', ['idea_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_comments_parent_id'), ['parent_id'], unique=False)

    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_follows_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('idea_id', 'user_id', name=op.f('uq_follows_idea_id'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_user_id'), ['user_id'], unique=False)

    op.create_table('supports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_supports_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_supports_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supports')),
    sa.UniqueConstraint('idea_id', 'user_id', name=op.f('uq_supports_idea_id'))
    )
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.create_index('ix_supports_created_idea', ['created_at', 'idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supports_user_id'), ['user_id'], unique=False)

    op.create_table('reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('reporter_id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.String(length=40), nullable=True),
    sa.CheckConstraint('(idea_id IS NULL) <> (comment_id IS NULL)', name=op.f('ck_reports_exactly_one_target')),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_reports_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_reports_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reporter_id'], ['users.id'], name=op.f('fk_reports_reporter_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_reports_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    sa.UniqueConstraint('reporter_id', 'idea_id', 'comment_id', name=op.f('uq_reports_reporter_id'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reports_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index('ix_reports_open', ['resolved_at', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_reports_reporter_id'), ['reporter_id'], unique=False)

    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('notify_comments', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('notify_state_changes', sa.Boolean(), nullable=False, server_default=sa.true()))


    _create_search()


SQLITE_SEARCH = [
    """CREATE VIRTUAL TABLE ideas_fts USING fts5(
        title, body, content='ideas', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
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
POSTGRES_SEARCH = [
    """CREATE INDEX ix_ideas_search ON ideas USING gin (
        to_tsvector('german', coalesce(ideas.title, '') || ' ' || coalesce(ideas.body, '')))""",
]


def _create_search():
    """German full-text search: a GIN index on PostgreSQL, an FTS5 table on SQLite."""
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_SEARCH if dialect == 'postgresql' else SQLITE_SEARCH:
        op.execute(statement)


def _drop_search():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP INDEX IF EXISTS ix_ideas_search')
        return
    for trigger in ('ideas_fts_insert', 'ideas_fts_delete', 'ideas_fts_update'):
        op.execute(f'DROP TRIGGER IF EXISTS {trigger}')
    op.execute('DROP TABLE IF EXISTS ideas_fts')


def downgrade():
    _drop_search()
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('notify_state_changes')
        batch_op.drop_column('notify_comments')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reports_reporter_id'))
        batch_op.drop_index('ix_reports_open')
        batch_op.drop_index(batch_op.f('ix_reports_idea_id'))
        batch_op.drop_index(batch_op.f('ix_reports_comment_id'))

    op.drop_table('reports')
    with op.batch_alter_table('supports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supports_user_id'))
        batch_op.drop_index('ix_supports_created_idea')

    op.drop_table('supports')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_user_id'))

    op.drop_table('follows')
    with op.batch_alter_table('comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comments_parent_id'))
        batch_op.drop_index('ix_comments_idea_created')
        batch_op.drop_index(batch_op.f('ix_comments_author_id'))

    op.drop_table('comments')
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_index('ix_ideas_state_supports')
        batch_op.drop_index('ix_ideas_state_created')
        batch_op.drop_index('ix_ideas_state_comments')
        batch_op.drop_index(batch_op.f('ix_ideas_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_ideas_field_id'))
        batch_op.drop_index(batch_op.f('ix_ideas_author_id'))

    op.drop_table('ideas')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_object')
        batch_op.drop_index(batch_op.f('ix_audit_entries_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_actor_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entries_action'))

    op.drop_table('audit_entries')
