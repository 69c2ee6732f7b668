"""Erasing a person's ideas and comments when their account is deleted.

This is the one state change outside `services.TRANSITIONS`: the account is gone, so
nobody is left to revise, answer or be told, and an idea leaves the site from any
state. It becomes "withdrawn" (off every list, page and search result, like an idea its
author withdrew) and loses its words and photos; a comment becomes "deleted" and empty,
and its replies stay under the usual placeholder. The row and its id stay, so what points at it
(supports, other people's comments, a project it went into) stays consistent: supports
keep counting on the idea, and a published comment stops counting in the same statement.
"""

from sqlalchemy import or_, select, update

from .. import audit
from ..extensions import db
from ..photos.services import remove_photos_of_ideas
from ..timeutil import utcnow
from .models import PUBLIC_STATES, Comment, CommentState, Idea, IdeaState

ERASED_TITLE = "Entfernte Idee"


def ideas_to_erase(author, everything: bool) -> list[Idea]:
    """The author's ideas the public cannot read, or with `everything` all of them;
    ideas erased before are left as they are."""
    query = select(Idea).where(
        Idea.author_id == author.id,
        or_(
            Idea.state != IdeaState.WITHDRAWN,
            Idea.title != ERASED_TITLE,
            Idea.body != "",
            Idea.place.is_not(None),
            Idea.latitude.is_not(None),
        ),
    )
    if not everything:
        query = query.where(Idea.state.not_in(PUBLIC_STATES))
    return list(db.session.scalars(query.order_by(Idea.id)))


def comments_to_erase(author, everything: bool) -> list[Comment]:
    """The author's comments the public cannot read, or with `everything` all of them."""
    query = select(Comment).where(
        Comment.author_id == author.id,
        or_(Comment.state != CommentState.DELETED, Comment.body != ""),
    )
    if not everything:
        query = query.where(Comment.state != CommentState.PUBLISHED)
    return list(db.session.scalars(query.order_by(Comment.id)))


def erase_idea(author, idea: Idea) -> None:
    """Withdrawn and without its words; what the moderation or the team wrote about it
    goes from the row too (the log keeps their decisions)."""
    before, now = idea.state, utcnow()
    idea.state, idea.title, idea.body = IdeaState.WITHDRAWN, ERASED_TITLE, ""
    idea.place = idea.latitude = idea.longitude = None  # where the person was, too
    idea.state_reason = idea.reason_category = idea.team_answer = idea.hidden_from = None
    idea.state_changed_at = idea.updated_at = now
    audit.record(author, "idea.erase", idea, before=before, after=IdeaState.WITHDRAWN)


def erase_comment(author, comment: Comment) -> None:
    before = comment.state
    if before == CommentState.PUBLISHED:
        db.session.execute(
            update(Idea)
            .where(Idea.id == comment.idea_id)
            .values(comment_count=Idea.comment_count - 1)
        )
    comment.state, comment.body = CommentState.DELETED, ""
    comment.state_reason = comment.reason_category = None
    audit.record(author, "comment.erase", comment, before=before, after=CommentState.DELETED)


def erase_contributions(author, everything: bool) -> tuple[list[int], list[int]]:
    """Erase what `ideas_to_erase` and `comments_to_erase` find; their ids come back."""
    ideas, comments = ideas_to_erase(author, everything), comments_to_erase(author, everything)
    for idea in ideas:
        erase_idea(author, idea)
    remove_photos_of_ideas([idea.id for idea in ideas])  # rows now, files after the commit
    for comment in comments:
        erase_comment(author, comment)
    db.session.flush()
    return [idea.id for idea in ideas], [comment.id for comment in comments]
