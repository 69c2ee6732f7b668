"""A person's inbox: newest first, unread counted, read one by one or all at once."""

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update

from ..extensions import db
from ..pagination import Page
from ..timeutil import utcnow
from .categories import Category
from .messages import Message, Subjects, message_for
from .models import Notification, NotificationSettings
from .settings import settings_of

PER_PAGE = 20


@dataclass
class Entry:
    notification: Notification
    message: Message

    @property
    def is_unread(self) -> bool:
        return self.notification.read_at is None


def unread_count(user_id: int) -> int:
    query = select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    return db.session.scalar(query) or 0


def inbox_page(user_id: int, page: int, only_unread: bool = False) -> Page:
    query = select(Notification).where(Notification.user_id == user_id)
    if only_unread:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(
        db.session.scalars(
            query.order_by(Notification.id.desc()).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    )
    subjects = Subjects([n.event for n in rows])
    entries = [Entry(n, message_for(n.event, n.reason, subjects)) for n in rows]
    return Page(items=entries, total=total, page=page, per_page=PER_PAGE)


def message_of(notification: Notification) -> Message:
    return message_for(notification.event, notification.reason, Subjects([notification.event]))


def own_notification(user_id: int, notification_id: int) -> Notification | None:
    """The notification if it is this person's; another person's id finds nothing."""
    query = select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id
    )
    return db.session.scalar(query)


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        notification.read_at = utcnow()


def mark_all_read(user_id: int) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def personal_notifications(user_id: int) -> dict:
    """For the data export: the chosen channels and every inbox entry, oldest first
    (times as stored; the export writes them its way)."""
    chosen = settings_of(user_id)
    rows = list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )
    subjects = Subjects([n.event for n in rows])
    return {
        "channels": {category.value: chosen.channel(category) for category in Category},
        "entries": [
            {
                "created_at": n.created_at,
                "text": message_for(n.event, n.reason, subjects).headline,
                "read_at": n.read_at,
                "mailed_at": n.mailed_at,
            }
            for n in rows
        ],
    }


def forget_person(user_id: int) -> None:
    """A deleted account's inbox and choices go; the account row itself stays."""
    for model in (Notification, NotificationSettings):
        db.session.execute(
            delete(model).where(model.user_id == user_id),
            execution_options={"synchronize_session": False},
        )
