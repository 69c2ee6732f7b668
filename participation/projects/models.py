from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import db
from ..ideas.models import Idea
from ..strategy.models import FieldOfAction, Municipality
from ..timeutil import utcnow


class ProjectKind(StrEnum):
    LEAD = "lead"
    POTENTIAL = "potential"


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    PAUSED = "paused"
    STOPPED = "stopped"


class FundingStatus(StrEnum):
    APPLIED = "applied"
    APPROVED = "approved"
    DECLINED = "declined"


KIND_LABELS = {ProjectKind.LEAD: "Leitprojekt", ProjectKind.POTENTIAL: "Potenzialprojekt"}
STATUS_LABELS = {
    ProjectStatus.PLANNED: "Geplant",
    ProjectStatus.ACTIVE: "In Umsetzung",
    ProjectStatus.COMPLETED: "Abgeschlossen",
    ProjectStatus.PAUSED: "Pausiert",
    ProjectStatus.STOPPED: "Gestoppt",
}
FUNDING_STATUS_LABELS = {
    FundingStatus.APPLIED: "Beantragt",
    FundingStatus.APPROVED: "Bewilligt",
    FundingStatus.DECLINED: "Abgelehnt",
}

project_fields = Table(
    "project_fields",
    db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("fields_of_action.id", ondelete="CASCADE"), primary_key=True),
)
project_municipalities = Table(
    "project_municipalities",
    db.metadata,
    Column("project_id", ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "municipality_id", ForeignKey("municipalities.id", ondelete="CASCADE"), primary_key=True
    ),
)


class Project(db.Model):
    """A lead or potential project on the public roadmap, planned by the project team."""

    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_percent"),
        CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="dates_in_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    summary: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(20), default=ProjectKind.POTENTIAL, index=True)
    status: Mapped[str] = mapped_column(String(20), default=ProjectStatus.PLANNED, index=True)
    progress: Mapped[int] = mapped_column(default=0)
    what: Mapped[str] = mapped_column(Text, default="")  # "Was"
    starts_on: Mapped[date | None]  # "Wann"
    ends_on: Mapped[date | None]
    place: Mapped[str] = mapped_column(String(200), default="")  # "Wo"
    lead: Mapped[str] = mapped_column(String(200), default="")  # "Wer"
    partners: Mapped[str] = mapped_column(Text, default="")  # "Mit wem"
    staff_fte: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))
    budget: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    fields: Mapped[list[FieldOfAction]] = relationship(
        secondary=project_fields, lazy="raise", order_by=FieldOfAction.position
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=project_municipalities, lazy="raise", order_by=Municipality.position
    )
    idea_links: Mapped[list["ProjectIdea"]] = relationship(
        back_populates="project", lazy="raise", cascade="all, delete-orphan"
    )
    funding: Mapped[list["FundingSource"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="FundingSource.id"
    )
    milestones: Mapped[list["Milestone"]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="(Milestone.due_on, Milestone.id)"
    )
    updates: Mapped[list["ProjectUpdate"]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(ProjectUpdate.published_on.desc(), ProjectUpdate.id.desc())",
    )

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


class ProjectIdea(db.Model):
    """An idea that flowed into a project. Ideas are never deleted (authors are
    anonymised, hidden ideas keep their row), so the link outlives both."""

    __tablename__ = "project_ideas"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    idea_id: Mapped[int] = mapped_column(
        ForeignKey("ideas.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    project: Mapped[Project] = relationship(back_populates="idea_links", lazy="raise")
    idea: Mapped[Idea] = relationship(lazy="raise")


class FundingSource(db.Model):
    __tablename__ = "funding_sources"
    __table_args__ = (CheckConstraint("amount IS NULL OR amount >= 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    programme: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    status: Mapped[str] = mapped_column(String(20), default=FundingStatus.APPLIED)

    @property
    def status_label(self) -> str:
        return FUNDING_STATUS_LABELS.get(self.status, self.status)


class Milestone(db.Model):
    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date | None]
    done: Mapped[bool] = mapped_column(default=False)


class ProjectUpdate(db.Model):
    """A public progress report; its followers (and the source ideas') get a mail."""

    __tablename__ = "project_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    published_on: Mapped[date]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProjectFollow(db.Model):
    __tablename__ = "project_follows"
    __table_args__ = (UniqueConstraint("project_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")
