"""Reports and reason templates; decisions live in `decisions.py`."""

from flask import current_app
from sqlalchemy import or_, select, update

from .. import audit
from ..extensions import db
from ..ideas.permissions import OWN_REPORT_REFUSAL
from ..rules import RuleError
from ..timeutil import utcnow
from .models import ReasonTemplate, Report, ReportReason

ERASED = "erased"  # a report's resolution when its author took the reported item along


class ReportError(RuleError):
    """A report was not complete."""


def file_report(reporter, *, reason: str, note: str = "", idea=None, comment=None) -> Report:
    """Store a report once per person and item; a repeat changes nothing."""
    if reason not in ReportReason.__members__.values():
        raise ReportError("Bitte wählen Sie einen Grund.")
    if (comment or idea).author_id == reporter.id:
        raise ReportError(OWN_REPORT_REFUSAL)
    target = {"idea_id": idea.id if idea else None, "comment_id": comment.id if comment else None}
    existing = db.session.scalar(select(Report).filter_by(reporter_id=reporter.id, **target))
    if existing is not None:
        return existing
    report = Report(reporter_id=reporter.id, reason=reason, note=note.strip(), **target)
    db.session.add(report)
    db.session.flush()
    audit.record(reporter, "report.create", report, after=reason)
    current_app.logger.info("Meldung %s zu %s eingegangen", report.id, target)
    from .decisions import auto_hide_if_reported  # decisions builds on the ideas services

    auto_hide_if_reported(idea=idea, comment=comment)
    return report


def close_reports_about(idea_ids: list[int], comment_ids: list[int]) -> int:
    """Open reports on contributions erased with their author's account: nothing is
    left for the moderation to decide. Returns how many were closed."""
    about = or_(Report.idea_id.in_(idea_ids), Report.comment_id.in_(comment_ids))
    statement = (
        update(Report)
        .where(about, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolution=ERASED)
    )
    return db.session.execute(statement, execution_options={"synchronize_session": False}).rowcount


def _known_templates() -> set[tuple[str, str]]:
    """(kind, title) of every template there is, and of every default as it was seeded:
    a renamed default must not come back next to its new version."""
    rows = db.session.execute(
        select(ReasonTemplate.kind, ReasonTemplate.title, ReasonTemplate.seeded_title)
    )
    known = set()
    for kind, title, seeded_title in rows:
        known |= {(kind, title), (kind, seeded_title)}
    return known


def seed_reason_templates(data: dict) -> int:
    """Create the default reason templates that are missing; never overwrite edits."""
    existing = _known_templates()
    created = 0
    for position, row in enumerate(data.get("reason_templates", []), start=1):
        if (row["kind"], row["title"]) in existing:
            continue
        db.session.add(ReasonTemplate(position=position, seeded_title=row["title"], **row))
        created += 1
    db.session.flush()
    return created
