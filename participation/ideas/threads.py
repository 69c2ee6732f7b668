"""Comments of an idea as a thread: top-level comments with one level of replies."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..extensions import db
from .models import Comment, CommentState


@dataclass
class ThreadItem:
    comment: Comment
    replies: list[Comment] = field(default_factory=list)


def _shown_to(comment: Comment, user) -> bool:
    if comment.state in (CommentState.PUBLISHED, CommentState.DELETED, CommentState.HIDDEN):
        return True
    return bool(user is not None and user.is_authenticated and comment.author_id == user.id)


def comment_thread(idea, user) -> list[ThreadItem]:
    """One query; pending comments only for their authors, hidden ones as placeholders."""
    query = (
        select(Comment)
        .where(Comment.idea_id == idea.id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = [c for c in db.session.scalars(query) if _shown_to(c, user)]
    items = {c.id: ThreadItem(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id in items:
            items[comment.parent_id].replies.append(comment)
    return list(items.values())
