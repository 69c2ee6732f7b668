"""The retention rules, callable without a request; the periods come from the config.

Every rule is one bulk statement whose WHERE clause holds the whole rule, so a second
run, or a run on another server at the same moment, finds nothing left to do: the
database re-checks the conditions on each row it deletes or changes.

Sign-in records (one per device: browser, first and last seen, end) go
RETENTION_SIGN_IN_DAYS after the session ended or ran out. What the app does not keep,
and so never has to remove: network addresses (rate-limit counters live in the
rate-limit storage and expire there by themselves; sign-in records hold none). The
moderation log is append-only; its former texts (an idea before an edit, a deleted
comment's words) go through its one sanctioned change, `audit.redaction`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, and_, delete, exists, func, or_, select, update

from ..accounts.models import SignInSession, User
from ..audit import redaction
from ..events import Event
from ..extensions import db
from ..ideas.models import Comment, CommentState, Idea, Support
from ..moderation.models import Report
from ..notifications.models import Notification
from ..outbox.models import OutboxMessage
from ..photos.models import IdeaPhoto
from ..photos.services import remove_stale_drafts
from ..rating.models import Assessment
from ..roles import RoleAssignment
from ..timeutil import utcnow

# Everything an account can hold that deleting it must not take along. Other rows that
# point at users either go with the account (follows, project follows, sign-in records:
# ON DELETE CASCADE) or keep their own content and forget the person (audit entries,
# projects, updates, resolved reports: ON DELETE SET NULL).
OWNED = (
    Idea.author_id,
    Comment.author_id,
    Support.user_id,
    Report.reporter_id,
    Assessment.rater_id,
    RoleAssignment.user_id,
    IdeaPhoto.owner_id,
)


@dataclass
class RetentionReport:
    unconfirmed_deleted: int = 0
    unconfirmed_kept: int = 0  # old and unconfirmed, but holding content or a role
    mails_deleted: int = 0
    comments_cleared: int = 0
    sign_ins_deleted: int = 0
    log_texts_redacted: int = 0
    photo_drafts_deleted: int = 0
    notifications_deleted: int = 0


def _before(config_key: str, now: datetime) -> datetime:
    return now - timedelta(days=current_app.config[config_key])


def _stale_unconfirmed(now: datetime) -> ColumnElement[bool]:
    return and_(
        User.confirmed_at.is_(None),
        User.created_at < _before("RETENTION_UNCONFIRMED_DAYS", now),
    )


def _holds_nothing() -> ColumnElement[bool]:
    return and_(*[~exists().where(column == User.id) for column in OWNED])


def delete_unconfirmed_accounts(now: datetime) -> tuple[int, int]:
    """Accounts never confirmed within the period go; (deleted, kept with content)."""
    stale = _stale_unconfirmed(now)
    deleted = db.session.execute(
        delete(User).where(stale, _holds_nothing()),
        execution_options={"synchronize_session": False},
    ).rowcount
    kept = db.session.scalar(select(func.count()).select_from(User).where(stale)) or 0
    return deleted, kept


def delete_old_mails(now: datetime) -> int:
    """Delivered mails after the period from sending, given-up ones from writing."""
    cutoff = _before("RETENTION_SENT_MAIL_DAYS", now)
    done = or_(
        OutboxMessage.sent_at < cutoff,
        and_(OutboxMessage.failed_at.is_not(None), OutboxMessage.created_at < cutoff),
    )
    statement = delete(OutboxMessage).where(done)
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def clear_deleted_comments() -> int:
    """Deleted comments that still hold text lose it.

    Deleting a comment already empties it (`ideas.services.delete_comment`); this
    catches rows deleted some other way. A comment has no deletion time, and none is
    needed: a deleted comment's text is not kept on its row for any period (the log's
    copy goes with `redact_moderation_texts`).
    """
    statement = (
        update(Comment)
        .where(Comment.state == CommentState.DELETED, Comment.body != "")
        .values(body="")
    )
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def redact_moderation_texts(now: datetime) -> int:
    """The log's copies of what people wrote go after the period; decisions stay."""
    return redaction.redact_former_texts_before(_before("RETENTION_MODERATION_TEXT_DAYS", now))


def delete_old_sign_ins(now: datetime) -> int:
    """Sign-in records after the period from their end. An ended session's `expires_at`
    is when it ended (`SignInSession.end`), so one column holds the whole rule."""
    cutoff = _before("RETENTION_SIGN_IN_DAYS", now)
    statement = delete(SignInSession).where(SignInSession.expires_at < cutoff)
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def delete_photo_drafts(now: datetime) -> int:
    """Photos sent with an idea form whose idea was never submitted; their files go
    once the run commits."""
    hours = current_app.config["RETENTION_PHOTO_DRAFT_HOURS"]
    return remove_stale_drafts(now - timedelta(hours=hours))


def delete_old_notifications(now: datetime) -> int:
    """Inbox entries and the events behind them after the period from the event."""
    cutoff = _before("RETENTION_NOTIFICATION_DAYS", now)
    old_events = select(Event.id).where(Event.created_at < cutoff)
    options = {"synchronize_session": False}
    deleted = db.session.execute(
        delete(Notification).where(Notification.event_id.in_(old_events)), execution_options=options
    ).rowcount
    db.session.execute(delete(Event).where(Event.created_at < cutoff), execution_options=options)
    return deleted


def run_retention(now: datetime | None = None) -> RetentionReport:
    """Apply every rule once; only flushes, the caller commits."""
    now = now or utcnow()
    report = RetentionReport()
    report.unconfirmed_deleted, report.unconfirmed_kept = delete_unconfirmed_accounts(now)
    report.mails_deleted = delete_old_mails(now)
    report.comments_cleared = clear_deleted_comments()
    report.sign_ins_deleted = delete_old_sign_ins(now)
    report.log_texts_redacted = redact_moderation_texts(now)
    report.photo_drafts_deleted = delete_photo_drafts(now)
    report.notifications_deleted = delete_old_notifications(now)
    db.session.flush()
    current_app.logger.info("Aufbewahrung: %s", report)
    return report
