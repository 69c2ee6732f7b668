"""Helpers shared by the pipeline tests: rating shortcuts and the rating overview as text."""

import re

from sqlalchemy import select

from participation.extensions import db
from participation.rating.models import Assessment


def rate_url(idea) -> str:
    return f"/pipeline/ideas/{idea.id}/rate"


def assessments(idea=None) -> list[Assessment]:
    db.session.expire_all()
    query = select(Assessment).order_by(Assessment.id)
    if idea is not None:
        query = query.where(Assessment.idea_id == idea.id)
    return list(db.session.scalars(query))


def overview_rows(html: str) -> dict[int, str]:
    """Each idea's <article> on the overview, by idea id, in page order."""
    rows = re.findall(r'<article aria-labelledby="rated-(\d+)">(.*?)</article>', html, re.S)
    return {int(idea_id): body for idea_id, body in rows}


def figure(row_html: str, label: str) -> str:
    """The value next to a label (Relevanz, Realisierbarkeit, Uneinigkeit, Bewertet)."""
    match = re.search(rf"<dt>{label}</dt><dd[^>]*>([^<]*)</dd>", row_html)
    assert match, f"no figure {label!r} in {row_html!r}"
    return match.group(1).strip()
