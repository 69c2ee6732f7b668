"""Who may see a photo: a photo is moderated with its idea. Pure predicates."""

from ..ideas.permissions import can_see_idea_content
from ..roles import is_signed_in
from .models import IdeaPhoto

__all__ = ["can_view_photo", "is_public_photo"]


def is_public_photo(idea) -> bool:
    """A photo of a published, adopted or declined idea is the same for everyone."""
    return idea is not None and idea.is_public


def can_view_photo(user, photo: IdeaPhoto, idea=None) -> bool:
    """A draft: its owner alone. Otherwise whoever may read the idea's content: everyone
    while it is public; its author and the moderators of its town while it waits, was
    rejected or withdrawn; only those moderators while it is hidden."""
    if photo.idea_id is None:
        return is_signed_in(user) and photo.owner_id == user.id
    return idea is not None and idea.id == photo.idea_id and can_see_idea_content(user, idea)
