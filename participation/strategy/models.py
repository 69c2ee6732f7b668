from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..timeutil import utcnow


class Municipality(db.Model):
    """A town or municipality of the district, or the district as a whole."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    is_district_wide: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Municipality {self.slug}>"


class FieldOfAction(db.Model):
    __tablename__ = "fields_of_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Value(db.Model):
    """One of the values the vision rests on."""

    __tablename__ = "vision_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class ProcessStep(db.Model):
    __tablename__ = "process_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(160), unique=True)
    period: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class GoverningBody(db.Model):
    """Who steers the strategy: steering committee, project team, contact roles."""

    __tablename__ = "governing_bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)


class Page(db.Model):
    """An editable text page (home introduction, vision, legal pages, Leichte Sprache)."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    # The shipped text is a template with gaps in [brackets]; the first edit clears it.
    is_placeholder: Mapped[bool] = mapped_column(default=False)
    # When staff last saved the text. None: still the shipped text, which `seed` updates;
    # once set, the text is the administration's and `seed` leaves it alone.
    edited_at: Mapped[datetime | None]


class PageVersion(db.Model):
    """One state of a page's text: the shipped text (no author), each edit, each restore.

    The newest version of a page is what the page shows. No key from `pages` to
    `users`: the page stays reference data, and who changed it is read from here.
    """

    __tablename__ = "page_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("pages.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Written by `seed` from the data file, not by a person.
    is_shipped: Mapped[bool] = mapped_column(default=False)
    # None for shipped text, or when the account was deleted since.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    restored_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("page_versions.id", ondelete="SET NULL")
    )
    # Non-blank lines added and removed against the text before: the history's summary.
    lines_added: Mapped[int] = mapped_column(default=0)
    lines_removed: Mapped[int] = mapped_column(default=0)

    page: Mapped[Page] = relationship()
    # The account sits above this package: named, not imported.
    author: Mapped["User | None"] = relationship(lazy="joined")  # noqa: F821
    restored_from: Mapped["PageVersion | None"] = relationship(remote_side=[id])
