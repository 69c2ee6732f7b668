"""Demo moderation history: audit entries for submissions and decisions, open reports."""

import random
from datetime import timedelta

from sqlalchemy import select

from ..audit import AuditEntry
from ..extensions import db
from ..ideas.models import IdeaState
from ..moderation.models import Report, ReportReason
from ..roles import Role, RoleAssignment
from .bulk import insert_rows

DECISIONS = {
    IdeaState.PUBLISHED: "idea.publish",
    IdeaState.REJECTED: "idea.reject",
    IdeaState.HIDDEN: "idea.publish",
}


def demo_moderator_ids() -> list[int]:
    query = select(RoleAssignment.user_id).where(RoleAssignment.role == Role.MODERATOR)
    return list(db.session.scalars(query)) or [None]


def write_history(rng: random.Random, ids: list[int], rows: list[dict], user_ids: list[int]):
    """What moderators would have logged for these demo ideas, plus a few reports."""
    moderators = demo_moderator_ids()
    entries, reports = [], []
    for idea_id, row in zip(ids, rows, strict=True):
        base = {
            "object_type": "ideas",
            "object_id": idea_id,
            "municipality_id": row["municipality_id"],
            "before": None,
            "reason": None,
        }
        entries.append(
            {
                **base,
                "actor_id": row["author_id"],
                "action": "idea.submit",
                "after": "pending",
                "created_at": row["submitted_at"],
            }
        )
        action = DECISIONS.get(row["state"])
        if action:
            entries.append(
                {
                    **base,
                    "actor_id": rng.choice(moderators),
                    "action": action,
                    "before": "pending",
                    "after": "published" if action == "idea.publish" else row["state"],
                    "reason": row["state_reason"] if action == "idea.reject" else None,
                    "created_at": row["decided_at"],
                }
            )
        if row["state"] == IdeaState.HIDDEN:
            entries.append(
                {
                    **base,
                    "actor_id": rng.choice(moderators),
                    "action": "idea.hide",
                    "before": "published",
                    "after": "hidden",
                    "reason": row["state_reason"],
                    "created_at": row["decided_at"] + timedelta(days=1),
                }
            )
        if row["state"] == IdeaState.PUBLISHED and rng.random() < 0.03:
            for reporter in rng.sample(user_ids, rng.randint(1, 3)):
                reports.append(
                    {
                        "reporter_id": reporter,
                        "idea_id": idea_id,
                        "reason": rng.choice(list(ReportReason)).value,
                        "note": "",
                        "created_at": row["decided_at"] + timedelta(hours=rng.uniform(1, 200)),
                    }
                )
    insert_rows(AuditEntry, entries)
    insert_rows(Report, reports)
