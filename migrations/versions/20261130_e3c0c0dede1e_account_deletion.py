"""Account deletion and redaction (deletion helper fills this in).

Revision ID: e3c0c0dede1e
Revises: e2b0c0de2fa0
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3c0c0dede1e'
down_revision = 'e2b0c0de2fa0'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
