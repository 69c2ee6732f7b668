"""Helpers for the moderation tests: reports, reason templates, posts, the DB as it is now."""

from datetime import timedelta

from sqlalchemy import select

from participation.extensions import db
from participation.ideas.models import Comment, Idea
from participation.moderation.models import ReasonTemplate, Report
from participation.timeutil import utcnow
from tests.factories import create_user
from tests.helpers import csrf_token_from


def create_report(reporter=None, *, idea=None, comment=None, reason="spam", note="", ago=None):
    """A report as a person files it; `ago` moves its time into the past."""
    report = Report(
        reporter_id=(reporter or create_user()).id,
        idea_id=idea.id if idea is not None else None,
        comment_id=comment.id if comment is not None else None,
        reason=reason,
        note=note,
        created_at=utcnow() - (ago or timedelta()),
    )
    db.session.add(report)
    db.session.commit()
    return report


def create_template(kind="reject", title="Kein Bezug zum Kreis", text=None, active=True):
    template = ReasonTemplate(
        kind=kind,
        title=title,
        text=text or f"Text der Vorlage „{title}“ für die Autorin oder den Autor.",
        is_active=active,
    )
    db.session.add(template)
    db.session.commit()
    return template


def open_reports() -> list[Report]:
    db.session.expire_all()
    return list(db.session.scalars(select(Report).where(Report.resolved_at.is_(None))))


def idea_row(idea_id: int) -> Idea:
    db.session.expire_all()
    return db.session.get(Idea, idea_id)


def comment_row(comment_id: int) -> Comment:
    db.session.expire_all()
    return db.session.get(Comment, comment_id)


def post(browser, url: str, data: dict | None = None, page: str = "/account", **kwargs):
    """A POST with the CSRF token of a page the person can open (the staff navigation
    carries one on every page for a signed-in person)."""
    token = csrf_token_from(browser.get(page).get_data(as_text=True))
    return browser.client.post(url, data={"csrf_token": token, **(data or {})}, **kwargs)
