"""Deliver an event to its audience: an inbox entry for each, a mail where chosen.

Runs as the event is recorded, in the same transaction. A mail at once goes out only
below the daily ceiling; over it, the news waits for the next daily summary.
"""

from datetime import date

from flask import current_app
from sqlalchemy import case, insert, select, update

from ..accounts.models import User
from ..events import Event
from ..extensions import db
from ..links import external_url
from ..outbox.services import queue_mail
from ..timeutil import utcnow
from .audience import Recipient, recipients_of
from .categories import Channel
from .messages import Subjects, message_for
from .models import Notification, NotificationSettings
from .settings import ensure_settings, local_day, settings_for
from .tokens import stop_token


def route(event: Event) -> None:
    recipients = recipients_of(event)
    if not recipients:
        return
    settings = settings_for(r.user_id for r in recipients)
    wants_mail = [
        r.user_id
        for r in recipients
        if settings[r.user_id].channel(r.category) == Channel.IMMEDIATE
    ]
    # One bulk INSERT in the order of precedence, however many follow a popular idea.
    db.session.execute(insert(Notification), [_row(event, r) for r in recipients])
    if wants_mail:
        _mail_at_once(event, _notifications_of(event, wants_mail))


def _notifications_of(event: Event, user_ids: list[int]) -> list[Notification]:
    query = select(Notification).where(
        Notification.event_id == event.id, Notification.user_id.in_(user_ids)
    )
    return list(db.session.scalars(query.order_by(Notification.id)))


def _row(event: Event, recipient: Recipient) -> dict:
    return {
        "user_id": recipient.user_id,
        "event_id": event.id,
        "category": recipient.category,
        "reason": recipient.reason,
        "created_at": utcnow(),
    }


def _mail_at_once(event: Event, notifications: list[Notification]) -> None:
    people = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_([n.user_id for n in notifications]))
        )
    }
    subjects = Subjects([event])
    for notification in notifications:
        if not take_mail_slot(notification.user_id, for_summary=False):
            continue  # over the ceiling: the next daily summary carries it
        user = people[notification.user_id]
        message = message_for(event, notification.reason, subjects)
        queue_mail(
            user.email,
            message.subject,
            "notification",
            user=user,
            message=message,
            unsubscribe_url=external_url(
                "notifications.stop", token=stop_token(user.id, notification.category)
            ),
            settings_url=external_url("notifications.preferences"),
        )
        notification.mailed_at = utcnow()


def take_mail_slot(user_id: int, *, for_summary: bool, today: date | None = None) -> bool:
    """Count one mail towards the day's ceiling; False when a mail at once would exceed it.

    One place stays free for the daily summary that carries what was over, so nobody
    gets more than NOTIFICATION_MAILS_PER_DAY mails of this centre a day. One conditional
    UPDATE: two requests at once cannot both take the last place.
    """
    ensure_settings([user_id])
    today = today or local_day()
    limit = current_app.config["NOTIFICATION_MAILS_PER_DAY"]
    counted = case(
        (NotificationSettings.mail_day == today, NotificationSettings.mails_on_day + 1), else_=1
    )
    statement = (
        update(NotificationSettings)
        .where(NotificationSettings.user_id == user_id)
        .values(mails_on_day=counted, mail_day=today)
    )
    if not for_summary:
        statement = statement.where(counted < limit)  # the count with this mail
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount == 1
