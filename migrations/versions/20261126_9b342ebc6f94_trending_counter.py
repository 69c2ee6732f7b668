"""Cached count of the supports of the last 14 days, for the "Gerade gefragt" sort.

Revision ID: 9b342ebc6f94
Revises: fab394dfb02b
Create Date: 2026-11-26 13:32:41.920487

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b342ebc6f94'
down_revision = 'fab394dfb02b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('recent_support_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_ideas_state_trending', ['state', 'recent_support_count'], unique=False)
    # Start from the supports already there; `flask recount` keeps it fresh from now on.
    op.execute(
        "UPDATE ideas SET recent_support_count = (SELECT count(*) FROM supports "
        "WHERE supports.idea_id = ideas.id AND supports.created_at >= "
        + ("now() - interval '14 days'" if op.get_bind().dialect.name == 'postgresql'
           else "datetime('now', '-14 days')")
        + ")"
    )



# ideas is altered in place: rebuilding it on SQLite would drop its full-text triggers.


def downgrade():
    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.drop_index('ix_ideas_state_trending')
        batch_op.drop_column('recent_support_count')

