"""Moderation decisions: each one checked, logged, explained to the author.

Idea state changes go through `ideas.services` (the one table of transitions);
this module adds what moderation owns: reports, decision times, corrections and
blocks. Each decision is recorded as an event; the notification centre tells the author.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from .. import audit, events
from ..accounts.models import User
from ..accounts.services import end_all_sessions
from ..extensions import db
from ..ideas import comment_states
from ..ideas import services as ideas
from ..ideas.models import Comment, CommentState, Idea, IdeaState
from ..outbox.services import queue_mail
from ..photos import services as photos
from ..photos.models import IdeaPhoto
from ..roles import lock_admins
from ..rules import RuleError
from ..timeutil import utcnow
from .models import Report
from .permissions import block_refusal, can_moderate_municipality


class ModerationError(RuleError):
    """A rule about moderation decisions was broken."""


def _require_scope(moderator, idea: Idea) -> None:
    if not can_moderate_municipality(moderator, idea.municipality_id):
        raise ideas.NotAllowed("Diese Kommune gehört nicht zu Ihrem Bereich.")


def resolve_reports(moderator, resolution: str, *, idea=None, comment=None) -> int:
    """Close the open reports on an item; returns how many were closed."""
    target = Report.comment_id == comment.id if comment else Report.idea_id == idea.id
    result = db.session.execute(
        update(Report)
        .where(target, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=moderator.id, resolution=resolution)
        .returning(Report.id)
    )
    return len(result.all())


def _decide_idea(moderator, idea: Idea, action: str, target: str, reason=None, category=None):
    _require_scope(moderator, idea)
    ideas.change_state(moderator, idea, target, reason, action=action)
    idea.reason_category = category if reason else None
    if action in ("publish", "reject"):
        idea.decided_at = utcnow()
    if action in ("hide", "restore"):
        resolve_reports(moderator, "hidden" if action == "hide" else "restored", idea=idea)
    return idea


def approve_idea(moderator, idea: Idea) -> Idea:
    return _decide_idea(moderator, idea, "publish", IdeaState.PUBLISHED)


def reject_idea(moderator, idea: Idea, reason: str, category: str | None = None) -> Idea:
    return _decide_idea(moderator, idea, "reject", IdeaState.REJECTED, reason, category)


def hide_idea(moderator, idea: Idea, reason: str, category: str | None = None) -> Idea:
    return _decide_idea(moderator, idea, "hide", IdeaState.HIDDEN, reason, category)


def restore_idea(moderator, idea: Idea) -> Idea:
    return _decide_idea(moderator, idea, "restore", ideas.restore_target(idea))


def correct_idea(moderator, idea: Idea, title: str, body: str, note: str) -> Idea:
    """Fix a typo or remove personal data; before and after go to the log."""
    _require_scope(moderator, idea)
    if not note.strip():
        raise ModerationError(
            "Bitte sagen Sie der Autorin oder dem Autor, was Sie geändert haben.", "note"
        )
    before = {"title": idea.title, "body": idea.body}
    idea.title, idea.body, idea.updated_at = title.strip(), body.strip(), utcnow()
    after = {"title": idea.title, "body": idea.body}
    audit.record(moderator, "idea.correct", idea, before=before, after=after, reason=note)
    db.session.flush()
    events.record("idea.corrected", moderator, idea=idea, reason=note)
    return idea


def remove_photo(moderator, photo: IdeaPhoto, reason: str) -> Idea:
    """Take one photo off an idea (a face, a number plate, something that does not
    belong there); the idea and its other photos stay. Logged on the idea with the
    photo's description; the author hears why."""
    idea = db.session.get(Idea, photo.idea_id)
    _require_scope(moderator, idea)
    if not reason.strip():
        raise ModerationError("Bitte geben Sie eine Begründung an.", "reason")
    description = photo.description
    photos.remove_photo(photo)
    audit.record(moderator, "idea.photo_remove", idea, before=description, reason=reason.strip())
    db.session.flush()
    events.record(
        "idea.photo_removed", moderator, idea=idea, reason=reason.strip(), photo=description
    )
    return idea


def _comment_idea(moderator, comment: Comment) -> Idea:
    idea = db.session.get(Idea, comment.idea_id)
    _require_scope(moderator, idea)
    return idea


