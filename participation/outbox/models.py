from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow


class OutboxMessage(db.Model):
    """An e-mail, written in the transaction of the event that caused it."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_pending", "sent_at", "next_attempt_at"),
        # "Did this person get this mail lately?" (one hint an hour for a known address).
        Index("ix_outbox_messages_recipient_created", "recipient", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    # The account the mail is for, whatever address it went to (a new address waiting
    # for confirmation, an old one): deleting the account finds every mail to them.
    # Accounts sit above this core module: named, not imported.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # Set on every mail that is not strictly transactional: List-Unsubscribe (RFC 8058).
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    # A mail to someone we must not remember (the confirmation of an account's deletion):
    # the row goes once the mail is delivered or given up, instead of being kept.
    forget_after_delivery: Mapped[bool] = mapped_column(default=False, server_default=false())
