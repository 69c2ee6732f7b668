from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..events import Event
from ..extensions import db
from ..timeutil import utcnow
from .categories import DEFAULT_CHANNELS, Category


class Notification(db.Model):
    """One person hears of one event, once, for one reason (the strongest they have)."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "event_id"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_unmailed", "mailed_at", "read_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    # Why this person: "answered", "author" (of the idea), "comment_author", "follower",
    # "supporter", "project_follower".
    reason: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # When it left by mail, at once or in a summary; never set for the inbox only.
    mailed_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(lazy="joined")


class NotificationSettings(db.Model):
    """A person's channel for each category, and what the mail ceiling and the
    summaries need to count. A person without a row has the defaults."""

    __tablename__ = "notification_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    decisions: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.DECISIONS])
    replies: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.REPLIES])
    my_ideas: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.MY_IDEAS])
    followed: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.FOLLOWED])
    projects: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.PROJECTS])
    staff: Mapped[str] = mapped_column(String(10), default=DEFAULT_CHANNELS[Category.STAFF])
    # Mails of this notification centre on one local day, for the daily ceiling.
    mail_day: Mapped[date | None]
    mails_on_day: Mapped[int] = mapped_column(default=0)
    # The local day of the last daily and weekly summary: a period is sent once.
    daily_summary_on: Mapped[date | None]
    weekly_summary_on: Mapped[date | None]

    def channel(self, category: str) -> str:
        return getattr(self, category)
