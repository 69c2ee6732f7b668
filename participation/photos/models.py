from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

DESCRIPTION_MAX = 200


class IdeaPhoto(db.Model):
    """One photo of an idea, stored in a few widths (`widths`, e.g. "480,960,1600").

    Without an idea it is a draft of its owner: sent with the idea form, it waits through
    the preview until the idea is submitted. The files are named by `key`, a random
    string, never by the id: knowing one photo's address tells nothing about another's.
    """

    __tablename__ = "idea_photos"
    # An idea's photos; and drafts (idea_id NULL) by age, for the retention run.
    __table_args__ = (Index("ix_idea_photos_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int | None] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX))
    position: Mapped[int] = mapped_column(default=0)
    width: Mapped[int]  # of the largest stored size
    height: Mapped[int]
    widths: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_draft(self) -> bool:
        return self.idea_id is None

    @property
    def sizes(self) -> list[int]:
        """The stored widths, smallest first."""
        return [int(width) for width in self.widths.split(",")]

    def height_at(self, width: int) -> int:
        return max(round(self.height * width / self.width), 1)

    def size_up_to(self, width: int) -> int:
        """The largest stored width not above `width` (the smallest one if all are)."""
        fitting = [size for size in self.sizes if size <= width]
        return fitting[-1] if fitting else self.sizes[0]
