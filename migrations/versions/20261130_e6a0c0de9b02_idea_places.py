"""An idea can name a place: a text and optionally a point.

Revision ID: e6a0c0de9b02
Revises: e5f0c0de9a01
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e6a0c0de9b02'
down_revision = 'e5f0c0de9a01'
branch_labels = None
depends_on = None


def upgrade():
    # `ideas` has a computed column (`listed`): SQLite must not rebuild the table.
    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('place', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))
    op.create_index(
        'ix_ideas_listed_municipality', 'ideas', ['listed', 'municipality_id'], unique=False
    )


def downgrade():
    op.drop_index('ix_ideas_listed_municipality', table_name='ideas')
    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')
        batch_op.drop_column('place')
