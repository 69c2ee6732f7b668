"""What happened: services record an event with its subject and actor, nothing more.

An event is written in the transaction of the change it describes. Who hears of it,
through which channel, is decided elsewhere: the notification centre subscribes with
`listen` when the app starts and routes each event as it is recorded, in the same
transaction, so a change and its notifications are committed (or rolled back) together.
The subjects' tables sit above this core module: they are named, not imported.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .timeutil import utcnow


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The subjects; an erased idea or project takes its events (and notifications) along.
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_updates.id", ondelete="CASCADE"), index=True
    )
    # What the subjects do not hold: the action taken, a reason, a removed photo's text.
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


Listener = Callable[[Event], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> None:
    """Have `listener` called with every event recorded from now on (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(
    kind: str,
    actor=None,
    *,
    idea=None,
    comment=None,
    project=None,
    update=None,
    **data: Any,
) -> Event:
    """Write an event in the current transaction (no commit) and hand it to the listeners."""
    event = Event(
        kind=kind,
        actor_id=actor.id if actor is not None else None,
        idea_id=_id(idea) or (comment.idea_id if comment is not None else None),
        comment_id=_id(comment),
        project_id=_id(project) or (update.project_id if update is not None else None),
        update_id=_id(update),
        data={key: value for key, value in data.items() if value is not None},
    )
    db.session.add(event)
    db.session.flush()
    for listener in _listeners:
        listener(event)
    return event


def _id(subject) -> int | None:
    return subject.id if subject is not None else None
