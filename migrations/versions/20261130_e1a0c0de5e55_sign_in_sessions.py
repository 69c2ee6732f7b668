"""Sign-in sessions: one row per signed-in device (sessions helper fills this in).

Revision ID: e1a0c0de5e55
Revises: d7a3c9e1f2b4
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1a0c0de5e55'
down_revision = 'd7a3c9e1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
