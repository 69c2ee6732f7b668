"""Who may do what with ideas and comments. Pure predicates, tested role by role."""

from datetime import datetime

from ..roles import in_scope as can_moderate_municipality
from ..roles import is_member, is_signed_in
from ..timeutil import utcnow
from .models import Comment, CommentState, Idea, IdeaState

__all__ = [
    "OWN_REPORT_REFUSAL",
    "can_comment_idea",
    "can_delete_comment",
    "can_edit_comment",
    "can_edit_idea",
    "can_follow_idea",
    "can_report",
    "can_revise_idea",
    "can_see_idea_content",
    "can_submit_idea",
    "can_support_idea",
    "can_view_comment",
    "can_view_idea",
    "can_withdraw_idea",
    "is_author",
    "support_refusal",
]


def is_author(user, idea: Idea) -> bool:
    return is_signed_in(user) and idea.author_id == user.id


def _is_acting_author(user, author_id: int) -> bool:
    """The author, and free to act: a blocked account changes nothing, not even its own."""
    return is_member(user) and author_id == user.id


def can_view_idea(user, idea: Idea) -> bool:
    """Whether the idea's page exists for this person (hidden ones show a placeholder)."""
    if idea.is_public or idea.state == IdeaState.HIDDEN:
        return True
    if is_author(user, idea) and idea.state != IdeaState.HIDDEN:
        return True
    return bool(
        user and user.is_authenticated and can_moderate_municipality(user, idea.municipality_id)
    )


def can_view_comment(user, comment: Comment, idea: Idea) -> bool:
    """Its text: published for everyone; pending or hidden only for its author and moderators."""
    if comment.state in (CommentState.PUBLISHED, CommentState.DELETED):
        return True
    if user is None or not user.is_authenticated:
        return False
    return comment.author_id == user.id or can_moderate_municipality(user, idea.municipality_id)


def can_see_idea_content(user, idea: Idea) -> bool:
    """Hidden ideas keep their page, but only moderators in scope see what was hidden."""
    if idea.state != IdeaState.HIDDEN:
        return can_view_idea(user, idea)
    return bool(
        user and user.is_authenticated and can_moderate_municipality(user, idea.municipality_id)
    )


def can_submit_idea(user) -> bool:
    return is_member(user)


def can_edit_idea(user, idea: Idea) -> bool:
    return _is_acting_author(user, idea.author_id) and idea.state == IdeaState.PENDING


def can_withdraw_idea(user, idea: Idea) -> bool:
    return _is_acting_author(user, idea.author_id) and idea.state == IdeaState.PENDING


def can_revise_idea(user, idea: Idea) -> bool:
    return _is_acting_author(user, idea.author_id) and idea.state == IdeaState.REJECTED


def support_refusal(user, idea: Idea) -> str | None:
    """Why `user` may not support `idea`; None if they may. Nobody supports their own idea:
    the count tells how many others want it."""
    if not is_member(user):
        return "Unterstützen können angemeldete Personen mit bestätigter E-Mail-Adresse."
    if is_author(user, idea):
        return "Ihre eigene Idee können Sie nicht unterstützen."
    if not idea.is_open_for_support:
        return "Diese Idee kann nicht unterstützt werden."
    return None


def can_support_idea(user, idea: Idea) -> bool:
    return support_refusal(user, idea) is None


def can_comment_idea(user, idea: Idea) -> bool:
    return is_member(user) and idea.is_open_for_comments


def can_follow_idea(user, idea: Idea) -> bool:
    """Following subscribes to mail: a blocked account may unfollow, not start following."""
    return is_signed_in(user) and not user.is_blocked and can_view_idea(user, idea)


OWN_REPORT_REFUSAL = "Ihre eigenen Beiträge können Sie nicht melden."


def can_report(user, author_id: int | None = None) -> bool:
    """Signed in and not blocked; with `author_id`, also not one's own contribution."""
    return is_signed_in(user) and not user.is_blocked and author_id != user.id


def can_edit_comment(user, comment: Comment, now: datetime | None = None) -> bool:
    if not _is_acting_author(user, comment.author_id):
        return False
    return comment.state == CommentState.PUBLISHED and (now or utcnow()) <= comment.editable_until()


def can_delete_comment(user, comment: Comment) -> bool:
    return _is_acting_author(user, comment.author_id) and comment.state in (
        CommentState.PUBLISHED,
        CommentState.PENDING,
    )
