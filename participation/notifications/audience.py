"""Who hears of an event, and why: the one place that decides recipients.

Each person hears of an event once, for the strongest reason they have: the person
answered before the idea's author before a follower. Nobody hears of what they did
themselves, and deleted accounts hear nothing.
"""

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import User
from ..events import Event
from ..extensions import db
from ..ideas.models import Comment, Follow, Idea, Support
from ..projects.models import ProjectFollow, ProjectIdea
from .categories import Category

# Decisions about an idea that its author hears of (not their own withdrawing).
AUTHOR_HEARS = frozenset({"publish", "reject", "hide", "restore", "decline"})
# What followers hear of: news about an idea they can see (or could, before it was hidden).
FOLLOWERS_HEAR = frozenset({"hide", "restore", "withdraw", "decline"})
COMMENT_DECISIONS = frozenset({"approve", "reject", "hide", "restore"})


@dataclass(frozen=True)
class Recipient:
    user_id: int
    category: str
    reason: str


class Audience:
    """Recipients in order of precedence; a person added twice keeps the first reason."""

    def __init__(self, event: Event):
        self.excluded = {event.actor_id} if event.actor_id is not None else set()
        self.recipients: dict[int, Recipient] = {}

    def add(self, user_ids, category: str, reason: str) -> None:
        for user_id in user_ids:
            if user_id is not None and user_id not in self.excluded:
                self.recipients.setdefault(user_id, Recipient(user_id, category, reason))

    def exclude(self, user_id: int | None) -> None:
        self.excluded.add(user_id)

    def living(self) -> list[Recipient]:
        if not self.recipients:
            return []
        gone = set(
            db.session.scalars(
                select(User.id).where(User.id.in_(self.recipients), User.deleted_at.is_not(None))
            )
        )
        return [r for r in self.recipients.values() if r.user_id not in gone]


def recipients_of(event: Event) -> list[Recipient]:
    audience = Audience(event)
    handler = HANDLERS.get(event.kind)
    if handler is not None:
        handler(event, audience)
    return audience.living()


def _idea_state(event: Event, audience: Audience) -> None:
    action = event.data.get("action")
    idea = db.session.get(Idea, event.idea_id)
    if action in AUTHOR_HEARS:
        audience.add([idea.author_id], Category.DECISIONS, "author")
    if action in FOLLOWERS_HEAR:
        audience.add(_followers(idea.id), Category.FOLLOWED, "follower")
    if action == "decline":
        audience.add(_supporters(idea.id), Category.FOLLOWED, "supporter")


def _idea_taken(event: Event, audience: Audience) -> None:
    idea = db.session.get(Idea, event.idea_id)
    audience.add([idea.author_id], Category.DECISIONS, "author")
    audience.add(_followers(idea.id), Category.FOLLOWED, "follower")
    audience.add(_supporters(idea.id), Category.FOLLOWED, "supporter")


def _idea_author(event: Event, audience: Audience) -> None:
    idea = db.session.get(Idea, event.idea_id)
    audience.add([idea.author_id], Category.DECISIONS, "author")


def _comment_author(event: Event, audience: Audience) -> None:
    comment = db.session.get(Comment, event.comment_id)
    # Not "author": with an approved comment, the idea's author hears of it as "author".
    audience.add([comment.author_id], Category.DECISIONS, "comment_author")


def _comment_published(event: Event, audience: Audience) -> None:
    """A new comment everyone can read: the person answered, the idea's author, followers."""
    comment = db.session.get(Comment, event.comment_id)
    if not comment.is_visible:
        return
    audience.exclude(comment.author_id)
    if comment.parent_id is not None:
        parent_author = db.session.scalar(
            select(Comment.author_id).where(Comment.id == comment.parent_id)
        )
        audience.add([parent_author], Category.REPLIES, "answered")
    idea = db.session.get(Idea, comment.idea_id)
    audience.add([idea.author_id], Category.MY_IDEAS, "author")
    audience.add(_followers(idea.id), Category.FOLLOWED, "follower")


def _comment_state(event: Event, audience: Audience) -> None:
    action = event.data.get("action")
    if action in COMMENT_DECISIONS:
        _comment_author(event, audience)
    if action == "approve":
        # Approved after pre-moderation: news for the thread as if it came in now.
        _comment_published(event, audience)


def _project_updated(event: Event, audience: Audience) -> None:
    source_ideas = select(ProjectIdea.idea_id).where(ProjectIdea.project_id == event.project_id)
    followers = select(ProjectFollow.user_id).where(ProjectFollow.project_id == event.project_id)
    audience.add(db.session.scalars(followers), Category.PROJECTS, "project_follower")
    authors = select(Idea.author_id).where(Idea.id.in_(source_ideas))
    audience.add(db.session.scalars(authors), Category.PROJECTS, "author")
    idea_followers = select(Follow.user_id).where(Follow.idea_id.in_(source_ideas))
    audience.add(db.session.scalars(idea_followers), Category.PROJECTS, "follower")


def _followers(idea_id: int):
    query = select(Follow.user_id).where(Follow.idea_id == idea_id).order_by(Follow.id)
    return db.session.scalars(query)


def _supporters(idea_id: int):
    query = select(Support.user_id).where(Support.idea_id == idea_id).order_by(Support.id)
    return db.session.scalars(query)


HANDLERS = {
    "idea.state": _idea_state,
    "idea.taken": _idea_taken,
    "idea.corrected": _idea_author,
    "idea.photo_removed": _idea_author,
    "comment.published": _comment_published,
    "comment.state": _comment_state,
    "comment.corrected": _comment_author,
    "project.updated": _project_updated,
}
