"""Demo ratings: the demo committee and team members rate the best-supported ideas."""

import random

from sqlalchemy import insert, select

from ..accounts.models import RoleAssignment
from ..extensions import db
from ..ideas.models import Idea, IdeaState
from ..pipeline.models import Assessment
from ..pipeline.permissions import PIPELINE_ROLES
from ..timeutil import utcnow

NOTES = ["", "", "Passt zur Digitalstrategie.", "Förderung prüfen.", "Mit Nachbarkommunen bündeln?"]


def write_ratings(seed: int, share: float = 0.3) -> int:
    """Rate the best-supported share of published ideas, a little differently per member."""
    rng = random.Random(seed)
    members = db.session.scalars(
        select(RoleAssignment.user_id)
        .where(RoleAssignment.role.in_(list(PIPELINE_ROLES)))
        .distinct()
    ).all()
    ideas = db.session.scalars(
        select(Idea.id).where(Idea.state == IdeaState.PUBLISHED).order_by(Idea.support_count.desc())
    ).all()
    chosen = ideas[: int(len(ideas) * share)]
    now = utcnow()
    rows = []
    for idea_id in chosen:
        base_relevance, base_feasibility = rng.randint(2, 5), rng.randint(1, 5)
        for member in members:
            if rng.random() < 0.8:
                rows.append(
                    {
                        "idea_id": idea_id,
                        "rater_id": member,
                        "note": rng.choice(NOTES),
                        "relevance": min(max(base_relevance + rng.randint(-1, 1), 1), 5),
                        "feasibility": min(max(base_feasibility + rng.randint(-1, 1), 1), 5),
                        "created_at": now,
                        "updated_at": now,
                    }
                )
    existing = set(db.session.execute(select(Assessment.idea_id, Assessment.rater_id)).all())
    rows = [r for r in rows if (r["idea_id"], r["rater_id"]) not in existing]
    if rows:
        db.session.execute(insert(Assessment), rows)
    return len(rows)
