"""Reason templates and how a decision's reason is put together."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..rules import RuleError
from .models import ReasonKind, ReasonTemplate, Report

OTHER_CATEGORY = "Sonstiger Grund"


@dataclass
class Reason:
    text: str
    category: str


def active_templates(kind: ReasonKind) -> list[ReasonTemplate]:
    query = (
        select(ReasonTemplate)
        .where(ReasonTemplate.kind == kind, ReasonTemplate.is_active.is_(True))
        .order_by(ReasonTemplate.position, ReasonTemplate.id)
    )
    return list(db.session.scalars(query))


def choices(kind: ReasonKind) -> list[tuple[int, str]]:
    return [(0, "Keine Vorlage"), *((t.id, t.title) for t in active_templates(kind))]


def compose(template_id: int | None, free_text: str | None) -> Reason:
    """Template text first, then the moderator's own words; the title is the public category."""
    template = db.session.get(ReasonTemplate, template_id) if template_id else None
    parts = [template.text if template else "", (free_text or "").strip()]
    text = "\n\n".join(part for part in parts if part)
    return Reason(text=text, category=template.title if template else OTHER_CATEGORY)


def open_reports(idea=None, comment=None) -> list[Report]:
    target = Report.comment_id == comment.id if comment else Report.idea_id == idea.id
    query = (
        select(Report)
        .where(target, Report.resolved_at.is_(None))
        .options(joinedload(Report.reporter))
        .order_by(Report.created_at)
    )
    return list(db.session.scalars(query))


class ReasonError(RuleError):
    """A rule about reason templates was broken."""


def _require_unique_title(kind: str, title: str, template: ReasonTemplate | None = None) -> None:
    """A readable error instead of the database's unique constraint (a 500)."""
    query = select(ReasonTemplate.id).where(
        ReasonTemplate.kind == kind, ReasonTemplate.title == title
    )
    if template is not None:
        query = query.where(ReasonTemplate.id != template.id)
    if db.session.scalar(query) is not None:
        raise ReasonError("Eine Vorlage dieser Art mit diesem Titel gibt es schon.", "title")


def add_template(admin, kind: str, title: str, text: str) -> ReasonTemplate:
    _require_unique_title(kind, title.strip())
    template = ReasonTemplate(kind=kind, title=title.strip(), text=text.strip(), position=999)
    db.session.add(template)
    db.session.flush()
    audit.record(admin, "reason.create", template, after={"title": title, "text": text})
    return template


def update_template(
    admin, template: ReasonTemplate, kind: str, title: str, text: str, active: bool
):
    _require_unique_title(kind, title, template)
    # `kind` and `title` in the log also tell `flask seed` which defaults were renamed.
    before = {
        "kind": template.kind,
        "title": template.title,
        "text": template.text,
        "active": template.is_active,
    }
    template.kind, template.title, template.text, template.is_active = kind, title, text, active
    after = {"kind": kind, "title": title, "text": text, "active": active}
    audit.record(admin, "reason.update", template, before=before, after=after)
    db.session.flush()
