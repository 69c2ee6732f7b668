"""Staff edit the site's texts: each page keeps its versions, and knows whether it was
edited (then `seed` leaves it alone).

Every page there is counts as shipped text: it gets its first version here, without
an author, as `seed` writes it for new pages.

Revision ID: e4d0c0de7e87
Revises: e3c0c0dede1e
Create Date: 2026-11-30 16:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4d0c0de7e87'
down_revision = 'e3c0c0dede1e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pages', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('edited_at', sa.DateTime(), nullable=True))

    op.create_table('page_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('is_shipped', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('restored_from_id', sa.Integer(), nullable=True),
    sa.Column('lines_added', sa.Integer(), nullable=False),
    sa.Column('lines_removed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_page_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_page_versions_page_id_pages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['restored_from_id'], ['page_versions.id'], name=op.f('fk_page_versions_restored_from_id_page_versions'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_versions'))
    )
    with op.batch_alter_table('page_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_versions_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_versions_page_id'), ['page_id'], unique=False)

    _first_versions()


def _first_versions():
    """The text each page has now is the shipped one: nobody could edit pages before."""
    bind = op.get_bind()
    now = datetime.now(UTC).replace(tzinfo=None)
    pages = bind.execute(sa.text("SELECT id, title, body FROM pages ORDER BY id")).all()
    for page_id, title, body in pages:
        lines = sum(1 for line in (body or "").splitlines() if line.strip())
        bind.execute(
            sa.text(
                "INSERT INTO page_versions (page_id, title, body, created_at, is_shipped, "
                "lines_added, lines_removed) VALUES (:page_id, :title, :body, :now, :shipped, "
                ":lines, 0)"
            ),
            {
                "page_id": page_id,
                "title": title,
                "body": body or "",
                "now": now,
                "shipped": True,
                "lines": lines,
            },
        )


def downgrade():
    with op.batch_alter_table('page_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_versions_page_id'))
        batch_op.drop_index(batch_op.f('ix_page_versions_author_id'))

    op.drop_table('page_versions')
    with op.batch_alter_table('pages', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('edited_at')
