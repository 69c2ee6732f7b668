"""Second factor: TOTP secrets and recovery codes (second-factor helper fills this in).

Revision ID: e2b0c0de2fa0
Revises: e1a0c0de5e55
Create Date: 2026-11-30 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b0c0de2fa0'
down_revision = 'e1a0c0de5e55'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
