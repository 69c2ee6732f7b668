"""The audit log knows each entry's town (scoped reading); a hidden idea keeps the state it
returns to on its own row; seeded reason templates remember their shipped title; the
outbox finds a person's recent mail by index.

Nothing reads old audit rows to decide behaviour after this revision: the two facts that
were read from the log (where a hidden idea came from, which defaults were renamed) are
copied onto their rows here, once.

Revision ID: d7a3c9e1f2b4
Revises: c1f870f20c44
Create Date: 2026-11-30 14:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a3c9e1f2b4'
down_revision = 'c1f870f20c44'
branch_labels = None
depends_on = None

IDEA_TOWN = "SELECT ideas.municipality_id FROM ideas WHERE ideas.id = {idea_id}"
COMMENT_TOWN = (
    "SELECT ideas.municipality_id FROM comments JOIN ideas ON ideas.id = comments.idea_id "
    "WHERE comments.id = {comment_id}"
)
REPORT_TOWN = (
    "SELECT COALESCE(({idea}), ({comment})) FROM reports WHERE reports.id = audit_entries.object_id"
).format(
    idea=IDEA_TOWN.format(idea_id="reports.idea_id"),
    comment=COMMENT_TOWN.format(comment_id="reports.comment_id"),
)


def upgrade():
    # SQLite adds a foreign key only by copying the table (batch mode's default there).
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_audit_entries_municipality_id_municipalities'), 'municipalities',
            ['municipality_id'], ['id'], ondelete='SET NULL',
        )
        batch_op.create_index(
            'ix_audit_entries_municipality_created', ['municipality_id', 'created_at'],
            unique=False,
        )
    towns = {
        'ideas': IDEA_TOWN.format(idea_id="audit_entries.object_id"),
        'comments': COMMENT_TOWN.format(comment_id="audit_entries.object_id"),
        'reports': REPORT_TOWN,
    }
    for object_type, town in towns.items():
        op.execute(
            f"UPDATE audit_entries SET municipality_id = ({town}) "
            f"WHERE object_type = '{object_type}'"
        )

    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('hidden_from', sa.String(length=20), nullable=True))
    op.execute(
        "UPDATE ideas SET hidden_from = COALESCE(("
        "SELECT audit_entries.before FROM audit_entries WHERE audit_entries.object_type = 'ideas' "
        "AND audit_entries.object_id = ideas.id AND audit_entries.action = 'idea.hide' "
        "ORDER BY audit_entries.id DESC LIMIT 1), 'published') WHERE state = 'hidden'"
    )

    with op.batch_alter_table('reason_templates', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('seeded_title', sa.String(length=120), nullable=True))
    _remember_seeded_titles()

    op.create_index(
        'ix_outbox_messages_recipient_created', 'outbox_messages', ['recipient', 'created_at'],
        unique=False,
    )


def _remember_seeded_titles():
    """Each template's first title: its current one, or the oldest before a rename."""
    bind = op.get_bind()
    bind.execute(sa.text("UPDATE reason_templates SET seeded_title = title"))
    renames = bind.execute(sa.text(
        "SELECT object_id, before FROM audit_entries WHERE action = 'reason.update' "
        "ORDER BY id DESC"
    ))
    for template_id, before in renames.all():  # newest first: the oldest title wins
        title = json.loads(before or "{}").get("title")
        if title:
            bind.execute(
                sa.text("UPDATE reason_templates SET seeded_title = :title WHERE id = :id"),
                {"title": title, "id": template_id},
            )


def downgrade():
    op.drop_index('ix_outbox_messages_recipient_created', table_name='outbox_messages')
    with op.batch_alter_table('reason_templates', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('seeded_title')
    with op.batch_alter_table('ideas', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('hidden_from')
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_entries_municipality_created')
        batch_op.drop_constraint(
            batch_op.f('fk_audit_entries_municipality_id_municipalities'), type_='foreignkey'
        )
        batch_op.drop_column('municipality_id')
