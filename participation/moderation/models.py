from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..timeutil import utcnow


class AuditEntry(db.Model):
    """Append-only record of a decision or state change: who, what, when, why."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship(lazy="joined")


class ReportReason(StrEnum):
    SPAM = "spam"
    INSULT = "insult"
    PERSONAL_DATA = "personal_data"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


REPORT_REASON_LABELS = {
    ReportReason.SPAM: "Werbung oder Spam",
    ReportReason.INSULT: "Beleidigung oder Hetze",
    ReportReason.PERSONAL_DATA: "Persönliche Daten",
    ReportReason.OFF_TOPIC: "Gehört nicht hierher",
    ReportReason.OTHER: "Anderer Grund",
}


class Report(db.Model):
    """A user's flag on an idea or a comment, waiting for a moderator."""

    __tablename__ = "reports"
    __table_args__ = (
        CheckConstraint("(idea_id IS NULL) <> (comment_id IS NULL)", name="exactly_one_target"),
        UniqueConstraint("reporter_id", "idea_id", "comment_id"),
        Index("ix_reports_open", "resolved_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("ideas.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(String(40))

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])

    @property
    def reason_label(self) -> str:
        return REPORT_REASON_LABELS.get(ReportReason(self.reason), self.reason)


APPEND_ONLY = "Einträge im Audit-Log können nicht geändert oder gelöscht werden."


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(mapper, connection, target) -> None:
    raise RuntimeError(APPEND_ONLY)


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes_to_the_audit_log(state) -> None:
    """`session.execute(update(AuditEntry))` skips the per-object events above."""
    if (state.is_update or state.is_delete) and state.bind_mapper is AuditEntry.__mapper__:
        raise RuntimeError(APPEND_ONLY)


class ReasonKind(StrEnum):
    REJECT = "reject"
    HIDE = "hide"
    BLOCK = "block"


REASON_KIND_LABELS = {
    ReasonKind.REJECT: "Ablehnen",
    ReasonKind.HIDE: "Ausblenden",
    ReasonKind.BLOCK: "Konto sperren",
}


class ReasonTemplate(db.Model):
    """A reusable, admin-editable reason text for moderation decisions."""

    __tablename__ = "reason_templates"
    __table_args__ = (UniqueConstraint("kind", "title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
