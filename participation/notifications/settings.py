"""A person's choices: which channel for which category (defaults without a row)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..timeutil import utcnow
from .categories import CHANNELS_OF, DEFAULT_CHANNELS, Category, Channel
from .models import NotificationSettings


def local_day(moment: datetime | None = None) -> date:
    """The district's calendar day of a naive UTC moment: the ceiling's and summaries' day."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return (moment or utcnow()).replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


class DefaultSettings:
    """The settings of a person without a row: nothing is written for a mere look."""

    daily_summary_on = weekly_summary_on = mail_day = None
    mails_on_day = 0

    def channel(self, category: str) -> str:
        return DEFAULT_CHANNELS[Category(category)].value


DEFAULTS = DefaultSettings()


def settings_of(user_id: int) -> NotificationSettings | DefaultSettings:
    """The stored settings, or the defaults."""
    stored = db.session.get(NotificationSettings, user_id)
    return stored if stored is not None else DEFAULTS


def settings_for(user_ids) -> dict[int, NotificationSettings]:
    ids = set(user_ids)
    stored = (
        {
            row.user_id: row
            for row in db.session.scalars(
                select(NotificationSettings).where(NotificationSettings.user_id.in_(ids))
            )
        }
        if ids
        else {}
    )
    # One shared object for everyone on the defaults: a popular idea has thousands.
    return {user_id: stored.get(user_id, DEFAULTS) for user_id in ids}


def ensure_settings(user_ids) -> None:
    """Write default rows for these people where none exist; safe when two runs race."""
    ids = sorted(set(user_ids))
    if not ids:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = [
        {"user_id": user_id, "mails_on_day": 0}
        | {c.value: DEFAULT_CHANNELS[c].value for c in Category}
        for user_id in ids
    ]
    db.session.execute(insert(NotificationSettings).values(rows).on_conflict_do_nothing())


def change_channels(user_id: int, channels: dict[str, str]) -> NotificationSettings:
    """Store the chosen channels; a category or channel that does not exist is ignored."""
    ensure_settings([user_id])
    settings = db.session.get(NotificationSettings, user_id)
    for category, channel in channels.items():
        if category in Category.__members__.values() and channel in CHANNELS_OF[Category(category)]:
            setattr(settings, category, channel)
    db.session.flush()
    return settings


def stop_mails(user_id: int, categories) -> list[str]:
    """Switch these categories to the inbox only; returns those that were mailed before."""
    settings = settings_of(user_id)
    stopped = [c for c in categories if settings.channel(c) != Channel.INBOX]
    change_channels(user_id, dict.fromkeys(stopped, Channel.INBOX))
    return stopped
