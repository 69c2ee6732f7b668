"""Daily and weekly summaries: one mail per person and run, grouped by idea or project.

`flask notifications summaries` runs from cron once a day. Each person's period is
claimed with one conditional UPDATE before anything is sent and committed with the
mail, so a second run (later, or at the same moment on another server) finds the
period taken and sends nothing twice. Moderators also hear what waits in their towns,
only when something waits.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import or_, select, union, update

from ..accounts.models import User
from ..extensions import db
from ..links import external_url
from ..outbox.services import queue_mail
from ..roles import MODERATING_ROLES, RoleAssignment
from ..timeutil import utcnow
from .categories import Category, Channel
from .delivery import take_mail_slot
from .messages import Message, Subjects, message_for
from .models import Notification, NotificationSettings
from .settings import ensure_settings, local_day, settings_of
from .staff import WaitingWork, waiting_work
from .tokens import stop_token


@dataclass
class SummaryReport:
    mails: int = 0
    notifications: int = 0
    failed: int = 0  # people whose summary failed; the next run tries again


@dataclass
class Group:
    kind: str  # "idea" or "project"
    title: str
    url: str
    messages: list[Message] = field(default_factory=list)


def send_summaries(now=None, progress=None) -> SummaryReport:
    """Send every summary that is due now; commits per person, so one person's failure
    (logged, rolled back, tried again on the next run) does not stop the others."""
    now = now or utcnow()
    today = local_day(now)
    report = SummaryReport()
    candidates = _candidates(now)
    for index, user_id in enumerate(candidates, start=1):
        try:
            included = _summarise(user_id, today, now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("Zusammenfassung für Konto %s fehlgeschlagen", user_id)
            report.failed += 1
            included = None
        if included is not None:
            report.mails += 1
            report.notifications += included
        if progress is not None:
            progress(index, len(candidates))
    return report


def _window_start(now):
    return now - timedelta(days=current_app.config["NOTIFICATION_SUMMARY_DAYS"])


def _candidates(now) -> list[int]:
    waiting_news = select(Notification.user_id).where(
        Notification.mailed_at.is_(None),
        Notification.read_at.is_(None),
        Notification.created_at > _window_start(now),
    )
    moderators = select(RoleAssignment.user_id).where(RoleAssignment.role.in_(MODERATING_ROLES))
    return sorted(set(db.session.scalars(union(waiting_news, moderators))))


def _weekly_due(settings: NotificationSettings, today: date) -> bool:
    """Only on the weekday: a week without news claims nothing, and catching up on any
    later day would send the next week's news the day it came in."""
    weekday = current_app.config["NOTIFICATION_WEEKLY_WEEKDAY"]
    return today.weekday() == weekday and settings.weekly_summary_on != today


def _summarise(user_id: int, today: date, now) -> int | None:
    """Send this person's due summary; the number of notifications in it, None for none."""
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        return None
    settings = settings_of(user_id)
    daily_due = settings.daily_summary_on != today
    weekly_due = _weekly_due(settings, today)
    if not (daily_due or weekly_due):
        return None
    daily, weekly = _unmailed(user_id, settings, now)
    work = _staff_work(user, settings) if daily_due else WaitingWork()
    send_daily = daily_due and (daily or work.anything)
    send_weekly = weekly_due and bool(weekly)
    if send_daily and not _claim(user_id, NotificationSettings.daily_summary_on, today):
        send_daily = False
    if send_weekly and not _claim(user_id, NotificationSettings.weekly_summary_on, today):
        send_weekly = False
    included = (daily if send_daily else []) + (weekly if send_weekly else [])
    if not (included or (send_daily and work.anything)):
        return None
    _send(user, included, work if send_daily else WaitingWork(), weekly=not send_daily, today=today)
    for notification in included:
        notification.mailed_at = now
    return len(included)


def _unmailed(user_id: int, settings, now) -> tuple[list, list]:
    """Unread news not yet mailed: for the daily summary (daily, and what was over the
    ceiling) and for the weekly one. What the person reads in the inbox is not mailed."""
    query = (
        select(Notification)
        .where(
            Notification.user_id == user_id,
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at > _window_start(now),
        )
        .order_by(Notification.id)
    )
    daily, weekly = [], []
    for notification in db.session.scalars(query):
        channel = settings.channel(notification.category)
        if channel in (Channel.DAILY, Channel.IMMEDIATE):
            daily.append(notification)
        elif channel == Channel.WEEKLY:
            weekly.append(notification)
    return daily, weekly


def _staff_work(user, settings) -> WaitingWork:
    """Moderation only: ideas wait for rating all the time, a daily reminder would nag."""
    if settings.channel(Category.STAFF) != Channel.DAILY:
        return WaitingWork()
    return WaitingWork(moderation=waiting_work(user).moderation)


def _claim(user_id: int, column, today: date) -> bool:
    ensure_settings([user_id])
    statement = (
        update(NotificationSettings)
        .where(
            NotificationSettings.user_id == user_id,
            or_(column.is_(None), column != today),
        )
        .values({column.key: today})
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(statement).rowcount == 1


def _send(
    user, notifications: list[Notification], work: WaitingWork, weekly: bool, today: date
) -> None:
    groups = group_messages(notifications)
    count = len(notifications)
    if weekly:
        subject = f"Ihre Wochenübersicht: {_news(count)}"
    elif count:
        subject = f"Ihre Tagesübersicht: {_news(count)}"
    else:
        subject = "Ihre Tagesübersicht: Es wartet Arbeit auf Sie"
    take_mail_slot(user.id, for_summary=True, today=today)
    queue_mail(
        user.email,
        subject,
        "summary",
        user=user,
        groups=groups,
        count=count,
        weekly=weekly,
        work=work,
        moderation_url=external_url("moderation.queue"),
        inbox_url=external_url("notifications.inbox_page"),
        unsubscribe_url=external_url("notifications.stop", token=stop_token(user.id, "summary")),
        settings_url=external_url("notifications.preferences"),
    )


def _news(count: int) -> str:
    return "1 Neuigkeit" if count == 1 else f"{count} Neuigkeiten"


def group_messages(notifications: list[Notification]) -> list[Group]:
    """The notifications' messages grouped by idea or project, in order of arrival."""
    subjects = Subjects([n.event for n in notifications])
    groups: dict[tuple[str, int], Group] = {}
    for notification in notifications:
        message = message_for(notification.event, notification.reason, subjects)
        kind, subject_id, title = message.group
        key = (kind, subject_id)
        if key not in groups:
            endpoint, values = (
                ("ideas.detail", {"idea_id": subject_id})
                if kind == "idea"
                else ("roadmap.project", {"project_id": subject_id})
            )
            groups[key] = Group(kind, title, external_url(endpoint, **values))
        groups[key].messages.append(message)
    return list(groups.values())
