"""Rules for ideas: the state table, submitting, supporting, discussing, following."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit, events
from ..extensions import db
from ..roles import PLANNING_ROLES, has_any_role, in_scope, is_member
from ..rules import RuleError
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow
from . import permissions, places
from .models import (
    STATE_LABELS,
    TRENDING_WINDOW,
    Comment,
    CommentState,
    Follow,
    Idea,
    IdeaState,
    Support,
)


class IdeaError(RuleError):
    """A rule about ideas, supports or comments was broken."""


class NotAllowed(IdeaError):
    pass


@dataclass(frozen=True)
class Transition:
    action: str
    by: str  # "author", "moderator" or "team" (the project team, pipeline)
    needs_reason: bool = False


# Every state change of an idea, and who may make it. Nothing else changes `state`,
# except erasing the ideas of a deleted account (`erasure.py`: from any state, by nobody).
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (IdeaState.PENDING, IdeaState.PUBLISHED): Transition("publish", "moderator"),
    (IdeaState.PENDING, IdeaState.REJECTED): Transition("reject", "moderator", needs_reason=True),
    (IdeaState.PENDING, IdeaState.WITHDRAWN): Transition("withdraw", "author"),
    (IdeaState.PUBLISHED, IdeaState.HIDDEN): Transition("hide", "moderator", needs_reason=True),
    (IdeaState.HIDDEN, IdeaState.PUBLISHED): Transition("restore", "moderator"),
    (IdeaState.REJECTED, IdeaState.PENDING): Transition("resubmit", "author"),
    (IdeaState.PUBLISHED, IdeaState.ADOPTED): Transition("adopt", "team"),
    (IdeaState.DECLINED, IdeaState.ADOPTED): Transition("adopt", "team"),
    (IdeaState.PUBLISHED, IdeaState.DECLINED): Transition("decline", "team", needs_reason=True),
    (IdeaState.ADOPTED, IdeaState.HIDDEN): Transition("hide", "moderator", needs_reason=True),
    (IdeaState.DECLINED, IdeaState.HIDDEN): Transition("hide", "moderator", needs_reason=True),
    (IdeaState.HIDDEN, IdeaState.ADOPTED): Transition("restore", "moderator"),
    (IdeaState.HIDDEN, IdeaState.DECLINED): Transition("restore", "moderator"),
}


@dataclass
class IdeaData:
    title: str
    body: str
    field_id: int
    municipality_id: int
    place: str | None = None  # ideas/places.py: a text, and a point in the district
    latitude: float | None = None
    longitude: float | None = None


def _may_act(actor, idea: Idea, transition: Transition) -> bool:
    if transition.by == "author":
        return is_member(actor) and actor.id == idea.author_id
    if transition.by == "team":
        return has_any_role(actor, PLANNING_ROLES)
    return in_scope(actor, idea.municipality_id)


def change_state(
    actor,
    idea: Idea,
    target: str,
    reason: str | None = None,
    *,
    action: str | None = None,
    system: bool = False,
) -> Idea:
    """The one way an idea changes state: checked, logged and announced.

    `action` pins the transition a named service stands for, so that e.g.
    `restore_idea` cannot publish a pending idea that no moderator has read.
    `system` marks an automatic change (auto-hide after reports) without an actor.
    The change is recorded as an event; the notification centre tells whom it concerns.
    """
    transition = TRANSITIONS.get((idea.state, target))
    if transition is None or (action is not None and transition.action != action):
        raise IdeaError(
            f"Eine Idee im Stand „{STATE_LABELS.get(idea.state, idea.state)}“ kann nicht "
            f"„{STATE_LABELS.get(target, target)}“ werden."
        )
    if not system and not _may_act(actor, idea, transition):
        raise NotAllowed("Dazu sind Sie nicht berechtigt.")
    reason = (reason or "").strip() or None
    if transition.needs_reason and not reason:
        raise IdeaError("Bitte geben Sie eine Begründung an.", field="reason")
    before, now = idea.state, utcnow()
    idea.state, idea.state_reason, idea.state_changed_at = target, reason, now
    idea.hidden_from = before if target == IdeaState.HIDDEN else None
    if target == IdeaState.PUBLISHED and idea.published_at is None:
        idea.published_at = now
    audit.record(
        actor, f"idea.{transition.action}", idea, before=before, after=target, reason=reason
    )
    db.session.flush()
    events.record(
        "idea.state", actor, idea=idea, action=transition.action, before=before, reason=reason
    )
    who = actor.id if actor is not None else "System"
    current_app.logger.info("Idee %s: %s -> %s durch %s", idea.id, before, target, who)
    return idea


def publish_idea(moderator, idea: Idea) -> Idea:
    return change_state(moderator, idea, IdeaState.PUBLISHED, action="publish")


def reject_idea(moderator, idea: Idea, reason: str) -> Idea:
    return change_state(moderator, idea, IdeaState.REJECTED, reason, action="reject")


def hide_idea(moderator, idea: Idea, reason: str) -> Idea:
    return change_state(moderator, idea, IdeaState.HIDDEN, reason, action="hide")


def restore_target(idea: Idea) -> str:
    """A hidden idea returns to where it was before it was hidden."""
    before = idea.hidden_from
    return before if (IdeaState.HIDDEN, before) in TRANSITIONS else IdeaState.PUBLISHED


def restore_idea(moderator, idea: Idea) -> Idea:
    return change_state(moderator, idea, restore_target(idea), action="restore")


def withdraw_idea(author, idea: Idea) -> Idea:
    return change_state(author, idea, IdeaState.WITHDRAWN, action="withdraw")


def check_references(data: IdeaData) -> None:
    if db.session.get(FieldOfAction, data.field_id) is None:
        raise IdeaError("Bitte wählen Sie ein Handlungsfeld aus der Liste.", field="field")
    if db.session.get(Municipality, data.municipality_id) is None:
        raise IdeaError("Bitte wählen Sie eine Kommune aus der Liste.", field="municipality")
    problem = places.place_problem(data.place, data.latitude, data.longitude)
    if problem is not None:
        raise IdeaError(problem.message, field=problem.field)


def submit_idea(author, data: IdeaData) -> Idea:
    """A new idea waits for moderation; its author follows it from the start."""
    if not permissions.can_submit_idea(author):
        raise NotAllowed("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse.")
    check_references(data)
    idea = Idea(
        title=data.title.strip(),
        body=data.body.strip(),
        field_id=data.field_id,
        municipality_id=data.municipality_id,
        author_id=author.id,
        state=IdeaState.PENDING,
    )
    places.set_place(idea, data.place, data.latitude, data.longitude)
    db.session.add(idea)
    db.session.flush()
    audit.record(author, "idea.submit", idea, after=IdeaState.PENDING)
    follow_idea(author, idea)
    current_app.logger.info("Idee %s eingereicht von %s", idea.id, author.id)
    return idea


def update_idea(author, idea: Idea, data: IdeaData) -> Idea:
    if not permissions.can_edit_idea(author, idea):
        raise NotAllowed("Diese Idee können Sie nicht mehr bearbeiten.")
    check_references(data)
    before = _editable_content(idea)
    idea.title, idea.body = data.title.strip(), data.body.strip()
    idea.field_id, idea.municipality_id = data.field_id, data.municipality_id
    places.set_place(idea, data.place, data.latitude, data.longitude)
    idea.updated_at = utcnow()
    audit.record(author, "idea.edit", idea, before=before, after=_editable_content(idea))
    db.session.flush()
    return idea


def _editable_content(idea: Idea) -> dict:
    """Everything an edit may change, for the audit log: a move to another town
    changes which moderators decide, so it must show there too."""
    return {
        "title": idea.title,
        "body": idea.body,
        "field_id": idea.field_id,
        "municipality_id": idea.municipality_id,
        "place": idea.place,
        "latitude": idea.latitude,
        "longitude": idea.longitude,
    }


def insert_ignoring_duplicate(model, **values) -> bool:
    """Insert a row unless the unique key exists; True when a row was really added."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(model.id)
    return db.session.execute(statement).first() is not None


