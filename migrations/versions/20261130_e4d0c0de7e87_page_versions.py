"""Edited pages with a version history (texts helper fills this in).

Revision ID: e4d0c0de7e87
Revises: e3c0c0dede1e
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4d0c0de7e87'
down_revision = 'e3c0c0dede1e'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
