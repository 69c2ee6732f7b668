"""Rating ideas by relevance and feasibility."""

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..ideas.models import PUBLIC_STATES, Idea
from ..rules import RuleError
from ..timeutil import utcnow
from .models import SCALE, Assessment
from .permissions import can_rate_ideas


class PipelineError(RuleError):
    """A rule of the pipeline refused the change. Rating's and the projects' services
    raise it (projects sit above rating)."""


def rating_figures():
    """Per idea: how many members rated it, the means and the largest gap on each scale."""
    return (
        select(
            Assessment.idea_id,
            func.count().label("raters"),
            func.avg(Assessment.relevance).label("relevance"),
            func.avg(Assessment.feasibility).label("feasibility"),
            (func.max(Assessment.relevance) - func.min(Assessment.relevance)).label("rel_spread"),
            (func.max(Assessment.feasibility) - func.min(Assessment.feasibility)).label(
                "feas_spread"
            ),
        )
        .group_by(Assessment.idea_id)
        .subquery()
    )


def rating_spread(scale):
    """The largest gap between two members on a scale (`Assessment.relevance` or
    `.feasibility`), for each idea of the enclosing query: unlike counts and sums, a
    gap cannot be kept up by adding and subtracting, so a page counts it for its rows."""
    gap = func.max(scale) - func.min(scale)
    return select(gap).where(Assessment.idea_id == Idea.id).scalar_subquery()


def my_assessment(rater, idea: Idea) -> Assessment | None:
    query = select(Assessment).where(Assessment.idea_id == idea.id, Assessment.rater_id == rater.id)
    return db.session.scalar(query)


def rate_idea(rater, idea: Idea, relevance: int, feasibility: int, note: str = "") -> Assessment:
    """Save (or change) one member's rating; each member rates an idea once."""
    if not can_rate_ideas(rater):
        raise PipelineError("Nur Lenkungsausschuss und Projektteam bewerten Ideen.")
    if idea.state not in PUBLIC_STATES:
        raise PipelineError("Bewertet werden nur veröffentlichte Ideen.")
    for field, value in (("relevance", relevance), ("feasibility", feasibility)):
        if value not in SCALE:
            raise PipelineError("Bitte wählen Sie einen Wert von 1 bis 5.", field)
    assessment = my_assessment(rater, idea) or Assessment(idea_id=idea.id, rater_id=rater.id)
    assessment.relevance, assessment.feasibility = relevance, feasibility
    assessment.note, assessment.updated_at = (note or "").strip(), utcnow()
    db.session.add(assessment)
    db.session.flush()
    current_app.logger.info("Idee %s bewertet von %s", idea.id, rater.id)
    return assessment
