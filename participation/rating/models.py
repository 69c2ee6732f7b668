from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

SCALE = range(1, 6)


class Assessment(db.Model):
    """One member's internal rating of an idea. Never shown to the public."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("idea_id", "rater_id"),
        CheckConstraint("relevance BETWEEN 1 AND 5", name="relevance_scale"),
        CheckConstraint("feasibility BETWEEN 1 AND 5", name="feasibility_scale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    rater_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    relevance: Mapped[int]
    feasibility: Mapped[int]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
