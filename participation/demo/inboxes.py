"""Demo inboxes: the last week of demo activity as events and notifications, without mail.

The demo writes its rows in bulk and sends nothing, so every inbox would stay empty.
This step records the last seven days of activity (comments and replies, moderation
decisions from the audit log, ideas taken into projects, project news) as events, and
the notification centre's audience decides who hears of each, as it would have. Nothing
goes to the outbox: what the centre would have mailed by now, at once or in a summary,
is marked mailed at that moment. The last day's news is unread, older news read.

A big demo has thousands of such events a week, each routed with a few queries: it keeps
an even sample of MOST_EVENTS of them, spread over the whole week.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import insert, select

from ..accounts.models import User
from ..audit import AuditEntry
from ..events import Event
from ..extensions import db
from ..ideas.models import Comment, CommentState, Follow, Idea, IdeaState
from ..notifications.audience import Recipient, recipients_of
from ..notifications.categories import Channel
from ..notifications.models import Notification
from ..notifications.settings import local_day, settings_for
from ..projects.models import ProjectIdea, ProjectUpdate
from ..timeutil import utcnow
from .bulk import insert_rows

WEEK = timedelta(days=7)
UNREAD = timedelta(days=1)  # the last day's news still waits to be read
SUMMARY_HOUR = 7  # the summaries' cron job runs at 07:00 local time (README)
RESIDENT_EMAIL = "bewohnerin@demo.example.org"
RESIDENT_FOLLOWS = 3
# The state changes `ideas.change_state` records as "idea.state" events (and logs as idea.<action>).
IDEA_ACTIONS = ("publish", "reject", "hide", "restore", "withdraw", "resubmit", "adopt", "decline")
MOST_EVENTS = 2000


@dataclass
class Week:
    now: datetime
    events: list[Event]


@dataclass
class InboxReport:
    events: int = 0
    notifications: int = 0
    unread: int = 0


def demo_week(now: datetime | None = None) -> Week:
    """The last seven days of demo activity; nothing when there are events already (the
    inboxes are filled once, as the projects are planned once)."""
    now = now or utcnow()
    if db.session.scalar(select(Event.id).limit(1)) is not None:
        return Week(now, [])
    return Week(now, thinned(activity_events(now - WEEK, now), MOST_EVENTS))


def thinned(events: list[Event], most: int) -> list[Event]:
    """At most `most` of the events, evenly spread over them, in their order."""
    if len(events) <= most:
        return events
    return [events[index * len(events) // most] for index in range(most)]


def activity_events(since: datetime, until: datetime) -> list[Event]:
    """The demo's activity after `since` up to `until` as unsaved events, oldest first."""
    found = (
        _comments(since, until)
        + _idea_decisions(since, until)
        + _ideas_taken(since, until)
        + _project_news(since, until)
    )
    return sorted(found, key=lambda event: event.created_at)


def _comments(since, until) -> list[Event]:
    rows = db.session.execute(
        select(Comment.id, Comment.idea_id, Comment.author_id, Comment.created_at).where(
            Comment.state == CommentState.PUBLISHED,
            Comment.created_at > since,
            Comment.created_at <= until,
        )
    )
    return [
        Event(
            kind="comment.published",
            actor_id=author,
            idea_id=idea,
            comment_id=id_,
            data={},
            created_at=at,
        )
        for id_, idea, author, at in rows
    ]


def _idea_decisions(since, until) -> list[Event]:
    actions = {f"idea.{action}": action for action in IDEA_ACTIONS}
    rows = db.session.execute(
        select(
            AuditEntry.object_id,
            AuditEntry.actor_id,
            AuditEntry.action,
            AuditEntry.before,
            AuditEntry.reason,
            AuditEntry.created_at,
        ).where(
            AuditEntry.object_type == "ideas",
            AuditEntry.action.in_(actions),
            AuditEntry.created_at > since,
            AuditEntry.created_at <= until,
        )
    )
    return [
        Event(
            kind="idea.state",
            actor_id=actor,
            idea_id=idea,
            data=_present(action=actions[action], before=before, reason=reason),
            created_at=at,
        )
        for idea, actor, action, before, reason, at in rows
    ]


def _present(**data) -> dict:
    return {key: value for key, value in data.items() if value is not None}


def _ideas_taken(since, until) -> list[Event]:
    rows = db.session.execute(
        select(
            ProjectIdea.idea_id,
            ProjectIdea.project_id,
            ProjectIdea.added_by_id,
            ProjectIdea.added_at,
        ).where(ProjectIdea.added_at > since, ProjectIdea.added_at <= until)
    )
    return [
        Event(
            kind="idea.taken",
            actor_id=actor,
            idea_id=idea,
            project_id=project,
            data={},
            created_at=at,
        )
        for idea, project, actor, at in rows
    ]


