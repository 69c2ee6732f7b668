"""Figures for the moderation statistics page."""

import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, or_, select

from ..audit import AuditEntry
from ..extensions import db
from ..ideas.models import Idea, IdeaState
from ..strategy.models import Municipality
from ..timeutil import utcnow

DECISION_ACTIONS = (
    "idea.publish",
    "idea.reject",
    "idea.hide",
    "idea.restore",
    "comment.approve",
    "comment.reject",
    "comment.hide",
    "comment.restore",
)


@dataclass
class MunicipalityFigures:
    name: str
    waiting: int = 0
    decided: int = 0
    median_hours: float | None = None


@dataclass
class ModerationStats:
    waiting: int
    decided: int
    median_hours: float | None
    per_day: list[tuple[date, int]] = field(default_factory=list)
    per_municipality: list[MunicipalityFigures] = field(default_factory=list)

    @property
    def per_day_max(self) -> int:
        return max((n for _, n in self.per_day), default=0)


def _median_hours(durations: list[float]) -> float | None:
    return round(statistics.median(durations) / 3600, 1) if durations else None


def _decisions_per_day(days: int) -> list[tuple[date, int]]:
    since = utcnow() - timedelta(days=days)
    day = func.date(AuditEntry.created_at)
    rows = db.session.execute(
        select(day, func.count())
        .where(AuditEntry.action.in_(DECISION_ACTIONS), AuditEntry.created_at >= since)
        .group_by(day)
    ).all()
    counts = {str(d): n for d, n in rows}
    today = utcnow().date()
    return [
        (today - timedelta(days=offset), counts.get(str(today - timedelta(days=offset)), 0))
        for offset in range(days - 1, -1, -1)
    ]


def moderation_stats(days: int = 30) -> ModerationStats:
    """Queue length, decisions per day, median time from submission to decision."""
    rows = db.session.execute(
        select(Municipality.name, Idea.submitted_at, Idea.decided_at)
        .join(Municipality, Municipality.id == Idea.municipality_id)
        .where(or_(Idea.state == IdeaState.PENDING, Idea.decided_at.is_not(None)))
    ).all()
    places: dict[str, MunicipalityFigures] = {}
    durations: dict[str, list[float]] = {}
    for name, submitted, decided in rows:
        figures = places.setdefault(name, MunicipalityFigures(name))
        if decided is None:
            figures.waiting += 1
            continue
        figures.decided += 1
        if submitted is not None:
            durations.setdefault(name, []).append((decided - submitted).total_seconds())
    for name, figures in places.items():
        figures.median_hours = _median_hours(durations.get(name, []))
    everything = [d for values in durations.values() for d in values]
    return ModerationStats(
        waiting=sum(f.waiting for f in places.values()),
        decided=sum(f.decided for f in places.values()),
        median_hours=_median_hours(everything),
        per_day=_decisions_per_day(days),
        per_municipality=sorted(places.values(), key=lambda f: f.name),
    )
