"""Revise and resubmit: a rejected idea goes back to the queue with its history."""

from .. import audit
from ..timeutil import utcnow
from . import places, services
from .models import Idea, IdeaState
from .permissions import can_revise_idea


def resubmit_idea(author, idea: Idea, data: services.IdeaData) -> Idea:
    """Save the author's revision and put the idea back into the moderation queue."""
    if not can_revise_idea(author, idea):
        raise services.NotAllowed("Diese Idee können Sie nicht überarbeiten.")
    services.check_references(data)
    # The same fields as an edit: a move to another town changes who decides next.
    before = services._editable_content(idea)
    idea.title, idea.body = data.title.strip(), data.body.strip()
    idea.field_id, idea.municipality_id = data.field_id, data.municipality_id
    places.set_place(idea, data.place, data.latitude, data.longitude)
    idea.updated_at = utcnow()
    audit.record(author, "idea.revise", idea, before=before, after=services._editable_content(idea))
    services.change_state(author, idea, IdeaState.PENDING)
    # A new round in the queue: the old decision's time and public label no longer apply.
    idea.submitted_at, idea.decided_at, idea.reason_category = utcnow(), None, None
    return idea