def _bump(column, idea_id: int, by: int) -> None:
    db.session.execute(update(Idea).where(Idea.id == idea_id).values({column: column + by}))


def support_idea(user, idea: Idea) -> bool:
    """Idempotent: True when a support was added, False when it already existed."""
    if not permissions.can_support_idea(user, idea):
        raise NotAllowed("Diese Idee können Sie nicht unterstützen.")
    added = insert_ignoring_duplicate(
        Support, idea_id=idea.id, user_id=user.id, created_at=utcnow()
    )
    if added:
        _bump(Idea.support_count, idea.id, 1)
        _bump(Idea.recent_support_count, idea.id, 1)
    db.session.expire(idea, ["support_count", "recent_support_count"])
    return added


def withdraw_support(user, idea: Idea) -> bool:
    """Idempotent: True when a support was removed."""
    if not permissions.can_support_idea(user, idea):
        raise NotAllowed("Diese Idee können Sie nicht unterstützen.")
    deleted = db.session.execute(
        delete(Support)
        .where(Support.idea_id == idea.id, Support.user_id == user.id)
        .returning(Support.created_at)
    ).first()
    if deleted is not None:
        _bump(Idea.support_count, idea.id, -1)
        if deleted.created_at >= utcnow() - TRENDING_WINDOW:
            _bump(Idea.recent_support_count, idea.id, -1)
    db.session.expire(idea, ["support_count", "recent_support_count"])
    return deleted is not None


def has_supported(user, idea: Idea) -> bool:
    if user is None or not user.is_authenticated:
        return False
    query = select(Support.id).where(Support.idea_id == idea.id, Support.user_id == user.id)
    return db.session.scalar(query) is not None


def follow_idea(user, idea: Idea) -> bool:
    return insert_ignoring_duplicate(Follow, idea_id=idea.id, user_id=user.id, created_at=utcnow())


