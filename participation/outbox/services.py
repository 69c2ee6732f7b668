"""The outbox: mail is queued with the event and delivered by `flask outbox send`."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import parseaddr

from flask import current_app, g, has_request_context, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import select

from ..extensions import db
from ..timeutil import utcnow
from .mailer import compose, mailer_for
from .models import OutboxMessage

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]


def queue_mail(
    recipient: str,
    subject: str,
    template: str,
    *,
    forget_after_delivery=False,
    unsubscribe_url: str | None = None,
    **context,
) -> OutboxMessage:
    """Write a message to the outbox in the current transaction (no commit).

    The text comes from `mail/<template>.txt`, the HTML from `mail/<template>.html`
    or, where there is none, from the text in the common mail layout. A `user` in the
    context is the account the mail is for (every template greets them by it): the row
    keeps its id. With `forget_after_delivery` the row is deleted once the mail is
    delivered or given up, for an address the platform must not remember (the
    confirmation of an account's deletion). Mails that are not strictly transactional
    pass an `unsubscribe_url` (List-Unsubscribe)."""
    context["unsubscribe_url"] = unsubscribe_url
    body = render_template(f"mail/{template}.txt", **context)
    account = context.get("user")
    message = OutboxMessage(
        recipient=recipient,
        subject=subject,
        body=body,
        html_body=_html_of(template, body, subject, context),
        unsubscribe_url=unsubscribe_url,
        user_id=account.id if account is not None else None,
        forget_after_delivery=forget_after_delivery,
    )
    db.session.add(message)
    db.session.flush()
    if has_request_context():
        g.mail_queued = True
    return message


def _html_of(template: str, body: str, subject: str, context: dict) -> str:
    try:
        return render_template(f"mail/{template}.html", subject=subject, **context)
    except TemplateNotFound:
        return render_template("mail/_plain.html", subject=subject, text=body, **context)


def mailed_recently(recipient: str, subject: str, within: timedelta) -> bool:
    """Whether this mail went into the outbox for this address within the period: for
    mails that anyone can trigger for any address, so nobody can flood a stranger's inbox."""
    since = utcnow() - within
    query = select(OutboxMessage.id).where(
        OutboxMessage.recipient == recipient,
        OutboxMessage.subject == subject,
        OutboxMessage.created_at > since,
    )
    return db.session.scalar(query.limit(1)) is not None


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    given_up: int = 0


def deliver_pending(limit: int = 500, now=None) -> DeliveryReport:
    """Try every message that is due; keep failures for a later run, with backoff.

    Each message is claimed with FOR UPDATE SKIP LOCKED (PostgreSQL) and committed
    on its own, so several workers can run at once without sending anything twice.
    """
    now = now or utcnow()
    mailer = mailer_for(current_app.config["MAIL_URL"])
    sender = current_app.config["MAIL_FROM"]
    report = DeliveryReport()
    for _ in range(limit):
        message = _claim_next_due(now)
        if message is None:
            break
        try:
            mailer.send(_compose(message, sender))
        except Exception as error:
            _record_failure(message, error, now, report)
        else:
            message.sent_at = now
            message.attempts += 1
            report.sent += 1
        _forget_if_done(message)
        db.session.commit()
    return report


def _forget_if_done(message: OutboxMessage) -> None:
    """A mail whose row must not outlive it goes once nothing more will be tried."""
    done = message.sent_at is not None or message.failed_at is not None
    if message.forget_after_delivery and done:
        db.session.delete(message)


def _compose(message: OutboxMessage, sender: str) -> EmailMessage:
    return compose(
        sender,
        message.recipient,
        message.subject,
        message.body,
        message_id=_message_id(message, sender),
        date=message.created_at,
        html=message.html_body,
        reply_to=current_app.config.get("MAIL_REPLY_TO"),
        unsubscribe_url=message.unsubscribe_url,
    )


def _message_id(message: OutboxMessage, sender: str) -> str:
    """The same for every attempt of one row, so a retry is recognisable as the same mail.

    Derived rather than stored; keyed with SECRET_KEY so it tells the recipient
    nothing about how many mails the platform sends.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    seed = f"{message.id}:{message.created_at.isoformat()}".encode()
    key = current_app.config["SECRET_KEY"].encode()
    token = hmac.new(key, seed, hashlib.sha256).hexdigest()[:32]
    return f"<{token}@{domain}>"


def _claim_next_due(now) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalars(query).first()


def _record_failure(message: OutboxMessage, error: Exception, now, report: DeliveryReport) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:1000]
    current_app.logger.warning("Zustellung von Nachricht %s fehlgeschlagen: %s", message.id, error)
    if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        message.failed_at = now
        report.given_up += 1
        return
    delay = RETRY_DELAYS[min(message.attempts - 1, len(RETRY_DELAYS) - 1)]
    message.next_attempt_at = now + delay
    report.failed += 1


def deliver_pending_after_request() -> None:
    """Local convenience: without SMTP, show new mail in the console right away."""
    if not g.get("mail_queued"):
        return
    try:
        deliver_pending(limit=20)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Sofortige Zustellung fehlgeschlagen")
