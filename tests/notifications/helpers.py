"""Shared by the notification centre's tests: a person's notifications, the badge, posts."""

import re

from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment
from participation.notifications.models import Notification, NotificationSettings
from participation.outbox.models import OutboxMessage
from tests.factories import outbox

INBOX = "/benachrichtigungen"
PREFERENCES = "/benachrichtigungen/einstellungen"
# The header's link to the inbox; its badge says how many entries are unread.
_INBOX_LINK = re.compile(r'<a[^>]* href="/benachrichtigungen"[^>]*>(.*?)</a>', re.S)
_BADGE = re.compile(r'<span class="count-badge">(\d+)<span class="visually-hidden"> ungelesen')


def notifications_of(user) -> list[Notification]:
    """The person's notifications as the database has them now, oldest first."""
    db.session.expire_all()
    query = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    return list(db.session.scalars(query))


def heard(user) -> list[tuple[str, str]]:
    """(category, reason) of each of the person's notifications, oldest first."""
    return [(n.category, n.reason) for n in notifications_of(user)]


def settings_row(user) -> NotificationSettings | None:
    db.session.expire_all()
    return db.session.get(NotificationSettings, user.id)


def mails_to(user) -> list[OutboxMessage]:
    return outbox(user.email)


def unread_badge(html: str) -> int:
    """The number on the header's "Benachrichtigungen" link; 0 when it shows none."""
    link = _INBOX_LINK.search(html.split("<main", 1)[0])
    assert link, "the header has no link to the notifications"
    match = _BADGE.search(link.group(1))
    return int(match.group(1)) if match else 0


def inbox_entry(html: str, notification: Notification) -> str:
    """One entry of the inbox list, as HTML."""
    marker = f'id="n-{notification.id}"'
    assert marker in html, f"notification {notification.id} is not on the page"
    return html.split(marker, 1)[1].split("</li>", 1)[0]


def write_comment(browser, idea, body: str, parent=None) -> Comment:
    """A comment (or, with `parent`, a reply) sent through the form on the idea's page."""
    data = {"body": body, **({"parent_id": str(parent.id)} if parent is not None else {})}
    response = browser.submit(f"/ideas/{idea.id}/comments", data, form_page=f"/ideas/{idea.id}")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()
    return db.session.scalar(select(Comment).where(Comment.body == body))


def follow(browser, idea):
    response = browser.submit(f"/ideas/{idea.id}/follow", {}, form_page=f"/ideas/{idea.id}")
    assert response.status_code == 302
    return response
