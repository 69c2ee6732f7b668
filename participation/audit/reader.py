"""Reading the audit log: scoped to the reader, filterable, paginated, newest first."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..input_guard import record_id
from ..pagination import Page
from ..query_filters import QueryFilter, choice, day, page, record, text
from ..roles import scope_filter
from .models import AuditEntry

ACTION_LABELS = {
    "idea.submit": "Idee eingereicht",
    "idea.edit": "Idee bearbeitet (Autor/in)",
    "idea.revise": "Idee überarbeitet",
    "idea.resubmit": "Idee erneut eingereicht",
    "idea.publish": "Idee freigegeben",
    "idea.reject": "Idee abgelehnt",
    "idea.hide": "Idee ausgeblendet",
    "idea.restore": "Idee wieder sichtbar",
    "idea.withdraw": "Idee zurückgezogen",
    "idea.correct": "Idee korrigiert (Moderation)",
    "idea.photo_remove": "Foto einer Idee entfernt (Moderation)",
    "idea.adopt": "Idee in Projekt übernommen",
    "idea.decline": "Idee nicht weiterverfolgt",
    "idea.erase": "Idee mit dem Konto entfernt",
    "comment.create": "Kommentar geschrieben",
    "comment.edit": "Kommentar bearbeitet",
    "comment.delete": "Kommentar gelöscht",
    "comment.approve": "Kommentar freigegeben",
    "comment.reject": "Kommentar abgelehnt",
    "comment.hide": "Kommentar ausgeblendet",
    "comment.restore": "Kommentar wieder sichtbar",
    "comment.correct": "Kommentar korrigiert (Moderation)",
    "comment.erase": "Kommentar mit dem Konto entfernt",
    "report.create": "Meldung eingegangen",
    "report.dismiss": "Meldungen zurückgewiesen",
    "user.block": "Konto gesperrt",
    "user.unblock": "Konto entsperrt",
    "user.resend_confirmation": "Bestätigungslink erneut gesendet",
    "user.second_factor_reset": "Zweiten Faktor zurückgesetzt",
    "user.delete": "Konto gelöscht",
    "role.grant": "Rolle vergeben",
    "role.revoke": "Rolle entzogen",
    "reason.create": "Begründungsvorlage angelegt",
    "reason.update": "Begründungsvorlage geändert",
    "reason.retire": "Begründungsvorlage deaktiviert",
    "reason.reactivate": "Begründungsvorlage wieder aktiviert",
    "page.edit": "Text geändert",
    "page.restore": "Text wiederhergestellt",
    "project.create": "Projekt angelegt",
    "project.plan": "Projektplan geändert",
    "project.take_idea": "Idee in Projekt aufgenommen",
    "project.funding": "Finanzierung eingetragen",
    "project.funding_removed": "Finanzierung entfernt",
    "project.milestone": "Meilenstein eingetragen",
    "project.milestone_done": "Meilenstein erledigt",
    "project.milestone_open": "Meilenstein wieder offen",
    "project.milestone_removed": "Meilenstein entfernt",
    "project.update": "Neuigkeit veröffentlicht",
}
OBJECT_LABELS = {
    "ideas": "Idee",
    "comments": "Kommentar",
    "users": "Konto",
    "reports": "Meldung",
    "reason_templates": "Vorlage",
    "pages": "Textseite",
    "projects": "Projekt",
}
# Why the former texts of an entry are gone (`redaction.py`).
REDACTION_LABELS = {
    "retention": "entfernt nach Aufbewahrungsfrist",
    "deletion": "entfernt mit dem Konto der Verfasserin oder des Verfassers",
}
PER_PAGE = 50


OBJECT_TYPES = ("ideas", "comments", "users", "reports", "projects")


@dataclass
class LogFilter(QueryFilter):
    action: str | None = choice(ACTION_LABELS)
    actor: str = text(max_length=100, default="")
    object_type: str | None = choice(OBJECT_TYPES)
    object_id: int | None = record()
    day: str | None = day()
    page: int = page()


class LogPage(Page):
    @property
    def entries(self) -> list[AuditEntry]:
        return self.items


def _day_in_utc(day: str) -> tuple[datetime, datetime]:
    """A calendar day as the log shows its times (the district's zone), in stored UTC."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    start = datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=zone)
    end = start + timedelta(days=1)  # wall-clock arithmetic: 23 or 25 hours on DST days
    return tuple(moment.astimezone(UTC).replace(tzinfo=None) for moment in (start, end))


def _actor_condition(actor: str):
    """An actor by id ("17") or by a part of the display name; e-mail addresses are
    never searched, so the filter cannot tie an address to a name."""
    actor_id = record_id(actor) if actor.isascii() and actor.isdigit() else None
    if actor_id is not None:
        return AuditEntry.actor_id == actor_id
    user = AuditEntry.actor.property.mapper.class_  # accounts' User, without importing it
    names = select(user.id).where(
        func.lower(user.display_name).contains(actor.lower(), autoescape=True)
    )
    return AuditEntry.actor_id.in_(names)


def entries(viewer, filters: LogFilter) -> LogPage:
    """The entries `viewer` may read: those about objects in their moderation scope."""
    query = select(AuditEntry).where(scope_filter(viewer, AuditEntry.municipality_id))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.object_type:
        query = query.where(AuditEntry.object_type == filters.object_type)
    if filters.object_id:
        query = query.where(AuditEntry.object_id == filters.object_id)
    if filters.actor:
        query = query.where(_actor_condition(filters.actor))
    if filters.day:
        start, end = _day_in_utc(filters.day)
        query = query.where(AuditEntry.created_at >= start, AuditEntry.created_at < end)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(
        query.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(PER_PAGE)
        .offset((filters.page - 1) * PER_PAGE)
    )
    return LogPage(list(rows), total, filters.page, PER_PAGE)


def history(idea) -> list[AuditEntry]:
    """The decisions and state changes of one idea, oldest first."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.object_type == "ideas", AuditEntry.object_id == idea.id)
        .order_by(AuditEntry.created_at, AuditEntry.id)
    )
    return list(db.session.scalars(query))
