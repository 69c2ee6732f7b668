from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..ideas.models import Comment, Idea
from ..timeutil import utcnow


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
    # None once the reporter deleted their account: the report stays for the moderation.
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
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

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])

    @property
    def audit_municipality_id(self) -> int | None:
        """A report belongs to the town of what it reports."""
        target = db.session.get(
            Comment if self.comment_id else Idea, self.comment_id or self.idea_id
        )
        return target.audit_municipality_id if target is not None else None

    @property
    def reason_label(self) -> str:
        return REPORT_REASON_LABELS.get(ReportReason(self.reason), self.reason)


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
    # The title a shipped default had when it was seeded: renaming it never brings it back.
    seeded_title: Mapped[str | None] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