COMMENT_TARGETS = {
    "approve": CommentState.PUBLISHED,
    "reject": CommentState.HIDDEN,
    "hide": CommentState.HIDDEN,
    "restore": CommentState.PUBLISHED,
}


def decide_comment(
    moderator, comment: Comment, action: str, reason: str | None = None, category: str | None = None
) -> str:
    """Approve, reject, hide or restore a comment (recorded as an event: the author
    hears of it, and on approval the idea's audience hears of the new comment)."""
    _comment_idea(moderator, comment)
    comment_states.change_comment_state(
        moderator, comment, COMMENT_TARGETS[action], reason, action=action
    )
    comment.reason_category = category if reason else None
    if action in ("hide", "restore"):
        resolve_reports(moderator, "hidden" if action == "hide" else "restored", comment=comment)
    return action


def correct_comment(moderator, comment: Comment, body: str, note: str) -> None:
    _comment_idea(moderator, comment)
    if comment.state == CommentState.DELETED:
        raise ModerationError("Ein gelöschter Kommentar kann nicht korrigiert werden.")
    if not note.strip():
        raise ModerationError(
            "Bitte sagen Sie der Autorin oder dem Autor, was Sie geändert haben.", "note"
        )
    comment_states.correct_comment(moderator, comment, body, note)


def dismiss_reports(moderator, *, idea=None, comment=None) -> int:
    """The reports were unfounded: close them, the content stays as it is."""
    _require_scope(moderator, idea if idea is not None else _comment_idea(moderator, comment))
    closed = resolve_reports(moderator, "dismissed", idea=idea, comment=comment)
    target = comment if comment is not None else idea
    audit.record(moderator, "report.dismiss", target, after=f"{closed} Meldungen")
    db.session.flush()
    return closed


def block_user(moderator, user: User, reason: str, until: datetime | None = None) -> User:
    """Stop a person from contributing; they are logged out everywhere at once."""
    lock_admins()  # the count of admins who can act is read after the lock
    _require_block_right(moderator, user, blocking=True)
    if not reason.strip():
        raise ModerationError("Bitte geben Sie einen Grund an.", "reason")
    user.blocked_at, user.blocked_until, user.blocked_reason = utcnow(), until, reason.strip()
    end_all_sessions(user)
    audit.record(moderator, "user.block", user, after={"until": until}, reason=user.blocked_reason)
    queue_mail(user.email, "Ihr Konto wurde gesperrt", "account_blocked", user=user)
    current_app.logger.info("Konto %s gesperrt durch %s", user.id, moderator.id)
    return user


def _require_block_right(moderator, user: User, blocking: bool) -> None:
    refusal = block_refusal(moderator, user, blocking=blocking)
    if refusal is not None:
        raise ideas.NotAllowed(refusal)


def unblock_user(moderator, user: User) -> User:
    _require_block_right(moderator, user, blocking=False)
    before = user.blocked_reason
    user.blocked_at = user.blocked_until = user.blocked_reason = None
    audit.record(moderator, "user.unblock", user, before=before)
    db.session.flush()
    return user


def auto_hide_if_reported(idea=None, comment=None) -> bool:
    """With AUTO_HIDE_REPORTS = N > 0: hide content once N different people reported it."""
    threshold = current_app.config.get("AUTO_HIDE_REPORTS") or 0
    if threshold <= 0:
        return False
    target = Report.comment_id == comment.id if comment else Report.idea_id == idea.id
    # One report per person and item (the unique key): counting reports counts people,
    # also those who deleted their account since (their reports have no reporter).
    reporters = db.session.scalars(
        select(Report.id).where(target, Report.resolved_at.is_(None))
    ).all()
    if len(reporters) < threshold:
        return False
    reason = f"Automatisch ausgeblendet nach {len(reporters)} Meldungen – die Moderation prüft."
    if comment is not None and comment.state == CommentState.PUBLISHED:
        comment_states.change_comment_state(None, comment, CommentState.HIDDEN, reason)
        return True
    if idea is not None and idea.is_public:
        ideas.change_state(None, idea, IdeaState.HIDDEN, reason, action="hide", system=True)
        return True
    return False
