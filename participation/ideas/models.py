from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Computed, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow

COMMENT_EDIT_WINDOW = timedelta(minutes=15)
TRENDING_WINDOW = timedelta(days=14)


class IdeaState(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"
    ADOPTED = "adopted"  # taken into one or more projects by the project team
    DECLINED = "declined"  # "nicht weiterverfolgt", with a public reason


PUBLIC_STATES = frozenset({IdeaState.PUBLISHED, IdeaState.ADOPTED, IdeaState.DECLINED})
LISTED_SQL = "state IN ('published', 'adopted', 'declined')"  # PUBLIC_STATES, for the database


class Idea(db.Model):
    __tablename__ = "ideas"
    __table_args__ = (
        Index("ix_ideas_state_created", "state", "created_at"),
        Index("ix_ideas_state_supports", "state", "support_count"),
        Index("ix_ideas_state_comments", "state", "comment_count"),
        Index("ix_ideas_state_trending", "state", "recent_support_count"),
        # The public list shows three states; one derived flag keeps it index-ordered.
        Index("ix_ideas_listed_created", "listed", "created_at"),
        Index("ix_ideas_listed_supports", "listed", "support_count"),
        Index("ix_ideas_listed_comments", "listed", "comment_count"),
        Index("ix_ideas_listed_trending", "listed", "recent_support_count"),
        # Public ideas of one town: its page, the lists' filter by town.
        Index("ix_ideas_listed_municipality", "listed", "municipality_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    body: Mapped[str] = mapped_column(Text)
    field_id: Mapped[int] = mapped_column(ForeignKey("fields_of_action.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=IdeaState.PENDING)
    # Computed by the database from `state`: true for the PUBLIC_STATES.
    listed: Mapped[bool] = mapped_column(Computed(LISTED_SQL))
    state_reason: Mapped[str | None] = mapped_column(Text)
    support_count: Mapped[int] = mapped_column(default=0)
    # Supports of the last TRENDING_WINDOW, kept in step on every support and
    # refreshed by `flask jobs trending` (hourly timer) as old supports age out.
    recent_support_count: Mapped[int] = mapped_column(default=0, server_default="0")
    comment_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the idea (last) entered the moderation queue, and when that was decided:
    # the moderation statistics measure the time between the two.
    submitted_at: Mapped[datetime | None] = mapped_column(default=utcnow, index=True)
    decided_at: Mapped[datetime | None]
    # The short public label of a moderation reason ("Werbung"); the full text goes to the author.
    reason_category: Mapped[str | None] = mapped_column(String(120))
    # The project team's public answer when it does not pursue the idea.
    team_answer: Mapped[str | None] = mapped_column(Text)
    # While hidden: the public state it returns to when a moderator restores it.
    hidden_from: Mapped[str | None] = mapped_column(String(20))
    # Where, besides the town (ideas/places.py): a plain text, and a point in the district.
    place: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]

    field: Mapped[FieldOfAction] = relationship(lazy="raise")
    municipality: Mapped[Municipality] = relationship(lazy="raise")
    author: Mapped[User] = relationship(lazy="raise")
    # Up to three, in order (`photos` package, which changes them); lists load them along.
    photos: Mapped[list["IdeaPhoto"]] = relationship(  # noqa: F821
        order_by="IdeaPhoto.position", viewonly=True
    )

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def audit_municipality_id(self) -> int:
        return self.municipality_id

    @property
    def is_open_for_support(self) -> bool:
        return self.state in (IdeaState.PUBLISHED, IdeaState.ADOPTED)

    @property
    def is_open_for_comments(self) -> bool:
        return self.state in (IdeaState.PUBLISHED, IdeaState.ADOPTED)


class Support(db.Model):
    """One person's support for one idea; the idea caches the count.

    A deleted account's supports stay and keep counting, without a person (`user_id`
    None); the unique key holds for living accounts, as NULLs never collide.
    """

    __tablename__ = "supports"
    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        Index("ix_supports_created_idea", "created_at", "idea_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Follow(db.Model):
    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")


class CommentState(StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"
    DELETED = "deleted"


class Comment(db.Model):
    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default=CommentState.PUBLISHED)
    state_reason: Mapped[str | None] = mapped_column(Text)
    reason_category: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]

    author: Mapped[User] = relationship(lazy="raise")
    idea: Mapped[Idea] = relationship(lazy="raise")

    @property
    def audit_municipality_id(self) -> int | None:
        """A comment belongs to its idea's town."""
        idea = db.session.get(Idea, self.idea_id)
        return idea.municipality_id if idea is not None else None

    @property
    def is_visible(self) -> bool:
        return self.state == CommentState.PUBLISHED

    def editable_until(self) -> datetime:
        return self.created_at + COMMENT_EDIT_WINDOW


STATE_LABELS = {
    IdeaState.PENDING: "Wartet auf Prüfung",
    IdeaState.PUBLISHED: "Veröffentlicht",
    IdeaState.REJECTED: "Nicht freigegeben",
    IdeaState.HIDDEN: "Ausgeblendet",
    IdeaState.WITHDRAWN: "Zurückgezogen",
    IdeaState.ADOPTED: "In ein Projekt eingeflossen",
    IdeaState.DECLINED: "Nicht weiterverfolgt",
}
# The three public states as the lists offer them ("Offen" rather than "Veröffentlicht").
PUBLIC_STATE_LABELS = {
    IdeaState.PUBLISHED: "Offen",
    IdeaState.ADOPTED: STATE_LABELS[IdeaState.ADOPTED],
    IdeaState.DECLINED: STATE_LABELS[IdeaState.DECLINED],
}
STATE_EXPLANATIONS = {
    IdeaState.PENDING: (
        "Die Moderation prüft die Idee, meist innerhalb weniger Tage. "
        "Bis dahin sehen nur Sie sie; Sie können sie noch bearbeiten oder zurückziehen."
    ),
    IdeaState.PUBLISHED: (
        "Alle können die Idee lesen, unterstützen und kommentieren. "
        "Das Projektteam und der Lenkungsausschuss bewerten gut unterstützte Ideen."
    ),
    IdeaState.REJECTED: "Die Moderation hat die Idee nicht freigegeben.",
    IdeaState.HIDDEN: "Die Moderation hat die Idee ausgeblendet.",
    IdeaState.WITHDRAWN: "Die Idee wurde von ihrer Verfasserin oder ihrem Verfasser zurückgezogen.",
    IdeaState.ADOPTED: (
        "Das Projektteam hat die Idee in ein Projekt der Roadmap übernommen. "
        "Sie können weiter unterstützen, kommentieren und den Fortschritt verfolgen."
    ),
    IdeaState.DECLINED: (
        "Das Projektteam verfolgt die Idee nicht weiter. Die Begründung steht auf dieser Seite."
    ),
}

COMMENT_STATE_LABELS = {
    CommentState.PENDING: "wartet auf Freigabe",
    CommentState.PUBLISHED: "veröffentlicht",
    CommentState.HIDDEN: "ausgeblendet",
    CommentState.DELETED: "gelöscht",
}
