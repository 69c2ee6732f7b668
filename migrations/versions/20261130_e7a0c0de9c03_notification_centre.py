"""The notification centre: events, inbox entries, channels per category; HTML mail.

The two old mail switches of `users` become channels: a person who had switched off
mails about comments or about new states hears of those in the inbox only.

Revision ID: e7a0c0de9c03
Revises: e6a0c0de9b02
Create Date: 2026-11-30 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a0c0de9c03'
down_revision = 'e6a0c0de9b02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notification_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('decisions', sa.String(length=10), nullable=False),
    sa.Column('replies', sa.String(length=10), nullable=False),
    sa.Column('my_ideas', sa.String(length=10), nullable=False),
    sa.Column('followed', sa.String(length=10), nullable=False),
    sa.Column('projects', sa.String(length=10), nullable=False),
    sa.Column('staff', sa.String(length=10), nullable=False),
    sa.Column('mail_day', sa.Date(), nullable=True),
    sa.Column('mails_on_day', sa.Integer(), nullable=False),
    sa.Column('daily_summary_on', sa.Date(), nullable=True),
    sa.Column('weekly_summary_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_settings'))
    )
    op.create_table('events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('idea_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('update_id', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_events_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_events_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], name=op.f('fk_events_idea_id_ideas'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_events_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['update_id'], ['project_updates.id'], name=op.f('fk_events_update_id_project_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_events_update_id'), ['update_id'], unique=False)

    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('mailed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_notifications_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_notifications_user_id'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notifications_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_notifications_unmailed', ['mailed_at', 'read_at', 'created_at'], unique=False)
        batch_op.create_index('ix_notifications_user_unread', ['user_id', 'read_at'], unique=False)

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))

    _carry_over_mail_switches()
    # `users` has an expression index: SQLite must not rebuild the table.
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('notify_comments')
        batch_op.drop_column('notify_state_changes')



def _carry_over_mail_switches():
    inbox, immediate, daily, weekly = "'inbox'", "'immediate'", "'daily'", "'weekly'"
    op.execute(
        "INSERT INTO notification_settings (user_id, decisions, replies, my_ideas, followed, "
        "projects, staff, mails_on_day) "
        f"SELECT id, {immediate}, "
        f"CASE WHEN notify_comments THEN {immediate} ELSE {inbox} END, "
        f"CASE WHEN notify_comments THEN {daily} ELSE {inbox} END, "
        f"CASE WHEN notify_comments AND notify_state_changes THEN {daily} ELSE {inbox} END, "
        f"CASE WHEN notify_state_changes THEN {weekly} ELSE {inbox} END, "
        f"{daily}, 0 FROM users WHERE NOT (notify_comments AND notify_state_changes)"
    )


def downgrade():
    with op.batch_alter_table('users', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('notify_state_changes', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('notify_comments', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('unsubscribe_url')
        batch_op.drop_column('html_body')

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_user_unread')
        batch_op.drop_index('ix_notifications_unmailed')
        batch_op.drop_index(batch_op.f('ix_notifications_event_id'))

    op.drop_table('notifications')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_update_id'))
        batch_op.drop_index(batch_op.f('ix_events_project_id'))
        batch_op.drop_index(batch_op.f('ix_events_idea_id'))
        batch_op.drop_index(batch_op.f('ix_events_comment_id'))

    op.drop_table('events')
    op.drop_table('notification_settings')
