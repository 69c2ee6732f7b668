"""Account deletion and redaction: supports and reports outlive their person, the outbox
forgets a mail once delivered, the audit log records what was redacted.

- supports.user_id, reports.reporter_id: NULL once the person deleted their account
  (ON DELETE SET NULL instead of CASCADE): supports keep counting, reports stay.
- outbox_messages.user_id: the account a mail is for, whatever address it went to.
- outbox_messages.forget_after_delivery: the row goes once the mail is out.
- audit_entries.redacted_at / redacted_because: when and why former texts were removed.

The downgrade drops the supports and reports that have no person (and takes those
supports off the ideas' counts), as the older schema cannot hold them.

Revision ID: e3c0c0dede1e
Revises: e2b0c0de2fa0
Create Date: 2026-11-30 16:00:00

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3c0c0dede1e'
down_revision = 'e2b0c0de2fa0'
branch_labels = None
depends_on = None

TRENDING_DAYS = 14  # ideas.models.TRENDING_WINDOW


def _point_at_users(table, column, ondelete, nullable):
    # SQLite changes a foreign key only by copying the table (batch mode's default there).
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(f'fk_{table}_{column}_users', type_='foreignkey')
        batch_op.alter_column(column, existing_type=sa.Integer(), nullable=nullable)
        batch_op.create_foreign_key(
            f'fk_{table}_{column}_users', 'users', [column], ['id'], ondelete=ondelete
        )


def upgrade():
    _point_at_users('supports', 'user_id', 'SET NULL', nullable=True)
    _point_at_users('reports', 'reporter_id', 'SET NULL', nullable=True)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                'forget_after_delivery', sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.create_foreign_key(
            'fk_outbox_messages_user_id_users', 'users', ['user_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_index('ix_outbox_messages_user_id', ['user_id'], unique=False)
    with op.batch_alter_table('audit_entries', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('redacted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('redacted_because', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('redacted_because')
        batch_op.drop_column('redacted_at')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_user_id')
        batch_op.drop_constraint('fk_outbox_messages_user_id_users', type_='foreignkey')
        batch_op.drop_column('user_id')
        batch_op.drop_column('forget_after_delivery')
    op.execute("DELETE FROM reports WHERE reporter_id IS NULL")
    _point_at_users('reports', 'reporter_id', 'CASCADE', nullable=False)
    _drop_supports_without_a_person()
    _point_at_users('supports', 'user_id', 'CASCADE', nullable=False)


ANONYMOUS_SUPPORTS = (
    "SELECT count(*) FROM supports "
    "WHERE supports.idea_id = ideas.id AND supports.user_id IS NULL"
)


def _drop_supports_without_a_person():
    """They leave the ideas' counts first, so `flask recount --check` stays clean."""
    cutoff = datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(days=TRENDING_DAYS)
    op.get_bind().execute(
        sa.text(
            f"UPDATE ideas SET support_count = support_count - ({ANONYMOUS_SUPPORTS}), "
            "recent_support_count = recent_support_count - "
            f"({ANONYMOUS_SUPPORTS} AND supports.created_at >= :cutoff)"
        ),
        {"cutoff": cutoff},
    )
    op.execute("DELETE FROM supports WHERE user_id IS NULL")