def unfollow_idea(user_id: int, idea_id: int) -> bool:
    result = db.session.execute(
        delete(Follow).where(Follow.idea_id == idea_id, Follow.user_id == user_id)
    )
    return result.rowcount == 1


def is_following(user, idea: Idea) -> bool:
    if user is None or not user.is_authenticated:
        return False
    query = select(Follow.id).where(Follow.idea_id == idea.id, Follow.user_id == user.id)
    return db.session.scalar(query) is not None


def add_comment(user, idea: Idea, body: str, parent: Comment | None = None) -> Comment:
    if not permissions.can_comment_idea(user, idea):
        raise NotAllowed("Zu dieser Idee können Sie keinen Kommentar schreiben.")
    if parent is not None and (
        parent.idea_id != idea.id or parent.parent_id is not None or not parent.is_visible
    ):
        # One level of replies, and only to what everyone can read: a reply under a
        # pending or hidden comment would be counted but shown nowhere.
        raise IdeaError("Auf diesen Kommentar kann nicht geantwortet werden.")
    state = CommentState.PENDING if _comments_premoderated() else CommentState.PUBLISHED
    comment = Comment(
        idea_id=idea.id,
        author_id=user.id,
        parent_id=parent.id if parent else None,
        body=body.strip(),
        state=state,
    )
    db.session.add(comment)
    db.session.flush()
    if state == CommentState.PUBLISHED:
        _bump(Idea.comment_count, idea.id, 1)
        events.record("comment.published", user, comment=comment)
    audit.record(user, "comment.create", comment, after=state)
    return comment


def _comments_premoderated() -> bool:
    return bool(current_app.config.get("COMMENTS_PREMODERATED"))


def edit_comment(user, comment: Comment, body: str) -> Comment:
    if not permissions.can_edit_comment(user, comment):
        raise NotAllowed("Diesen Kommentar können Sie nicht mehr bearbeiten.")
    before = comment.body
    comment.body, comment.edited_at = body.strip(), utcnow()
    audit.record(user, "comment.edit", comment, before=before, after=comment.body)
    db.session.flush()
    return comment


def delete_comment(user, comment: Comment) -> Comment:
    """The author removes the text; a placeholder keeps the thread readable."""
    if not permissions.can_delete_comment(user, comment):
        raise NotAllowed("Diesen Kommentar können Sie nicht löschen.")
    was_visible = comment.state == CommentState.PUBLISHED
    comment.state = CommentState.DELETED
    audit.record(user, "comment.delete", comment, before=comment.body)
    comment.body = ""
    if was_visible:
        _bump(Idea.comment_count, comment.idea_id, -1)
    db.session.flush()
    return comment


@dataclass
class Drift:
    idea_id: int
    column: str
    cached: int
    actual: int


def recount(repair: bool = False) -> list[Drift]:
    """Compare cached counts with the rows they count; optionally repair them."""
    supports = select(Support.idea_id, func.count().label("n")).group_by(Support.idea_id).subquery()
    comments = (
        select(Comment.idea_id, func.count().label("n"))
        .where(Comment.state == CommentState.PUBLISHED)
        .group_by(Comment.idea_id)
        .subquery()
    )
    actual_supports = func.coalesce(supports.c.n, 0)
    actual_comments = func.coalesce(comments.c.n, 0)
    query = (
        select(Idea.id, Idea.support_count, actual_supports, Idea.comment_count, actual_comments)
        .outerjoin(supports, supports.c.idea_id == Idea.id)
        .outerjoin(comments, comments.c.idea_id == Idea.id)
        .where((Idea.support_count != actual_supports) | (Idea.comment_count != actual_comments))
    )
    drifts = []
    for idea_id, cached_s, real_s, cached_c, real_c in db.session.execute(query):
        if cached_s != real_s:
            drifts.append(Drift(idea_id, "support_count", cached_s, real_s))
        if cached_c != real_c:
            drifts.append(Drift(idea_id, "comment_count", cached_c, real_c))
    if repair:
        for drift in drifts:
            db.session.execute(
                update(Idea).where(Idea.id == drift.idea_id).values({drift.column: drift.actual})
            )
        db.session.flush()
    return drifts


def refresh_trending(now=None) -> int:
    """Let supports older than the trending window age out; returns ideas changed.

    Supports keep `recent_support_count` in step as they come and go; only the
    passing of time needs this refresh (hourly: `flask jobs trending`, or `flask recount`).
    """
    cutoff = (now or utcnow()) - TRENDING_WINDOW
    recent = (
        select(Support.idea_id, func.count().label("n"))
        .where(Support.created_at >= cutoff)
        .group_by(Support.idea_id)
        .subquery()
    )
    actual = func.coalesce(recent.c.n, 0)
    changed = db.session.execute(
        select(Idea.id, actual)
        .outerjoin(recent, recent.c.idea_id == Idea.id)
        .where(Idea.recent_support_count != actual)
    ).all()
    if changed:
        rows = [{"id": idea_id, "recent_support_count": n} for idea_id, n in changed]
        db.session.execute(update(Idea), rows)
    db.session.flush()
    return len(changed)
