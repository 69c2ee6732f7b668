"""Second factor: TOTP secrets and recovery codes.

Three columns on users (the authenticator app's secret, when the second factor was
switched on, the last time step whose code was accepted) and a table of recovery codes
(keyed hashes only, deleted with their account).

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
    # Nullable columns without a key: SQLite adds them in place, no table copy.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('second_factor_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))

    op.create_table(
        'recovery_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'],
            name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
        sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_codes_user_id')),
    )
    op.create_index(
        op.f('ix_recovery_codes_user_id'), 'recovery_codes', ['user_id'], unique=False
    )


def downgrade():
    op.drop_index(op.f('ix_recovery_codes_user_id'), table_name='recovery_codes')
    op.drop_table('recovery_codes')
    # Dropped in place (SQLite 3.35+): copying the table would lose the expression
    # index on lower(email), which batch mode cannot reflect.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('second_factor_at')
        batch_op.drop_column('totp_secret')
