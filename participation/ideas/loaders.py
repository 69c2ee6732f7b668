"""Load an idea or a comment for the person asking, or answer 404: what they may not
see does not exist for them. Shared by every view that works on ideas and comments."""

from flask import abort
from flask_login import current_user

from ..extensions import db
from . import listing
from .models import PUBLIC_STATES, Comment, Idea
from .permissions import can_view_comment, can_view_idea


def visible_idea_or_404(idea_id: int) -> Idea:
    idea = listing.get_idea_with_details(idea_id)
    if idea is None or not can_view_idea(current_user, idea):
        abort(404)
    return idea


def visible_comment_or_404(comment_id: int) -> Comment:
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        abort(404)
    idea = visible_idea_or_404(comment.idea_id)
    if not can_view_comment(current_user, comment, idea):
        abort(404)
    return comment


def public_idea_or_404(idea_id: int) -> Idea:
    """A published, adopted or declined idea: what staff rate and take into projects."""
    idea = listing.get_idea_with_details(idea_id)
    if idea is None or idea.state not in PUBLIC_STATES:
        abort(404)
    return idea
