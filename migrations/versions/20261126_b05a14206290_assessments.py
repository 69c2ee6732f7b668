"""Internal ratings of ideas by the steering committee and the project team.

Revision ID: b05a14206290
Revises: 9b342ebc6f94
Create Date: 2026-11-26 13:48:21.789261

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b05a14206290'
down_revision = '9b342ebc6f94'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idea_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('relevance', sa.Integer(), nullable=False),
    sa.Column('feasibility', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('feasibility BETWEEN 1 AND 5', name=op.f('ck_assessments_feasibility_scale')),
    sa.CheckConstraint('relevance BETWEEN 1 AND 5', name=op.f('ck_assessments_relevance_scale')),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_assessments_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rater_id'], ['users.id'], name=op.f('fk_assessments_rater_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessments')),
    sa.UniqueConstraint('idea_id', 'rater_id', name=op.f('uq_assessments_idea_id'))
    )
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessments_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessments_rater_id'), ['rater_id'], unique=False)



def downgrade():
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessments_rater_id'))
        batch_op.drop_index(batch_op.f('ix_assessments_idea_id'))

    op.drop_table('assessments')
