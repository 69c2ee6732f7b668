"""The work waiting for staff: moderation in their towns, ideas they have not rated."""

from dataclasses import dataclass

from sqlalchemy import exists, func, select

from ..extensions import db
from ..ideas.models import Idea, IdeaState
from ..moderation.permissions import can_view_queue
from ..moderation.queue import waiting_count
from ..rating.models import Assessment
from ..rating.permissions import can_rate_ideas


@dataclass
class WaitingWork:
    moderation: int | None = None  # None: not this person's work
    rating: int | None = None

    @property
    def anything(self) -> bool:
        return bool(self.moderation) or bool(self.rating)


def waiting_work(user) -> WaitingWork:
    work = WaitingWork()
    if can_view_queue(user):
        work.moderation = waiting_count(user)
    if can_rate_ideas(user):
        rated = exists().where(Assessment.idea_id == Idea.id, Assessment.rater_id == user.id)
        query = select(func.count(Idea.id)).where(Idea.state == IdeaState.PUBLISHED, ~rated)
        work.rating = db.session.scalar(query)
    return work
