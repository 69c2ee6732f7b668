"""Ideas carry up to three photos, each stored in several sizes without metadata.

One table: a photo belongs to an idea, or (idea_id NULL) is still a draft of its owner
between the idea form and the submission. The files live outside the database (a folder
or a bucket), named by the random `key`; a downgrade drops the rows, not the files.

Revision ID: e5f0c0de9a01
Revises: e4d0c0de7e87
Create Date: 2026-11-30 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5f0c0de9a01'
down_revision = 'e4d0c0de7e87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('idea_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('widths', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_idea_photos_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_idea_photos_owner_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idea_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_idea_photos_key'))
    )
    with op.batch_alter_table('idea_photos', schema=None) as batch_op:
        batch_op.create_index('ix_idea_photos_idea_created', ['idea_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_photos_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('idea_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_photos_owner_id'))
        batch_op.drop_index('ix_idea_photos_idea_created')

    op.drop_table('idea_photos')
