"""Reason templates and how a decision's reason is put together."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import audit
from ..extensions import db
from ..roles import is_admin
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


def _require_admin(actor) -> None:
    if not is_admin(actor):
        raise ReasonError("Begründungsvorlagen pflegt nur die Administration.")


def all_templates() -> list[ReasonTemplate]:
    """Every template, active and inactive, by kind and in the order they are offered."""
    query = select(ReasonTemplate).order_by(
        ReasonTemplate.kind, ReasonTemplate.position, ReasonTemplate.id
    )
    return list(db.session.scalars(query))


def add_template(admin, kind: str, title: str, text: str) -> ReasonTemplate:
    _require_admin(admin)
    _require_unique_title(kind, title.strip())
    template = ReasonTemplate(kind=kind, title=title.strip(), text=text.strip(), position=999)
    db.session.add(template)
    db.session.flush()
    audit.record(admin, "reason.create", template, after={"title": title, "text": text})
    return template


def _state(template: ReasonTemplate) -> dict:
    return {
        "kind": template.kind,
        "title": template.title,
        "text": template.text,
        "active": template.is_active,
    }


def update_template(admin, template: ReasonTemplate, kind: str, title: str, text: str) -> bool:
    """Change kind, title and text; False (and no log entry) when nothing changed."""
    _require_admin(admin)
    title, text = title.strip(), text.strip()
    if (kind, title, text) == (template.kind, template.title, template.text):
        return False
    _require_unique_title(kind, title, template)
    before = _state(template)
    template.kind, template.title, template.text = kind, title, text
    audit.record(admin, "reason.update", template, before=before, after=_state(template))
    db.session.flush()
    return True


def set_template_active(admin, template: ReasonTemplate, active: bool) -> bool:
    """Offer a template in decisions again, or no longer; past decisions keep its title.
    False when it already was so."""
    _require_admin(admin)
    if template.is_active == active:
        return False
    template.is_active = active
    action = "reason.reactivate" if active else "reason.retire"
    audit.record(admin, action, template, before={"active": not active}, after={"active": active})
    db.session.flush()
    return True