def _project_news(since, until) -> list[Event]:
    rows = db.session.execute(
        select(
            ProjectUpdate.id,
            ProjectUpdate.project_id,
            ProjectUpdate.author_id,
            ProjectUpdate.created_at,
        ).where(ProjectUpdate.created_at > since, ProjectUpdate.created_at <= until)
    )
    return [
        Event(
            kind="project.updated",
            actor_id=actor,
            project_id=project,
            update_id=id_,
            data={},
            created_at=at,
        )
        for id_, project, actor, at in rows
    ]


def write_inboxes(week: Week, progress: Callable[[int], None] | None = None) -> InboxReport:
    """Save the week's events and each person's notifications, routed by the centre's
    audience; no mail is queued."""
    if not week.events:
        return InboxReport()
    follow_lively_ideas(RESIDENT_EMAIL, week)
    db.session.add_all(week.events)
    db.session.flush()
    routed = []
    for event in week.events:
        routed.append((event, recipients_of(event)))
        if progress:
            progress(1)
    rows = _notification_rows(routed, week.now)
    insert_rows(Notification, rows)
    unread = sum(row["read_at"] is None for row in rows)
    return InboxReport(events=len(week.events), notifications=len(rows), unread=unread)


def follow_lively_ideas(email: str, week: Week) -> list[int]:
    """The demo resident follows the ideas discussed last, so her inbox has fresh news."""
    resident = db.session.scalar(select(User.id).where(User.email == email))
    if resident is None:
        return []
    newest_first = [e.idea_id for e in reversed(week.events) if e.kind == "comment.published"]
    candidates = set(
        db.session.scalars(
            select(Idea.id).where(
                Idea.id.in_(newest_first),
                Idea.state == IdeaState.PUBLISHED,
                Idea.author_id != resident,
                Idea.id.not_in(select(Follow.idea_id).where(Follow.user_id == resident)),
            )
        )
    )
    chosen = [i for i in dict.fromkeys(newest_first) if i in candidates][:RESIDENT_FOLLOWS]
    since = week.now - WEEK
    if chosen:
        db.session.execute(
            insert(Follow),
            [{"idea_id": i, "user_id": resident, "created_at": since} for i in chosen],
        )
    return chosen


def _notification_rows(routed: list[tuple[Event, list[Recipient]]], now: datetime) -> list[dict]:
    people = {r.user_id for _, recipients in routed for r in recipients}
    clock = MailClock(settings_for(people), now)
    rows = []
    for event, recipients in routed:
        for recipient in recipients:
            mailed = clock.mailed_at(recipient.user_id, recipient.category, event.created_at)
            rows.append(
                {
                    "user_id": recipient.user_id,
                    "event_id": event.id,
                    "category": recipient.category,
                    "reason": recipient.reason,
                    "created_at": event.created_at,
                    "mailed_at": mailed,
                    "read_at": _read_at(event.created_at, mailed, now),
                }
            )
    return rows


def _read_at(created: datetime, mailed: datetime | None, now: datetime) -> datetime | None:
    """Older news was read when its mail came (or when it arrived); the last day's waits."""
    if created > now - UNREAD:
        return None
    return mailed or created


class MailClock:
    """When the notification centre would have mailed a notification by `now`: at once
    under the daily ceiling (one place kept for the summary), otherwise in the next
    summary that has run by now (daily at 07:00, weekly on the configured weekday);
    None for the inbox only or a summary still to come."""

    def __init__(self, settings: dict, now: datetime):
        config = current_app.config
        self.settings, self.now = settings, now
        self.zone = ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"])
        self.at_once_per_day = config["NOTIFICATION_MAILS_PER_DAY"] - 1
        self.weekday = config["NOTIFICATION_WEEKLY_WEEKDAY"]
        self.sent_at_once: Counter = Counter()

    def mailed_at(self, user_id: int, category: str, at: datetime) -> datetime | None:
        channel = self.settings[user_id].channel(category)
        if channel == Channel.IMMEDIATE and self._take_slot(user_id, at):
            return at
        if channel == Channel.INBOX:
            return None
        run = self._next_summary(at, weekly=channel == Channel.WEEKLY)
        return run if run <= self.now else None

    def _take_slot(self, user_id: int, at: datetime) -> bool:
        day = (user_id, local_day(at))
        if self.sent_at_once[day] >= self.at_once_per_day:
            return False
        self.sent_at_once[day] += 1
        return True

    def _next_summary(self, at: datetime, weekly: bool) -> datetime:
        local = at.replace(tzinfo=UTC).astimezone(self.zone)
        run = datetime.combine(local.date(), time(SUMMARY_HOUR), self.zone)
        while run <= local or (weekly and run.weekday() != self.weekday):
            run += timedelta(days=1)  # wall-clock days: 07:00 stays 07:00 across DST
        return run.astimezone(UTC).replace(tzinfo=None)
