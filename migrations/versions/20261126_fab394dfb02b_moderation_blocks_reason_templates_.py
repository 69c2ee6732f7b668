"""Moderation: account blocks, editable reason templates, decision times of ideas.

Revision ID: fab394dfb02b
Revises: be80fc86e5a2
Create Date: 2026-11-26 12:32:47.353079

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'fab394dfb02b'
down_revision = 'be80fc86e5a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reason_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reason_templates')),
    sa.UniqueConstraint('kind', 'title', name=op.f('uq_reason_templates_kind'))
    )
    with op.batch_alter_table('reason_templates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reason_templates_kind'), ['kind'], unique=False)

    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('decided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('reason_category', sa.String(length=120), nullable=True))
        batch_op.create_index(batch_op.f('ix_ideas_submitted_at'), ['submitted_at'], unique=False)
    # Ideas so far entered the queue when they were created; ADD COLUMN only, so
    # SQLite keeps the table (and its full-text triggers) instead of rebuilding it.
    op.execute('UPDATE ideas SET submitted_at = created_at')
    op.execute(
        "UPDATE ideas SET decided_at = state_changed_at WHERE state IN ('published', 'rejected', 'hidden')"
    )

    with op.batch_alter_table('comments', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('reason_category', sa.String(length=120), nullable=True))

    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('blocked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('blocked_reason', sa.String(length=500), nullable=True))



# Existing tables are altered in place (recreate='never'): rebuilding them on SQLite
# would drop the expression index on users.email and the full-text triggers on ideas.


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('blocked_reason')
        batch_op.drop_column('blocked_until')
        batch_op.drop_column('blocked_at')

    with op.batch_alter_table('comments', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('reason_category')

    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_ideas_submitted_at'))
        batch_op.drop_column('reason_category')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('submitted_at')

    with op.batch_alter_table('reason_templates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reason_templates_kind'))

    op.drop_table('reason_templates')
