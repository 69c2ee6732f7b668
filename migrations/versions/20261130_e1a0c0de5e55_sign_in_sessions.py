"""Sign-in sessions: one row per signed-in device, in place of one token per account.

`users.session_token` goes: a session now lives and ends on its own row. Cookies issued
before this revision name no row, so everyone signs in once more after the upgrade.

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
    op.create_table('sign_in_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('browser', sa.String(length=60), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sign_in_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_sessions_token_hash'))
    )
    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sign_in_sessions_expires_at'), ['expires_at'], unique=False)

    # In place (recreate='never'): rebuilding users on SQLite would drop the expression
    # index on lower(email). SQLite drops a plain column itself since 3.35.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('session_token')


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('session_token', sa.String(length=40), nullable=False, server_default='')
        )
    # A random token for everyone (an empty one would let nobody sign in again), which
    # also ends every session: the old cookies named no token.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("UPDATE users SET session_token = md5(random()::text || id::text)")
    else:
        op.execute("UPDATE users SET session_token = lower(hex(randomblob(16)))")

    with op.batch_alter_table('sign_in_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_expires_at'))
        batch_op.drop_index(batch_op.f('ix_sign_in_sessions_user_id'))

    op.drop_table('sign_in_sessions')
