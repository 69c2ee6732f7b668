"""What waits for a moderator: pending and reported contributions in their scope."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.orm import contains_eager, joinedload

from ..extensions import db
from ..ideas.listing import with_card_details
from ..ideas.models import Comment, CommentState, Idea, IdeaState
from ..ideas.threads import ThreadItem
from ..query_filters import QueryFilter, choice, text
from ..roles import scope_filter
from ..strategy.models import FieldOfAction, Municipality
from .models import Report

KINDS = {"idea": "Ideen", "comment": "Kommentare", "report": "Meldungen"}
QUEUE_LIMIT = 200


@dataclass
class QueueFilter(QueryFilter):
    kind: str | None = choice(KINDS)
    municipality: str | None = text()
    field: str | None = text()


@dataclass
class QueueItem:
    idea: Idea
    waiting_since: datetime
    comment: Comment | None = None
    reports: list[Report] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return "comment" if self.comment is not None else "idea"

    @property
    def is_pending(self) -> bool:
        target = self.comment if self.comment is not None else self.idea
        return target.state == "pending"

    @property
    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for report in self.reports:
            counts[report.reason_label] = counts.get(report.reason_label, 0) + 1
        return counts


def _scoped(query: Select, user, filters: QueueFilter) -> Select:
    query = query.where(scope_filter(user, Idea.municipality_id))
    if filters.municipality:
        query = query.where(Municipality.slug == filters.municipality)
    if filters.field:
        query = query.where(FieldOfAction.slug == filters.field)
    return query


def _pending_ideas(user, filters) -> list[Idea]:
    query = with_card_details(select(Idea).where(Idea.state == IdeaState.PENDING))
    query = _scoped(query, user, filters).order_by(Idea.submitted_at).limit(QUEUE_LIMIT)
    return list(db.session.scalars(query).unique())


def _comments_query(user, filters) -> Select:
    query = (
        select(Comment)
        .join(Comment.idea)
        .join(Idea.field)
        .join(Idea.municipality)
        .options(
            joinedload(Comment.author),
            contains_eager(Comment.idea).contains_eager(Idea.field),
            contains_eager(Comment.idea).contains_eager(Idea.municipality),
            contains_eager(Comment.idea).joinedload(Idea.author),
        )
    )
    return _scoped(query, user, filters)


def _pending_comments(user, filters) -> list[Comment]:
    query = _comments_query(user, filters).where(Comment.state == CommentState.PENDING)
    return list(db.session.scalars(query.order_by(Comment.created_at).limit(QUEUE_LIMIT)).unique())


def _open_reports(user, filters) -> list[QueueItem]:
    reports = list(
        db.session.scalars(
            select(Report)
            .where(Report.resolved_at.is_(None))
            .options(joinedload(Report.reporter))
            .order_by(Report.created_at)
            .limit(QUEUE_LIMIT * 5)
        )
    )
    idea_ids = {r.idea_id for r in reports if r.idea_id}
    comment_ids = {r.comment_id for r in reports if r.comment_id}
    ideas = {}
    if idea_ids:
        query = _scoped(with_card_details(select(Idea).where(Idea.id.in_(idea_ids))), user, filters)
        ideas = {i.id: i for i in db.session.scalars(query).unique()}
    comments = {}
    if comment_ids:
        query = _comments_query(user, filters).where(Comment.id.in_(comment_ids))
        comments = {c.id: c for c in db.session.scalars(query).unique()}
    items: dict[tuple, QueueItem] = {}
    for report in reports:
        comment = comments.get(report.comment_id)
        idea = comment.idea if comment is not None else ideas.get(report.idea_id)
        if idea is None:
            continue  # out of scope or filtered out
        key = ("comment", comment.id) if comment is not None else ("idea", idea.id)
        item = items.setdefault(key, QueueItem(idea, report.created_at, comment))
        item.reports.append(report)
    return list(items.values())


def moderation_queue(user, filters: QueueFilter) -> list[QueueItem]:
    """Everything waiting, oldest first, limited to the moderator's municipalities."""
    items: list[QueueItem] = []
    if filters.kind in (None, "idea"):
        items += [
            QueueItem(i, i.submitted_at or i.created_at) for i in _pending_ideas(user, filters)
        ]
    if filters.kind in (None, "comment"):
        items += [QueueItem(c.idea, c.created_at, c) for c in _pending_comments(user, filters)]
    if filters.kind in (None, "report"):
        reported = _open_reports(user, filters)
        pending_keys = {(i.kind, (i.comment or i.idea).id) for i in items}
        items += [i for i in reported if (i.kind, (i.comment or i.idea).id) not in pending_keys]
    return sorted(items, key=lambda item: item.waiting_since)


def waiting_count(user) -> int:
    """For the staff navigation: how many items wait in this moderator's scope."""

    def scoped(query):
        return query.where(scope_filter(user, Idea.municipality_id))

    ideas = scoped(select(func.count(Idea.id)).where(Idea.state == IdeaState.PENDING))
    comments = scoped(
        select(func.count(Comment.id))
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.state == CommentState.PENDING)
    )
    reported_ideas = scoped(
        select(func.count(func.distinct(Report.idea_id)))
        .join(Idea, Idea.id == Report.idea_id)
        .where(Report.resolved_at.is_(None))
    )
    reported_comments = scoped(
        select(func.count(func.distinct(Report.comment_id)))
        .join(Comment, Comment.id == Report.comment_id)
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Report.resolved_at.is_(None))
    )
    counts = [q.scalar_subquery() for q in (ideas, comments, reported_ideas, reported_comments)]
    return sum(value or 0 for value in db.session.execute(select(*counts)).one())


def moderation_thread(idea: Idea) -> list[ThreadItem]:
    """All comments of an idea for its moderators: the public thread shows pending
    comments only to their authors, but here they wait for a decision."""
    query = (
        select(Comment)
        .where(Comment.idea_id == idea.id)
        .options(joinedload(Comment.author))
        .order_by(Comment.created_at, Comment.id)
    )
    comments = list(db.session.scalars(query))
    items = {c.id: ThreadItem(c) for c in comments if c.parent_id is None}
    for comment in comments:
        if comment.parent_id in items:
            items[comment.parent_id].replies.append(comment)
    return list(items.values())
