"""Moderation states of comments: one table, one function, every change logged."""

from sqlalchemy import update

from .. import audit, events
from ..extensions import db
from ..timeutil import utcnow
from .models import Comment, CommentState, Idea
from .services import IdeaError

# (from, to) -> action name
COMMENT_TRANSITIONS = {
    (CommentState.PENDING, CommentState.PUBLISHED): "approve",
    (CommentState.PENDING, CommentState.HIDDEN): "reject",
    (CommentState.PUBLISHED, CommentState.HIDDEN): "hide",
    (CommentState.HIDDEN, CommentState.PUBLISHED): "restore",
}
NEEDS_REASON = {"reject", "hide"}


def change_comment_state(
    actor, comment: Comment, target: str, reason: str | None = None, action: str | None = None
) -> str:
    """Move a comment to `target`; keeps the idea's cached comment count in step.

    `action` pins the transition the moderator chose, so that "restore" cannot
    publish a pending comment nobody has read (as with ideas).
    """
    found = COMMENT_TRANSITIONS.get((comment.state, target))
    if found is None or (action is not None and found != action):
        raise IdeaError("Dieser Kommentar kann nicht in diesen Zustand wechseln.")
    action = found
    reason = (reason or "").strip() or None
    if action in NEEDS_REASON and not reason:
        raise IdeaError("Bitte geben Sie eine Begründung an.", field="reason")
    before = comment.state
    comment.state, comment.state_reason = target, reason
    delta = (target == CommentState.PUBLISHED) - (before == CommentState.PUBLISHED)
    if delta:
        db.session.execute(
            update(Idea)
            .where(Idea.id == comment.idea_id)
            .values(comment_count=Idea.comment_count + delta)
        )
    audit.record(actor, f"comment.{action}", comment, before=before, after=target, reason=reason)
    db.session.flush()
    events.record("comment.state", actor, comment=comment, action=action, reason=reason)
    return action


def correct_comment(actor, comment: Comment, body: str, note: str) -> None:
    """A moderator's correction (typo, personal data), recorded before and after."""
    before = comment.body
    comment.body, comment.edited_at = body.strip(), utcnow()
    audit.record(actor, "comment.correct", comment, before=before, after=comment.body, reason=note)
    db.session.flush()
    events.record("comment.corrected", actor, comment=comment, reason=note)
